"""Test and demo helpers: valid identity numbers and volunteers with consent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from safecity.core.validators import id_check_char

from .models import Deployment, Volunteer


def id_number(region_code: str = "440705", birth: str = "19900101", sequence: int = 1) -> str:
    """A valid GB 11643 identity number (odd sequence digit: male, even: female)."""
    first17 = f"{region_code[:6]}{birth}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def volunteer(region, name: str = "陈志愿", *, sequence: int | None = None, **fields) -> Volunteer:
    """A registered (consenting) volunteer saved directly, for tests."""
    sequence = sequence if sequence is not None else Volunteer.objects.count() + 1
    fields.setdefault("id_number", id_number(region.code, "19900101", sequence))
    fields.setdefault("phone", f"139{sequence:08d}")
    obj = Volunteer(region=region, name=name, consent_at=timezone.now(), consent_version="2026-01", **fields)
    obj.derive_from_id_number()
    obj.save()
    return obj


def deployment(
    region, title: str = "防汛巡堤", *, starts_at: datetime | None = None, hours: int = 8, **fields
) -> Deployment:
    starts_at = starts_at or timezone.make_aware(datetime(2026, 6, 1, 8, 0))
    fields.setdefault("kind", "patrol")
    return Deployment.objects.create(
        region=region, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )
