"""Choices of the quarantine app. Names follow docs/glossary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    HOTEL = "hotel", _("requisitioned hotel")
    PURPOSE_BUILT = "purpose_built", _("purpose-built quarantine site")
    OTHER = "other", _("other")


class FacilityStatus(models.TextChoices):
    """Where a facility stands: kept on standby, ready to open, in use, or suspended (takes nobody)."""

    STANDBY = "standby", _("standby")
    READY = "ready", _("ready")
    IN_USE = "in_use", _("in use")
    SUSPENDED = "suspended", _("suspended")


class RoomType(models.TextChoices):
    SINGLE = "single", _("single room")
    DOUBLE = "double", _("double room")
    FAMILY = "family", _("family room")
    ACCESSIBLE = "accessible", _("accessible room")


class BedStatus(models.TextChoices):
    """A bed's state. ``occupied`` is set only by check-in and left only by check-out."""

    READY = "ready", _("ready")
    OCCUPIED = "occupied", _("occupied")
    CLEANING = "cleaning", _("cleaning")
    OUT_OF_SERVICE = "out_of_service", _("out of service")


class StaffRole(models.TextChoices):
    MEDICAL = "medical", _("medical")
    SECURITY = "security", _("security")
    CLEANING = "cleaning", _("cleaning and disinfection")
    LIAISON = "liaison", _("liaison")
    PSYCHOLOGICAL = "psychological", _("psychological support")
    LOGISTICS = "logistics", _("logistics (meals, supplies)")
    MANAGER = "manager", _("facility manager")


class StayReason(models.TextChoices):
    """Why a person is in facility quarantine."""

    CLOSE_CONTACT = "close_contact", _("close contact")
    SECONDARY_CONTACT = "secondary_contact", _("secondary contact")
    ARRIVAL_HIGH_RISK = "arrival_high", _("arrival from a high-risk area")
    AWAITING_TRANSFER = "awaiting_transfer", _("case awaiting transfer to hospital")
    OTHER = "other", _("other")


class StayOutcome(models.TextChoices):
    """How a stay ended."""

    COMPLETED = "completed", _("quarantine completed")
    HOSPITAL = "hospital", _("transferred to hospital")
    HOME = "home", _("moved to home quarantine")
    OTHER_FACILITY = "other_facility", _("moved to another facility")
    OTHER = "other", _("other")
