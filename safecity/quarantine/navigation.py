from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("epidemic", _("Quarantine capacity"), "quarantine:board", "quarantine.view_facility", weight=60),
    MenuItem("epidemic", _("Quarantine facilities"), "quarantine:facility_list", "quarantine.view_facility", weight=61),
    MenuItem("epidemic", _("Quarantine stays"), "quarantine:stay_list", "quarantine.view_stay", weight=62),
    MenuItem(
        "epidemic", _("Facility staff"), "quarantine:facilitystaff_list", "quarantine.view_facilitystaff", weight=63
    ),
    MenuItem("epidemic", _("Map of quarantine facilities"), "quarantine:map", "quarantine.view_facility", weight=64),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from . import selectors
    from .models import Facility

    if not user.has_perm("quarantine.view_facility"):
        return []
    facilities = Facility.objects.restrict(user, "view")
    free = selectors.free_beds(facilities)
    has_beds = facilities.filter(archived_at__isnull=True, rooms__beds__isnull=False).exists()
    return [Stat(_("Free quarantine beds"), free, reverse("quarantine:board"), alert=has_beds and free == 0)]


dashboard.register("epidemic", _stats, weight=60)
