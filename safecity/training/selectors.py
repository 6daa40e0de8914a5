"""Read-side queries of training: certificates by status, and who looks after a region's certificates."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from safecity.accounts.roles import Role
from safecity.geo import codes

from . import rules
from .choices import CertificateStatus

#: Roles told about expiring certificates of their area (the staff who organise training).
CERTIFICATE_KEEPERS = (Role.COUNTY_STAFF, Role.TOWN_STAFF, Role.HQ_DUTY_OFFICER)


def status_q(status: str, today: date, prefix: str = "") -> Q:
    """The filter for certificates whose derived status is ``status`` on ``today``."""
    horizon = today + timedelta(days=rules.EXPIRING_WITHIN_DAYS)
    if status == CertificateStatus.EXPIRED:
        return Q(**{f"{prefix}expires_on__lt": today})
    if status == CertificateStatus.EXPIRING:
        return Q(**{f"{prefix}expires_on__gte": today, f"{prefix}expires_on__lte": horizon})
    return Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": horizon})


def keepers_of(region) -> list:
    """The staff whose scope is the closest one containing ``region`` (town before county before city)."""
    User = get_user_model()
    prefixes = [*codes.ancestor_prefixes(region.code), region.prefix]
    users = (
        User.objects.filter(is_active=True, groups__name__in=CERTIFICATE_KEEPERS, scopes__region__prefix__in=prefixes)
        .distinct()
        .prefetch_related("scopes__region")
    )
    by_depth: dict[int, list] = {}
    for user in users:
        depth = max(len(s.region.prefix) for s in user.scopes.all() if s.region.prefix in prefixes)
        by_depth.setdefault(depth, []).append(user)
    return by_depth[max(by_depth)] if by_depth else []
