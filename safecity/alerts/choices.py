from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Colour(models.TextChoices):
    """Warning colours (预警颜色), highest first in :data:`rules.COLOUR_RANK`. Guangdong adds white for typhoons."""

    RED = "red", _("red warning")
    ORANGE = "orange", _("orange warning")
    YELLOW = "yellow", _("yellow warning")
    BLUE = "blue", _("blue warning")
    WHITE = "white", _("white warning")
    NONE = "none", _("no colour")


class Kind(models.TextChoices):
    """What a warning is about (GB/T 35561-2017 event types where they have a code)."""

    TYPHOON = "typhoon", _("typhoon")
    RAINSTORM = "rainstorm", _("rainstorm")
    GALE = "gale", _("gale")
    FOG = "fog", _("fog")
    STORM_SURGE = "storm_surge", _("storm surge")
    WAVES = "waves", _("waves")
    FLOOD = "flood", _("flood")
    TSUNAMI = "tsunami", _("tsunami")
    FOREST_FIRE = "forest_fire", _("forest fire danger")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """How a message reached us."""

    UPLOAD = "upload", _("uploaded on the page")
    API = "api", _("pushed to the API")
    COMMAND = "command", _("read by the command")


class Outcome(models.TextChoices):
    """What receiving a message did."""

    NEW = "new", _("new warning")
    UPDATED = "updated", _("warning updated")
    LIFTED = "lifted", _("warning lifted")
    NOT_FOR_AREA = "not_for_area", _("not for our area")
    UNKNOWN_REFERENCE = "unknown_reference", _("refers to no warning we hold")
    STALE = "stale", _("older than the warning's latest message")
    RECORDED = "recorded", _("recorded only")


class State(models.TextChoices):
    """A warning's state, derived from its times — never stored."""

    IN_FORCE = "in_force", pgettext_lazy("cap", "in force")
    LIFTED = "lifted", _("lifted")
    EXPIRED = "expired", _("expired")
    EXERCISE = "exercise", _("test or exercise")
