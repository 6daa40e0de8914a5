"""Choices of the epidemic app. Names follow docs/glossary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    UNKNOWN = "unknown", _("unknown")


class Classification(models.TextChoices):
    """A case's classification; it changes over time (every change is in the case's history)."""

    SUSPECTED = "suspected", _("suspected case")
    CONFIRMED = "confirmed", _("confirmed case")
    CLINICAL = "clinical", _("clinically diagnosed case")
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic infection")
    EXCLUDED = "excluded", _("excluded")


class CaseSource(models.TextChoices):
    SCREENING = "screening", _("screening")
    FEVER_CLINIC = "fever_clinic", _("fever clinic")
    COMMUNITY_TESTING = "community_testing", _("community testing")
    CONTACT_MANAGEMENT = "contact_management", _("close-contact management")
    IMPORT = "import", _("import prevention (arrivals)")
    ASSIST_REQUEST = "assist_request", _("assist-investigation request")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    UNDER_TREATMENT = "under_treatment", _("under treatment")
    RECOVERED = "recovered", _("recovered")
    DIED = "died", _("died")
    TRANSFERRED = "transferred", _("transferred out")


class ContactClass(models.TextChoices):
    """Classes a person is put in relative to a case. Computed from the protocol and the graph, never typed by hand."""

    CLOSE = "close", _("close contact")
    SECONDARY = "secondary", _("secondary contact")


class ArrivalRisk(models.TextChoices):
    """Arrivals from risk areas also get measures from the protocol (import prevention)."""

    HIGH = "arrival_high", _("arrival from a high-risk area")
    MEDIUM = "arrival_medium", _("arrival from a medium-risk area")
    LOW = "arrival_low", _("arrival from a low-risk area")


class MeasureKind(models.TextChoices):
    FACILITY_QUARANTINE = "facility_quarantine", _("facility quarantine")
    HOME_QUARANTINE = "home_quarantine", _("home quarantine")
    HOME_MONITORING = "home_monitoring", _("home health monitoring")
    TESTS_ONLY = "tests_only", _("tests only")


class Setting(models.TextChoices):
    """Where an exposure happened; the protocol says which settings count for secondary contacts."""

    HOUSEHOLD = "household", _("lived together")
    WORKPLACE = "workplace", _("worked in a closed space")
    DINING = "dining", _("dined together")
    ENTERTAINMENT = "entertainment", _("entertainment")
    TRANSPORT = "transport", _("same vehicle")
    MEDICAL = "medical", _("medical care")
    SCHOOL = "school", _("school or care institution")
    MOSQUITO = "mosquito", _("mosquito-borne (same area)")
    OTHER = "other", _("other")


class Proximity(models.TextChoices):
    CLOSE_UNPROTECTED = "close_unprotected", _("close range, unprotected")
    CLOSE_PROTECTED = "close_protected", _("close range, protected")
    SAME_SPACE = "same_space", _("same closed space")
    DISTANT = "distant", _("distant")


class ExposureSource(models.TextChoices):
    INVESTIGATION = "investigation", _("epidemiological investigation")
    BIG_DATA = "big_data", _("big-data screening")
    ASSIST_REQUEST = "assist_request", _("assist-investigation request")
    SELF_REPORT = "self_report", _("self-report")


class SiteKind(models.TextChoices):
    PLACE = "place", _("place")
    EVENT = "event", _("event or gathering")
    CONSIGNMENT = "consignment", _("consignment (cold-chain food, imported goods, mail)")
    VEHICLE = "vehicle", _("vehicle or flight")
