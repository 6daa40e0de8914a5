from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem(
        "flood", _("Typhoon responses"), "typhoon:typhoonresponse_list", "typhoon.view_typhoonresponse", weight=20
    ),
    MenuItem("flood", _("Vessels"), "typhoon:vessel_list", "typhoon.view_vessel", weight=21),
)


def _target(waiting) -> str:
    """The one ongoing response's page (its vessels not yet in port), or the list of ongoing responses."""
    from django.urls import reverse

    if len(waiting.responses) == 1:
        return f"{waiting.responses[0].get_absolute_url()}?show=not_in_port#vessels"
    return f"{reverse('typhoon:typhoonresponse_list')}?ongoing=true"


def _stats(user):
    """Vessels not yet in port in the ongoing responses the user sees (red when any is past its deadline)."""
    from safecity.core.dashboard import Stat

    from .selectors import vessels_waiting

    if not (user.has_perm("typhoon.view_typhoonresponse") and user.has_perm("typhoon.view_vessel")):
        return []
    waiting = vessels_waiting(user)
    if not waiting.responses:
        return []
    return [Stat(_("Vessels not yet in port"), waiting.not_in_port, _target(waiting), alert=waiting.overdue > 0)]


dashboard.register("flood", _stats, weight=20)


def _todo(user):
    """My work, for county and town staff: the vessels of their area still to check in ongoing responses (not
    checked, or last seen at sea); late = past the port deadline."""
    from safecity.core.dashboard import Todo, role_names

    from .rules import CHECKER_ROLES
    from .selectors import vessels_waiting

    if not (role_names(user) & CHECKER_ROLES and user.has_perm("typhoon.add_vesselcheck")):
        return []
    waiting = vessels_waiting(user)
    if not waiting.responses:
        return []
    return [Todo(_("Vessels to check"), waiting.not_in_port, _target(waiting), late=waiting.overdue)]


dashboard.register_todo(_todo, weight=60)
