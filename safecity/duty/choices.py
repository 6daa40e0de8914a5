from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyPostKind(models.TextChoices):
    """What kind of duty room a duty post is."""

    CITY_ROOM = "city_room", _("city duty room")
    COUNTY_ROOM = "county_room", _("county duty room")
    TOWN_ROOM = "town_room", _("town duty room")
    DEPARTMENT_ROOM = "department_room", _("department duty room")


class SwapStatus(models.TextChoices):
    """Where a shift swap stands."""

    REQUESTED = "requested", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
