"""Categories, levels and states of incidents (glossary: 突发事件 emergency event, 生产安全事故 accident)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The four kinds of emergency event (Emergency Response Law)."""

    NATURAL_DISASTER = "natural_disaster", _("natural disaster")
    ACCIDENT = "accident", _("accident")
    PUBLIC_HEALTH = "public_health", _("public-health event")
    SOCIAL_SECURITY = "social_security", _("social-security event")


class Subtype(models.TextChoices):
    """Subtypes; the first word says the category it belongs to (see ``SUBTYPE_CATEGORY``)."""

    ROAD_TRAFFIC = "road_traffic", _("road traffic accident")
    FIRE = "fire", _("fire")
    CONSTRUCTION = "construction", _("construction accident")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("hazardous chemicals accident")
    INDUSTRIAL = "industrial", _("industrial and trade accident")
    DROWNING = "drowning", _("drowning")
    FERRY = "ferry", _("ferry or waterway accident")
    FISHING_VESSEL = "fishing_vessel", _("fishing vessel accident")
    GAS = "gas", _("gas accident")
    SPECIAL_EQUIPMENT = "special_equipment", _("special equipment accident")
    TYPHOON = "typhoon", _("typhoon")
    FLOOD = "flood", _("flood or rainstorm")
    GEOLOGICAL = "geological", _("landslide or geological hazard")
    FOREST_FIRE = "forest_fire", _("forest fire")
    EPIDEMIC = "epidemic", _("infectious disease outbreak")
    FOOD_POISONING = "food_poisoning", _("food poisoning")
    MASS_INCIDENT = "mass_incident", _("mass incident")
    OTHER = "other", _("other")


SUBTYPE_CATEGORY = {
    Subtype.ROAD_TRAFFIC: Category.ACCIDENT,
    Subtype.FIRE: Category.ACCIDENT,
    Subtype.CONSTRUCTION: Category.ACCIDENT,
    Subtype.HAZARDOUS_CHEMICALS: Category.ACCIDENT,
    Subtype.INDUSTRIAL: Category.ACCIDENT,
    Subtype.DROWNING: Category.ACCIDENT,
    Subtype.FERRY: Category.ACCIDENT,
    Subtype.FISHING_VESSEL: Category.ACCIDENT,
    Subtype.GAS: Category.ACCIDENT,
    Subtype.SPECIAL_EQUIPMENT: Category.ACCIDENT,
    Subtype.TYPHOON: Category.NATURAL_DISASTER,
    Subtype.FLOOD: Category.NATURAL_DISASTER,
    Subtype.GEOLOGICAL: Category.NATURAL_DISASTER,
    Subtype.FOREST_FIRE: Category.NATURAL_DISASTER,
    Subtype.EPIDEMIC: Category.PUBLIC_HEALTH,
    Subtype.FOOD_POISONING: Category.PUBLIC_HEALTH,
    Subtype.MASS_INCIDENT: Category.SOCIAL_SECURITY,
}


class Level(models.IntegerChoices):
    """Event level: I especially serious … IV ordinary. Lower number = more serious."""

    I = 1, _("especially serious (I)")  # noqa: E741
    II = 2, _("serious (II)")
    III = 3, _("major (III)")
    IV = 4, _("ordinary (IV)")


class ReportKind(models.TextChoices):
    INITIAL = "initial", _("initial report")
    FOLLOW_UP = "follow_up", _("follow-up report")
    FINAL = "final", _("final report")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class DeadlineState(models.TextChoices):
    DONE = "done", _("done on time")
    DONE_LATE = "done_late", _("done late")
    OPEN = "open", _("not yet due")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
