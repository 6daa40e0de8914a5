"""Duty rules with figures (domain-rules §4), as data.

HQ practice is 24-hour duty with one leader on shift and one to two duty officers per shift; the
standard shift runs 08:30 to 08:30 the next day. Every figure here is a table entry, read at call
time, so a deployment (``settings.SAFECITY_DUTY``) or a test can override it without code changes::

    SAFECITY_DUTY = {"SHIFT_START": "09:00", "SHIFT_HOURS": 24, "HANDOVER_GRACE_MINUTES": 15}
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time, timedelta

from django.conf import settings

from safecity.accounts.roles import Role

from .choices import DutyPostKind


@dataclass(frozen=True)
class ShiftPattern:
    """The standard shift of a duty post."""

    #: When a shift starts; also where one *duty day* ends and the next begins.
    start: time
    #: How long a standard shift lasts.
    length: timedelta
    #: Leaders on shift per duty day.
    leaders: int
    #: Duty officers on a shift for its hours to count as covered.
    min_officers: int
    #: The standard upper figure (reinforced duty in an emergency may exceed it; it is not enforced).
    max_officers: int


#: 24-hour duty, 1 leader on shift and 1–2 duty officers per shift, 08:30 to 08:30.
STANDARD_SHIFT = ShiftPattern(start=time(8, 30), length=timedelta(hours=24), leaders=1, min_officers=1, max_officers=2)

#: The shift pattern of each kind of duty post.
SHIFT_PATTERNS: dict[str, ShiftPattern] = {kind.value: STANDARD_SHIFT for kind in DutyPostKind}

#: An unacknowledged handover alerts the leader on shift once it is older than this.
HANDOVER_ACKNOWLEDGE_GRACE = timedelta(minutes=30)

#: How often the sweep looks for unacknowledged handovers (a periodic job, ``safecity.core.jobs``).
HANDOVER_SWEEP_SECONDS = 300

#: The longest shift accepted: a guard against typing errors (a shift "ending" next month).
MAX_SHIFT_LENGTH = timedelta(hours=48)

#: Besides the leader on shift of the post, holders of these roles approve swaps on shifts in their area.
SWAP_APPROVER_ROLES: tuple[str, ...] = (Role.ADMINISTRATOR, Role.HQ_DUTY_OFFICER)

#: Territorial duty rooms answer for their region; the nearest one is responsible. Department rooms
#: only when no territorial room exists up the tree. Lower number = preferred at the same region.
RESPONSIBLE_KIND_ORDER: dict[str, int] = {
    DutyPostKind.COUNTY_ROOM: 0,
    DutyPostKind.CITY_ROOM: 0,
    DutyPostKind.TOWN_ROOM: 1,
}


def _overrides() -> dict:
    return getattr(settings, "SAFECITY_DUTY", {}) or {}


def shift_pattern(kind: str) -> ShiftPattern:
    """The shift pattern of a kind of duty post, with the deployment's overrides applied."""
    pattern = SHIFT_PATTERNS.get(kind, STANDARD_SHIFT)
    overrides = _overrides()
    if "SHIFT_START" in overrides:
        hours, minutes = (int(part) for part in str(overrides["SHIFT_START"]).split(":"))
        pattern = replace(pattern, start=time(hours, minutes))
    if "SHIFT_HOURS" in overrides:
        pattern = replace(pattern, length=timedelta(hours=float(overrides["SHIFT_HOURS"])))
    return pattern


def handover_grace() -> timedelta:
    """How long a handover may stay unacknowledged before the leader on shift is alerted."""
    minutes = _overrides().get("HANDOVER_GRACE_MINUTES")
    return timedelta(minutes=float(minutes)) if minutes is not None else HANDOVER_ACKNOWLEDGE_GRACE
