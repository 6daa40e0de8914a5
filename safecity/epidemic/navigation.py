from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("epidemic", _("Cases"), "epidemic:case_list", "epidemic.view_case", weight=10),
    MenuItem("epidemic", _("Transmission chains"), "epidemic:cluster_list", "epidemic.view_cluster", weight=20),
    MenuItem("epidemic", _("Person index"), "epidemic:person_list", "epidemic.view_person", weight=30),
    MenuItem("epidemic", _("Exposures"), "epidemic:exposure_list", "epidemic.view_exposure", weight=40),
    MenuItem("epidemic", _("Exposure sites"), "epidemic:exposuresite_list", "epidemic.view_exposuresite", weight=50),
    MenuItem("epidemic", _("Possible duplicates"), "epidemic:person_duplicates", "epidemic.change_person", weight=90),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from .choices import Classification
    from .models import Case, Cluster
    from .selectors import with_activity

    if not user.has_perm("epidemic.view_case"):
        return []
    open_cases = (
        Case.objects.restrict(user, "view")
        .filter(archived_at__isnull=True, closed_at__isnull=True)
        .exclude(classification=Classification.EXCLUDED)
        .count()
    )
    active = with_activity(Cluster.objects.restrict(user, "view").filter(archived_at__isnull=True)).filter(
        is_active=True
    )
    active = active.count()
    return [
        Stat(_("Open cases"), open_cases, reverse("epidemic:case_list"), alert=open_cases > 0),
        Stat(
            _("Active transmission chains"), active, reverse("epidemic:cluster_list") + "?active=true", alert=active > 0
        ),
    ]


dashboard.register("epidemic", _stats)
