from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

from .choices import Colour
from .rules import AREA_OF_KIND, COLOUR_RANK, DEFAULT_AREA

register(
    MenuItem("flood", _("Warnings"), "alerts:warningsignal_list", "alerts.view_warningsignal", weight=10),
    MenuItem("flood", _("Receive a CAP message"), "alerts:receive", "alerts.add_capmessage", weight=11),
    MenuItem("flood", _("CAP messages received"), "alerts:capmessage_list", "alerts.view_capmessage", weight=12),
)


def _in_force_by_area(user) -> dict[str, list]:
    from .selectors import warnings_in_force

    by_area: dict[str, list] = {}
    for kind, colour in warnings_in_force(user).values_list("kind", "colour"):
        by_area.setdefault(AREA_OF_KIND.get(kind, DEFAULT_AREA), []).append(colour)
    return by_area


def _stats_for(area: str):
    def provider(user):
        from django.urls import reverse

        from safecity.core.dashboard import Stat

        if not user.has_perm("alerts.view_warningsignal"):
            return []
        colours = _in_force_by_area(user).get(area, [])
        serious = any(COLOUR_RANK[c] >= COLOUR_RANK[Colour.ORANGE] for c in colours)
        url = f"{reverse('alerts:warningsignal_list')}?state=in_force"
        if area != DEFAULT_AREA:
            url += "".join(f"&kind={kind}" for kind, a in AREA_OF_KIND.items() if a == area)
        return [Stat(_("Warnings in force"), len(colours), url, alert=serious)]

    provider.__name__ = f"warnings_in_force_{area}"
    return provider


dashboard.register("flood", _stats_for("flood"), weight=10)
dashboard.register("forest_fire", _stats_for("forest_fire"), weight=10)
