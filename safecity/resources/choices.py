from django.db import models
from django.utils.translation import gettext_lazy as _


class DepotKind(models.TextChoices):
    """Who keeps a depot's reserve."""

    GOVERNMENT = "government", _("government reserve")
    ENTERPRISE = "enterprise", _("enterprise reserve")
    COMMUNITY = "community", _("community reserve")


class ItemCategory(models.TextChoices):
    """Categories of the supplies catalogue."""

    LIFE = "life", _("daily necessities")
    MEDICAL = "medical", _("medical and protective")
    RESCUE = "rescue", _("rescue tools")
    FLOOD = "flood", _("flood control")
    FIRE = "fire", _("fire fighting")
    HAZMAT = "hazmat", _("hazardous chemicals response")
    COMMUNICATION = "communication", _("communication and lighting")
    POWER = "power", _("power and fuel")
    OTHER = "other", _("other")


class MovementKind(models.TextChoices):
    """One line of the stock ledger."""

    RECEIPT = "receipt", _("receipt")
    ISSUE = "issue", _("issue")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    ADJUSTMENT = "adjustment", _("adjustment after count")


class EquipmentCondition(models.TextChoices):
    """The state an item of equipment is in."""

    GOOD = "good", _("in good order")
    NEEDS_REPAIR = "needs_repair", _("needs repair")
    UNDER_REPAIR = "under_repair", _("under repair")
    SCRAPPED = "scrapped", _("scrapped")


class ExpertSource(models.TextChoices):
    """Where an expert of the pool comes from."""

    NPC_DEPUTY = "npc_deputy", _("people's congress deputy")
    CPPCC_MEMBER = "cppcc_member", _("CPPCC member")
    RETIRED_CADRE = "retired_cadre", _("retired cadre")
    ACADEMIC = "academic", _("academic")
    ENTERPRISE = "enterprise", _("enterprise")
    OTHER = "other", _("other")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("available")
    BUSY = "busy", _("busy")
    UNAVAILABLE = "unavailable", _("unavailable")


class CallUpResponse(models.TextChoices):
    """An expert's answer to a call-up."""

    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    NO_ANSWER = "no_answer", _("no answer")


class TeamKind(models.TextChoices):
    """Kinds of rescue team."""

    PROFESSIONAL = "professional", _("professional rescue team")
    MEDICAL = "medical", _("medical treatment team")
    FIRE_RESCUE = "fire_rescue", _("fire and rescue team")


class Readiness(models.TextChoices):
    """A rescue team's readiness, kept current."""

    READY = "ready", _("ready")
    ON_MISSION = "on_mission", _("on a mission")
    RESTING = "resting", _("resting")
    NOT_READY = "not_ready", _("not ready")
