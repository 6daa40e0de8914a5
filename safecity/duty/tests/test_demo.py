"""The demo city's duty rooms and rosters: 8 rooms, this month and next, one deliberate gap."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from safecity.demo import load_demo
from safecity.duty.models import DutyPost, Shift
from safecity.duty.selectors import coverage, month_period

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_city_and_county_rooms_with_one_gap_and_loads_idempotently():
    load_demo(password="Demo-pass-2026")
    assert DutyPost.objects.count() == 8
    shifts = Shift.objects.count()
    xinhui = DutyPost.objects.get(region__code="440705000000")
    today = timezone.localdate()
    start = month_period(xinhui, today.year, today.month)[0]
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = month_period(xinhui, following.year, following.month)[1]
    check = coverage(xinhui, start, end)
    tomorrow = today + timedelta(days=1)
    gap_start = timezone.make_aware(datetime.combine(tomorrow, datetime.strptime("20:30", "%H:%M").time()))
    assert check.uncovered == [(gap_start, gap_start + timedelta(hours=12))]
    assert check.days_without_leader == []
    taishan = DutyPost.objects.get(region__code="440781000000")
    assert coverage(taishan, start, end).ok
    again = load_demo(password="Demo-pass-2026")
    assert again["duty"] == {"posts": 0, "shifts": 0}
    assert Shift.objects.count() == shifts
