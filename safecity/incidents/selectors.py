"""Who is responsible for an incident's region, and who gets its alerts."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model

from safecity.accounts.roles import Role
from safecity.geo import codes

ALERTED_ROLES = (Role.HQ_DUTY_OFFICER, Role.LEADER_ON_SHIFT, Role.COUNTY_STAFF, Role.TOWN_STAFF)


@dataclass(frozen=True)
class Responsible:
    """The people to alert and the region of the post (or scope) they answer for."""

    people: tuple
    region: object | None


def _on_duty(region) -> Responsible | None:
    """The leader on shift and duty officers of the post responsible for ``region`` (duty app)."""
    if not apps.is_installed("safecity.duty"):
        return None
    from safecity.duty.selectors import on_duty, responsible_post

    post = responsible_post(region)
    if post is None:
        return None
    now = on_duty(post)
    people = tuple(p for p in [now.leader, *now.officers] if p is not None)
    return Responsible(people, post.region) if people else None


def _closest_role_holders(region) -> Responsible:
    """Duty officers, leaders and staff whose scope is the closest one containing ``region``."""
    User = get_user_model()
    prefixes = [*codes.ancestor_prefixes(region.code), region.prefix]
    users = (
        User.objects.filter(is_active=True, groups__name__in=ALERTED_ROLES, scopes__region__prefix__in=prefixes)
        .distinct()
        .prefetch_related("scopes__region")
    )
    by_depth: dict[int, list] = {}
    regions: dict[int, object] = {}
    for user in users:
        scope = max((s for s in user.scopes.all() if s.region.prefix in prefixes), key=lambda s: len(s.region.prefix))
        depth = len(scope.region.prefix)
        by_depth.setdefault(depth, []).append(user)
        regions[depth] = scope.region
    if not by_depth:
        return Responsible((), None)
    deepest = max(by_depth)
    return Responsible(tuple(by_depth[deepest]), regions[deepest])


def responsible_for(region) -> Responsible:
    """Whoever must hear about ``region``: the people on duty at its responsible post or, where no
    roster says who, the duty officers, leaders and staff closest above it."""
    return _on_duty(region) or _closest_role_holders(region)


def one_level_up(region) -> Responsible:
    """Those responsible one level above whoever answers for ``region`` (escalation)."""
    from safecity.geo.models import Region

    current = responsible_for(region)
    anchor = current.region or region
    parent_code = codes.parent_code(anchor.code)
    parent = Region.objects.filter(code=parent_code).first() if parent_code else None
    if parent is None:
        return Responsible((), None)
    return responsible_for(parent)
