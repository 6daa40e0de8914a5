from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VolunteerStatus(models.TextChoices):
    """Whether a volunteer can be sent out."""

    # "active" alone is also a transmission chain's state (活跃): the context keeps the two apart
    ACTIVE = "active", pgettext_lazy("volunteer status", "active")
    INACTIVE = "inactive", pgettext_lazy("volunteer status", "inactive")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class MembershipRole(models.TextChoices):
    """A volunteer's role in a volunteer team."""

    LEADER = "leader", _("team leader")
    DEPUTY = "deputy", _("deputy leader")
    MEMBER = "member", _("member")


class DeploymentKind(models.TextChoices):
    """What volunteers are sent to."""

    INCIDENT = "incident", _("emergency response")
    DRILL = "drill", _("drill")
    PATROL = "patrol", _("patrol and watch")
    COMMUNITY = "community", _("community service")
    PUBLICITY = "publicity", _("safety publicity")
    OTHER = "other", _("other")
