"""The home page's big numbers: each work area registers what a leader wants to see first.

An app registers a provider in its ``navigation.py``::

    dashboard.register("reporting", open_incident_stats, weight=10)

A provider takes the user and returns :class:`Stat`s computed from that user's scoped data; the
home page shows them grouped by work area, in the navigation's order, each linking to the list
behind it. A provider must be cheap: indexed counts, not scans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .navigation import AREAS


@dataclass(frozen=True)
class Stat:
    label: str
    value: int
    url: str
    #: "danger" when the number means something is late or missing (and is not zero).
    alert: bool = False


_providers: list[tuple[str, int, Callable]] = []


def register(area: str, provider: Callable, *, weight: int = 100) -> None:
    if area not in {a.key for a in AREAS}:
        raise ValueError(f"Unknown area {area!r}")
    if all(p is not provider for _a, _w, p in _providers):
        _providers.append((area, weight, provider))


def stats_for(user) -> list[dict]:
    """``[{"area": Area, "stats": [Stat, …]}, …]`` for the areas with something to show."""
    groups = []
    for area in AREAS:
        stats: list[Stat] = []
        for _area, _weight, provider in sorted((p for p in _providers if p[0] == area.key), key=lambda p: p[1]):
            stats.extend(provider(user))
        if stats:
            groups.append({"area": area, "stats": stats})
    return groups
