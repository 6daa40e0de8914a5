"""Demo duty data for the Jiangmen demo city: the city's and the 7 counties' duty rooms and their rosters.

Only the demo accounts are used: the city room is kept by ``hq``, each county room by
``county-<pinyin>``, with ``duty-leader`` as the leader on shift. Rosters cover this month and next
with the standard shift; one deliberate gap: Xinhui's shift of tomorrow ends at 20:30, so
20:30–08:30 shows as uncovered. Xinhui also has a duty log entry. Idempotent: what exists is kept.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from .choices import DutyPostKind
from .models import DutyLogEntry, DutyPost, Shift

CITY_CODE = "440700000000"
COUNTY_PINYIN = {
    "440703": "pengjiang",
    "440704": "jianghai",
    "440705": "xinhui",
    "440781": "taishan",
    "440783": "kaiping",
    "440784": "heshan",
    "440785": "enping",
}
GAP_COUNTY = "440705"
GAP_ENDS = time(20, 30)


def _post(region: Region, name: str, kind: str, phone: str) -> DutyPost:
    post = DutyPost.objects.filter(region=region, name=name).first()
    if post is None:
        organization = Organization.objects.filter(region=region, name=f"{region.name}应急管理局").first()
        post = DutyPost(region=region, name=name, kind=kind, phone=phone, organization=organization)
        post._change_reason = "demo"
        post.save()
    return post


def _months(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    after_next = first
    for _ in range(2):
        after_next += timedelta(days=calendar.monthrange(after_next.year, after_next.month)[1])
    return first, after_next


def _roster(post: DutyPost, leader: User | None, officers: list[User], first: date, last: date, gap_day=None):
    """Standard shifts from ``first`` up to ``last`` (exclusive) with the same leader and officers."""
    pattern = post.pattern
    existing = set(
        Shift.objects.filter(
            post=post, archived_at__isnull=True, starts_at__gte=timezone.make_aware(datetime.combine(first, time.min))
        ).values_list("starts_at", flat=True)
    )
    new, crew = [], {}
    day = first
    while day < last:
        starts_at = timezone.make_aware(datetime.combine(day, pattern.start))
        if starts_at not in existing:
            ends_at = starts_at + pattern.length
            if day == gap_day:
                ends_at = timezone.make_aware(datetime.combine(day, GAP_ENDS))
            shift = Shift(post=post, starts_at=starts_at, ends_at=ends_at, leader=leader)
            new.append(shift)
            crew[starts_at] = officers
        day += timedelta(days=1)
    if not new:
        return 0
    bulk_create_with_history(new, Shift, batch_size=500, default_change_reason="demo")
    created = list(Shift.objects.filter(post=post, starts_at__in=list(crew)))
    through = Shift.officers.through
    through.objects.bulk_create(
        through(shift_id=shift.pk, user_id=user.pk) for shift in created for user in crew[shift.starts_at]
    )
    records = {r.id: r for r in Shift.history.filter(id__in=[s.pk for s in created], history_type="+")}
    snapshot = next(iter(records.values())).officers.model
    snapshot.objects.bulk_create(
        snapshot(history=records[row.shift_id], id=row.id, shift_id=row.shift_id, user_id=row.user_id)
        for row in through.objects.filter(shift__in=created)
    )
    return len(new)


def load_duty(*, today: date | None = None) -> dict:
    """Create the duty rooms, their rosters for this month and next, and a duty log entry. Idempotent."""
    today = today or timezone.localdate()
    first, last = _months(today)
    first -= timedelta(days=1)  # the shift running into the 1st's early hours
    added = {"posts": 0, "shifts": 0}
    with transaction.atomic():
        city = Region.objects.get(code=CITY_CODE)
        before = DutyPost.objects.count()
        city_room = _post(city, "江门市应急管理局总值班室", DutyPostKind.CITY_ROOM, "0750-3502110")
        leader = User.objects.filter(username="duty-leader").first()
        hq = User.objects.filter(username="hq").first()
        if hq is not None:
            added["shifts"] += _roster(city_room, leader, [hq], first, last)
        counties = Region.objects.filter(level=RegionLevel.COUNTY, prefix__in=list(COUNTY_PINYIN)).order_by("code")
        for index, county in enumerate(counties):
            post = _post(
                county, f"{county.name}应急值班室", DutyPostKind.COUNTY_ROOM, f"0750-{3600000 + 11111 * (index + 1)}"
            )
            staff = User.objects.filter(username=f"county-{COUNTY_PINYIN[county.prefix]}").first()
            if staff is None:
                continue
            gap_day = today + timedelta(days=1) if county.prefix == GAP_COUNTY else None
            added["shifts"] += _roster(post, leader, [staff], first, last, gap_day=gap_day)
            if county.prefix == GAP_COUNTY:
                _log_entry(post, staff)
        added["posts"] = DutyPost.objects.count() - before
    return added


def _log_entry(post: DutyPost, staff: User) -> None:
    """A call logged early this morning."""
    if post.log_entries.exists():
        return
    now = timezone.now()
    occurred_at = timezone.make_aware(datetime.combine(timezone.localdate(now), time(5, 10)))
    if occurred_at > now:
        occurred_at -= timedelta(days=1)
    entry = DutyLogEntry(
        post=post,
        occurred_at=occurred_at,
        place="会城街道今洲路口",
        summary="群众来电反映路边广告牌被风吹歪，有坠落风险",
        details="起因：夜间阵风7级。经过：广告牌一角螺栓松脱。措施：已通知街道城管到场拉警戒线。"
        "结果：暂无人员受伤。影响：占用一条机动车道。趋势：风力减弱后组织拆除。",
        informed="05:20 已电话告知会城街道城管办值班员",
        caller_name="陈先生",
        caller_phone="13800001234",
        recorded_by=staff,
    )
    entry._change_reason = "demo"
    entry.save()
