from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("resources", _("Volunteers"), "volunteers:volunteer_list", "volunteers.view_volunteer", weight=100),
    MenuItem(
        "resources", _("Volunteer teams"), "volunteers:volunteerteam_list", "volunteers.view_volunteerteam", weight=105
    ),
    MenuItem(
        "resources", _("Volunteer deployments"), "volunteers:deployment_list", "volunteers.view_deployment", weight=110
    ),
    MenuItem("resources", _("Service hours"), "volunteers:hours", "volunteers.view_participation", weight=115),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from .choices import VolunteerStatus
    from .models import Volunteer

    if not user.has_perm("volunteers.view_volunteer"):
        return []
    active = Volunteer.objects.restrict(user, "view").active().filter(status=VolunteerStatus.ACTIVE).count()
    return [Stat(_("Active volunteers"), active, reverse("volunteers:volunteer_list") + "?status=active")]


dashboard.register("resources", _stats, weight=50)
