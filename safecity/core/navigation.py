"""Navigation registry: apps register menu items under the HQ's work areas.

Areas appear in the fixed order below; an area with no item the user may see is simply absent.
Each app declares its items in its own ``navigation.py``, imported when the app is ready.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    icon: str = ""


#: The HQ's work areas, in menu order.
AREAS: tuple[Area, ...] = (
    Area("duty", _("Duty")),
    Area("reporting", _("Incident reporting")),
    Area("hazards", _("Hazard inspection")),
    Area("resources", _("Emergency resources")),
    Area("epidemic", _("Epidemic prevention")),
    Area("flood", _("Flood and typhoon")),
    Area("forest_fire", _("Forest fire")),
    Area("grid", _("Grid management")),
    Area("supervision", _("Supervision")),
    Area("map", _("Situation map")),
    Area("system", _("System")),
)
_AREA_KEYS = {a.key for a in AREAS}


@dataclass(frozen=True)
class MenuItem:
    area: str
    label: Promise
    url_name: str
    permission: str | None = None
    weight: int = 100
    url_kwargs: dict = field(default_factory=dict)

    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs or None)


_items: list[MenuItem] = []


def register(*items: MenuItem) -> None:
    """Add menu items (called from an app's ``navigation.py``)."""
    for item in items:
        if item.area not in _AREA_KEYS:
            raise ValueError(f"Unknown navigation area {item.area!r}")
        if item not in _items:
            _items.append(item)


def menu_for(user) -> list[dict]:
    """The areas and items ``user`` may see, in order."""
    if not user.is_authenticated:
        return []
    result = []
    for area in AREAS:
        items = sorted(
            (i for i in _items if i.area == area.key and (i.permission is None or user.has_perm(i.permission))),
            key=lambda i: i.weight,
        )
        if items:
            result.append(
                {"area": area, "items": [{"label": i.label, "url": i.url(), "url_name": i.url_name} for i in items]}
            )
    return result
