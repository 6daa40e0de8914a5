"""Figures and tables of the quarantine rules (data, not ``if`` chains).

The readiness checklist follows what a facility must have before it can be opened at any time
(随时启用): the layout of three zones and two passages (三区两通道), independent ventilation,
disinfection supplies, medical-waste handling, monitoring and alarms, trained staff for every role,
and contracts for bedding and meals. A facility is *ready to open* only when the latest check of
every item is "ok" and not older than :data:`READINESS_MAX_AGE_DAYS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import BedStatus, StaffRole

#: A readiness check older than this no longer counts (the item has to be checked again).
READINESS_MAX_AGE_DAYS = 7
#: Disinfection supplies must last at least this many days at full occupancy.
DISINFECTION_SUPPLY_DAYS = 14


@dataclass(frozen=True)
class ReadinessItem:
    code: str
    label: Promise
    guidance: Promise


#: The readiness checklist, in the order inspectors walk it.
READINESS_ITEMS: tuple[ReadinessItem, ...] = (
    ReadinessItem(
        "zones",
        _("Three zones and two passages"),
        _("Clean, buffer and contaminated zones separated; separate passages for staff and for quarantined persons."),
    ),
    ReadinessItem(
        "ventilation",
        _("Independent ventilation"),
        _("Each room ventilated on its own (windows or a separate system); no shared central air return."),
    ),
    ReadinessItem(
        "disinfection",
        _("Disinfection supplies"),
        _("Disinfectant, protective equipment and sprayers for at least %(days)s days at full occupancy.")
        % {"days": DISINFECTION_SUPPLY_DAYS},
    ),
    ReadinessItem(
        "medical_waste",
        _("Medical waste handling"),
        _("Yellow bags, a sealed temporary store and a contract with a licensed disposal company."),
    ),
    ReadinessItem(
        "cctv_alarms",
        _("CCTV and alarms"),
        _("Corridors and entrances covered by cameras; door alarms; fire alarms tested."),
    ),
    ReadinessItem(
        "staff_trained",
        _("Staff trained for every role"),
        _("At least one trained person for each required role (medical, security, cleaning, liaison)."),
    ),
    ReadinessItem(
        "bedding_meals",
        _("Bedding and meals contract"),
        _("Bedding for every bed and a signed meals contract that can start within 24 hours."),
    ),
)
READINESS_CODES = tuple(item.code for item in READINESS_ITEMS)
READINESS_CHOICES = [(item.code, item.label) for item in READINESS_ITEMS]

#: Roles a facility must have trained staff for (shown next to the "staff trained" item).
REQUIRED_STAFF_ROLES: tuple[str, ...] = (
    StaffRole.MEDICAL,
    StaffRole.SECURITY,
    StaffRole.CLEANING,
    StaffRole.LIAISON,
)

#: Bed status changes allowed by hand (``bed_set_status``): from → allowed targets. ``occupied`` is
#: reached only by check-in and left only by check-out.
MANUAL_BED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BedStatus.READY: (BedStatus.OUT_OF_SERVICE, BedStatus.CLEANING),
    BedStatus.CLEANING: (BedStatus.READY, BedStatus.OUT_OF_SERVICE),
    BedStatus.OUT_OF_SERVICE: (BedStatus.READY, BedStatus.CLEANING),
    BedStatus.OCCUPIED: (),
}

#: The free-bed forecast assumes a vacated bed is cleaned and ready this many days after check-out.
CLEANING_DAYS = 1
#: How many days ahead the free-bed forecast looks.
FORECAST_DAYS = 7
