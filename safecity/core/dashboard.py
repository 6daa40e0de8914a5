"""The home page's big numbers and the user's own pending work ("My work"): apps register providers.

An app registers a provider in its ``navigation.py``::

    dashboard.register("reporting", open_incident_stats, weight=10)

A provider takes the user and returns :class:`Stat`s computed from that user's scoped data; the
home page shows them grouped by work area, in the navigation's order, each linking to the list
behind it. A provider must be cheap: indexed counts, not scans.

"My work" comes first on the home page: each app registers what waits for the user *personally*
(follow-ups due today, tasks, report deadlines …) as :class:`Todo` lines::

    dashboard.register_todo(my_followups, weight=10)
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


# ---- "My work": what the signed-in user has to do now ------------------------------------------


@dataclass(frozen=True)
class Todo:
    """One line of the home page's "My work": how many things wait for the user, and where to act on them.

    ``late`` is how many of them (or of the same kind of work) are already late; the home page shows it
    in red *and* in words. A line with nothing pending and nothing late is not shown.
    """

    label: str
    count: int
    url: str
    late: int = 0

    @property
    def pending(self) -> bool:
        return self.count > 0 or self.late > 0


_todo_providers: list[tuple[int, Callable]] = []


def register_todo(provider: Callable, *, weight: int = 100) -> None:
    """Register ``provider(user) -> [Todo, …]``: the user's *own* pending work in one app (lower weight
    first). Like the big numbers' providers it must be cheap (indexed counts, a fixed number of
    queries whatever the number of rows) and read only the user's scoped querysets."""
    if all(p is not provider for _w, p in _todo_providers):
        _todo_providers.append((weight, provider))


def todos_for(user) -> list[Todo]:
    """The user's pending work, in the providers' order; only the lines with something pending."""
    todos: list[Todo] = []
    for _weight, provider in sorted(_todo_providers, key=lambda p: p[0]):
        todos.extend(t for t in provider(user) if t.pending)
    return todos


def role_names(user) -> frozenset[str]:
    """The names of the user's role groups, read once per request (cached on the user object)."""
    cached = getattr(user, "_safecity_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        user._safecity_role_names = cached
    return cached
