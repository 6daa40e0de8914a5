"""Choices of the follow-up app. Names follow docs/glossary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.epidemic.choices import ArrivalRisk, ContactClass

#: Classes a management plan can be made for: the contact classes and the arrival risk classes.
PERSON_CLASS_CHOICES = ContactClass.choices + ArrivalRisk.choices


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("under management")
    COMPLETED = "completed", _("completed")
    CONVERTED = "converted", _("converted to a case")
    ENDED_EARLY = "ended_early", _("ended early")


class FollowUpResult(models.TextChoices):
    WELL = "well", _("seen, well")
    SYMPTOMATIC = "symptomatic", _("symptomatic")
    NOT_REACHED = "not_reached", _("not reached")


class TestOutcome(models.TextChoices):
    PENDING = "pending", _("result pending")
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("incoming (from another region)")
    OUTGOING = "outgoing", _("outgoing (to another region)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class ItemResult(models.TextChoices):
    PENDING = "pending", _("not yet processed")
    CONTROLLED = "controlled", _("found and put under control")
    NOT_IN_JURISDICTION = "not_in_jurisdiction", _("not in our jurisdiction")
    NOT_FOUND = "not_found", _("not found")
    LEFT = "left", _("left for another place")
