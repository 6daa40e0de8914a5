"""The cross-inspection planner: a pure function, no database.

Every target in scope goes to a team from a *different* county than the target's — never its own.
Targets are balanced across teams by count, and targets of one town are kept together with one
team where the balance allows. What cannot be assigned is reported with the reason, so every
target is either assigned or reported. Assignments already worked on (``keep``) stay as they are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

NO_TEAM_FROM_ANOTHER_COUNTY = "no_team_from_another_county"
NO_COUNTY = "no_county"


@dataclass(frozen=True)
class PlanTarget:
    id: int
    county: str
    town: str = ""


@dataclass(frozen=True)
class PlanTeam:
    id: int
    county: str


@dataclass
class Plan:
    #: target id → team id
    assignments: dict[int, int] = field(default_factory=dict)
    #: target id → reason code (``NO_TEAM_FROM_ANOTHER_COUNTY``, ``NO_COUNTY``)
    unassigned: dict[int, str] = field(default_factory=dict)

    def load(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for team in self.assignments.values():
            counts[team] += 1
        return dict(counts)


def balance_limit(total: int, teams: int) -> int:
    """Most targets one team should carry: the fair share plus a quarter of it (at least one) of slack,
    so that a town can stay whole with one team instead of being split for the last target or two."""
    share = math.ceil(total / teams) if teams else 0
    return share + max(1, share // 4)


def plan_cross_inspection(
    targets: Iterable[PlanTarget], teams: Iterable[PlanTeam], *, keep: Mapping[int, int] | None = None
) -> Plan:
    """Assign each target to a team of another county; see the module docstring."""
    targets = list(targets)
    teams = sorted(teams, key=lambda t: t.id)
    team_by_id = {t.id: t for t in teams}
    plan = Plan()
    load = {t.id: 0 for t in teams}

    # Keep assignments already worked on, when still valid.
    todo: list[PlanTarget] = []
    for target in targets:
        kept = (keep or {}).get(target.id)
        team = team_by_id.get(kept) if kept is not None else None
        if team is not None and target.county and team.county != target.county:
            plan.assignments[target.id] = team.id
            load[team.id] += 1
        else:
            todo.append(target)

    assignable: list[PlanTarget] = []
    for target in todo:
        if not target.county:
            plan.unassigned[target.id] = NO_COUNTY
        elif not any(team.county != target.county for team in teams):
            plan.unassigned[target.id] = NO_TEAM_FROM_ANOTHER_COUNTY
        else:
            assignable.append(target)
    if not assignable:
        return plan

    cap = balance_limit(len(assignable) + sum(load.values()), len(teams))

    groups: dict[tuple[str, str], list[PlanTarget]] = defaultdict(list)
    for target in assignable:
        groups[(target.county, target.town or f"#{target.id}")].append(target)
    # Largest towns first, then by key for a deterministic plan.
    for (county, _town), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        members.sort(key=lambda t: t.id)
        eligible = [team for team in teams if team.county != county]
        while members:
            team = min(eligible, key=lambda t: (load[t.id] >= cap, load[t.id], t.id))
            room = cap - load[team.id]
            # Keep the town whole with one team when it fits; otherwise fill this team's share.
            take = len(members) if room >= len(members) or room <= 0 else room
            if room <= 0:
                take = 1  # every eligible team is full: spread one at a time to the least loaded
            for target in members[:take]:
                plan.assignments[target.id] = team.id
                load[team.id] += 1
            members = members[take:]
    return plan
