"""Training rules as data: the topic taxonomy with each topic's certificate validity, the expiry window.

A course may override its topic's validity (``Course.validity_months``). A certificate is valid through its
expiry date; it is "expiring" from ``EXPIRING_WITHIN_DAYS`` days before that date (inclusive).
"""

from __future__ import annotations

from datetime import date

from .choices import CertificateStatus

#: (code, name, certificate validity in months or None for "does not expire"), loaded into ``Topic`` by migration.
TOPICS: list[tuple[str, str, int | None]] = [
    ("fire_scene_command", "火场指挥", 36),
    ("quarantine_site_staff", "隔离场所工作人员", 12),
    ("epidemiological_investigation", "流行病学调查", 24),
    ("hazardous_chemicals_rescue", "危险化学品救援", 36),
    ("first_aid", "应急救护（急救员）", 36),
    ("flood_typhoon", "防汛防台风抢险", 24),
    ("forest_fire", "森林防灭火扑救", 24),
    ("water_rescue", "水上救援", 24),
    ("earthquake_rescue", "地震搜救", 36),
    ("psychological_aid", "心理援助", None),
    ("emergency_communication", "应急通信保障", 36),
]

#: A certificate expiring within this many days is "expiring" (listed, and its holder's area is told once).
EXPIRING_WITHIN_DAYS = 60

#: How often the expiry sweep runs (it is idempotent: once per certificate and expiry date).
SWEEP_SECONDS = 6 * 3600


def certificate_status(expires_on: date | None, today: date) -> str:
    """Valid through ``expires_on``; expiring within ``EXPIRING_WITHIN_DAYS`` of it; expired the day after."""
    if expires_on is None:
        return CertificateStatus.VALID
    if expires_on < today:
        return CertificateStatus.EXPIRED
    if (expires_on - today).days <= EXPIRING_WITHIN_DAYS:
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months, on the last day of the month when the day does not exist."""
    import calendar

    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def expiry_date(issued_on: date, validity_months: int | None) -> date | None:
    """The last day a certificate issued on ``issued_on`` is valid: the day before the anniversary."""
    from datetime import timedelta

    if not validity_months:
        return None
    return add_months(issued_on, validity_months) - timedelta(days=1)


def load_topics(apps=None) -> None:
    """Add the topics of :data:`TOPICS` that are missing (never changes an existing one)."""
    from django.apps import apps as global_apps

    Topic = (apps or global_apps).get_model("training", "Topic")
    for order, (code, name, months) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "validity_months": months, "order": order * 10})
