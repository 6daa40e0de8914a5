"""Figures of the stock rules, in one table each (never in ``if`` chains)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

#: Lots expiring within this many days are alerted to the depot's keepers (once per lot and date).
EXPIRY_ALERT_DAYS = 90
#: Lots expiring within this many days are suggested for rotation ("更新迭代"): issue them first to
#: drills, training or social use, and receive fresh stock in their place.
ROTATION_DAYS = 180
#: How often the expiry sweep runs (it is idempotent).
EXPIRY_SWEEP_SECONDS = 6 * 3600

#: Expiry window → (notification level, suggestion). First matching row wins; rows by days ascending.
EXPIRY_BANDS: tuple[tuple[int, str, object], ...] = (
    (0, "danger", _("Expired: take out of the reserve, dispose of it and replenish.")),
    (EXPIRY_ALERT_DAYS, "warning", _("Expires soon: issue it first (drills, training, social use) and replenish.")),
    (ROTATION_DAYS, "info", _("Plan rotation: schedule its use and order a replacement.")),
)


def expiry_band(expiry_date: date | None, today: date) -> tuple[str, str] | None:
    """(level, suggestion) for a lot expiring on ``expiry_date``, or ``None`` if it is not due yet."""
    if expiry_date is None:
        return None
    for days, level, suggestion in EXPIRY_BANDS:
        limit = today + timedelta(days=days)
        if (days == 0 and expiry_date <= today) or (days > 0 and expiry_date <= limit):
            return level, str(suggestion)
    return None


#: Readiness after each dispatch step: dispatched → on a mission; returned → resting.
READINESS_AFTER = {"dispatched": "on_mission", "returned": "resting"}


#: The experts' specialty taxonomy (code, name); kept by administrators afterwards.
SPECIALTIES = [
    ("hazardous_chemicals", "危险化学品"),
    ("mining", "矿山"),
    ("construction", "建筑施工"),
    ("fire", "消防"),
    ("forest_fire", "森林防灭火"),
    ("flood_typhoon", "防汛防台风"),
    ("geology", "地质灾害"),
    ("maritime", "海上搜救"),
    ("medical_treatment", "医疗救治"),
    ("disease_control", "疾病预防控制"),
    ("psychology", "心理援助"),
    ("road_traffic", "道路交通"),
    ("special_equipment", "特种设备"),
    ("power", "电力"),
    ("communication", "通信保障"),
    ("earthquake", "地震"),
]


def load_specialties(apps=None) -> None:
    """Add the specialties of :data:`SPECIALTIES` that are missing (never changes an existing one)."""
    from django.apps import apps as global_apps

    Specialty = (apps or global_apps).get_model("resources", "Specialty")
    for order, (code, name) in enumerate(SPECIALTIES, start=1):
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
