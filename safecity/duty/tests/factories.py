"""Helpers for the duty tests: posts, people and shifts in the test city of ``build_city``."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from safecity.accounts.models import User
from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.duty.choices import DutyPostKind
from safecity.duty.models import DutyPost, Shift

_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """An aware datetime in the city's time zone: ``at("2026-12-03 08:30")``."""
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def post_in(region, *, kind: str = DutyPostKind.COUNTY_ROOM, name: str = "") -> DutyPost:
    name = name or f"{region.name}应急值班室"
    post, _created = DutyPost.objects.get_or_create(region=region, name=name, defaults={"kind": kind})
    return post


def person(username: str, region, *, role: str = Role.COUNTY_STAFF, full_name: str = "") -> User:
    user = User.objects.filter(username=username).first()
    return user or make_user(username, role, region.code, full_name=full_name or username)


def shift(post: DutyPost, starts_at: datetime, *, hours: float = 24, leader=None, officers=()) -> Shift:
    made = Shift.objects.create(
        post=post, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), leader=leader
    )
    made.set_officers(list(officers))
    return made


def future_start(days: int | None = None) -> datetime:
    """A unique standard shift start in the future."""
    day = timezone.localdate() + timedelta(days=days if days is not None else 10 + next(_numbers))
    return timezone.make_aware(datetime.combine(day, datetime.strptime("08:30", "%H:%M").time()))


def number() -> int:
    return next(_numbers)
