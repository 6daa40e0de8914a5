"""Read-only questions about duty, for pages, the API and other apps.

Other apps import these; the signatures of :func:`on_duty`, :func:`responsible_post` and
:func:`coverage` are a contract. They are not scoped (they take a post or region, not a user):
callers that serve a user read the post through ``restrict()`` first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from safecity.core.scoping import get_scopes
from safecity.geo.codes import ancestor_prefixes
from safecity.geo.models import Region

from . import rules
from .models import DutyPost, Handover, Shift


@dataclass
class OnDuty:
    """Who is on duty at a post at a moment. Falsy (no shift, no leader, no officers) when nobody is."""

    shift: Shift | None = None
    leader: object | None = None
    officers: list = field(default_factory=list)
    post: DutyPost | None = None
    at: datetime | None = None

    def __bool__(self) -> bool:
        return self.shift is not None

    @property
    def phone(self) -> str:
        if self.shift is not None:
            return self.shift.duty_phone
        return self.post.phone if self.post is not None else ""


@dataclass
class Coverage:
    """Gaps in a post's roster over ``[start, end)``.

    ``uncovered``: every interval without a duty officer, as ``(from, to)`` local datetimes.
    ``days_without_leader``: every duty day touching the period that has no shift with a leader on
    shift. A *duty day* runs from the post's standard shift start (08:30) to the same time the next
    day, so the standard 08:30–08:30 shift belongs to the day it starts.
    """

    post: DutyPost
    start: datetime
    end: datetime
    uncovered: list[tuple[datetime, datetime]] = field(default_factory=list)
    days_without_leader: list[date] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.uncovered and not self.days_without_leader

    @property
    def uncovered_duration(self) -> timedelta:
        return sum((end - start for start, end in self.uncovered), timedelta())


def _aware(day: date, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def duty_day_of(post: DutyPost, moment: datetime) -> date:
    """The duty day a moment falls in (before the shift start time it is still the previous day's duty)."""
    local = timezone.localtime(moment)
    day = local.date()
    return day - timedelta(days=1) if local.time() < post.pattern.start else day


def duty_day_window(post: DutyPost, day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of one duty day of the post."""
    start = post.pattern.start
    return _aware(day, start), _aware(day + timedelta(days=1), start)


def month_period(post: DutyPost, year: int, month: int) -> tuple[datetime, datetime]:
    """The duty days of a month as one period: from the 1st's shift start to the next month's 1st's."""
    first = date(year, month, 1)
    following = first + timedelta(days=calendar.monthrange(year, month)[1])
    return duty_day_window(post, first)[0], duty_day_window(post, following)[0]


def on_duty(post: DutyPost, at: datetime | None = None) -> OnDuty:
    """Who is on duty at ``post`` at ``at`` (default: now): the shift, its leader on shift and duty officers.

    When shifts overlap (a handover hour, reinforced duty) the latest-started shift is ``shift``, the
    leader is the first one found from the latest shift back, and ``officers`` lists everyone on any of them.
    """
    at = at or timezone.now()
    shifts = list(
        Shift.objects.filter(post=post, archived_at__isnull=True, starts_at__lte=at, ends_at__gt=at)
        .select_related("leader", "post")
        .prefetch_related("officers")
        .order_by("-starts_at", "-id")
    )
    if not shifts:
        return OnDuty(post=post, at=at)
    leader = next((s.leader for s in shifts if s.leader_id), None)
    officers, seen = [], set()
    for shift in shifts:
        for officer in shift.officers.all():
            if officer.pk not in seen:
                seen.add(officer.pk)
                officers.append(officer)
    return OnDuty(shift=shifts[0], leader=leader, officers=officers, post=post, at=at)


def responsible_post(region: Region | None) -> DutyPost | None:
    """The active duty post answering for ``region``: the one whose region is the closest ancestor-or-self.

    Territorial rooms (city, county, town) are preferred; among posts of the same region a county or
    city room before a town room (``rules.RESPONSIBLE_KIND_ORDER``). Department rooms answer only when
    no territorial room exists up the tree. One query.
    """
    if region is None:
        return None
    prefixes = [*ancestor_prefixes(region.code), region.prefix]
    candidates = list(DutyPost.objects.active().filter(region__prefix__in=prefixes).select_related("region"))
    territorial = [p for p in candidates if p.kind in rules.RESPONSIBLE_KIND_ORDER]
    pool = territorial or candidates
    if not pool:
        return None
    return min(
        pool,
        key=lambda p: (-len(p.region.prefix), rules.RESPONSIBLE_KIND_ORDER.get(p.kind, 9), p.pk),
    )


def coverage(post: DutyPost, start: datetime, end: datetime) -> Coverage:
    """Hours without a duty officer and duty days without a leader on shift at ``post`` over ``[start, end)``.

    Interval arithmetic over the shifts (one query): the covered intervals are merged and the gaps
    between them reported exactly; nothing is sampled minute by minute. A shift covers its hours
    when it has at least ``min_officers`` duty officers (rules).
    """
    pattern = post.pattern
    result = Coverage(post=post, start=timezone.localtime(start), end=timezone.localtime(end))
    if end <= start:
        return result
    days = []
    day = duty_day_of(post, start)
    while duty_day_window(post, day)[0] < end:
        days.append(day)
        day += timedelta(days=1)
    first_window, last_window = duty_day_window(post, days[0])[0], duty_day_window(post, days[-1])[1]
    rows = list(
        Shift.objects.filter(
            post=post,
            archived_at__isnull=True,
            starts_at__lt=max(end, last_window),
            ends_at__gt=min(start, first_window),
        )
        .annotate(n_officers=Count("officers"))
        .values_list("starts_at", "ends_at", "leader_id", "n_officers")
    )
    covered = sorted(
        (max(s, start), min(e, end)) for s, e, _leader, n in rows if n >= pattern.min_officers and s < end and e > start
    )
    cursor = start
    for s, e in covered:
        if s > cursor:
            result.uncovered.append((timezone.localtime(cursor), timezone.localtime(s)))
        cursor = max(cursor, e)
    if cursor < end:
        result.uncovered.append((timezone.localtime(cursor), timezone.localtime(end)))
    led_days = {duty_day_of(post, s) for s, _e, leader, _n in rows if leader is not None}
    result.days_without_leader = [d for d in days if d not in led_days]
    return result


@dataclass
class OnDutyCard:
    """What the home page shows for one of the user's responsible posts."""

    post: DutyPost
    on_duty: OnDuty
    gaps_ahead: list[tuple[datetime, datetime]]
    pending_handovers: list[Handover]


def user_posts(user) -> list[DutyPost]:
    """The duty posts answering for the user's regions that the user may see (the city room for the unrestricted)."""
    visible = DutyPost.objects.restrict(user, "view").active()
    scopes = get_scopes(user)
    if scopes.unrestricted:
        regions = list(Region.objects.filter(code=settings.SAFECITY["CITY_CODE"]))
    else:
        regions = list(Region.objects.filter(prefix__in=scopes.prefixes).order_by("code"))
    posts: list[DutyPost] = []
    for region in regions:
        post = responsible_post(region)
        if post is not None and post not in posts and visible.filter(pk=post.pk).exists():
            posts.append(post)
    return posts


def on_duty_cards(user, at: datetime | None = None, ahead: timedelta = timedelta(hours=24)) -> list[OnDutyCard]:
    """For the home page: who is on duty now at each of the user's posts, roster gaps ahead, open handovers."""
    at = at or timezone.now()
    cards = []
    for post in user_posts(user):
        pending = list(
            Handover.objects.restrict(user, "view")
            .filter(post=post, archived_at__isnull=True, acknowledged_at__isnull=True)
            .select_related("outgoing", "incoming")
            .order_by("handed_over_at")[:5]
        )
        cards.append(
            OnDutyCard(
                post=post,
                on_duty=on_duty(post, at),
                gaps_ahead=coverage(post, at, at + ahead).uncovered,
                pending_handovers=pending,
            )
        )
    return cards
