from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetCategory(models.TextChoices):
    """What kind of place an inspection target (key site) is."""

    CONSTRUCTION_SITE = "construction_site", _("construction site")
    ROAD_SECTION = "road_section", _("rural road section")
    FERRY_CROSSING = "ferry_crossing", _("ferry crossing")
    THREE_IN_ONE = "three_in_one", _("three-in-one premises")
    URBAN_VILLAGE = "urban_village", _("urban village")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("hazardous-chemicals enterprise")
    CROWDED_PLACE = "crowded_place", _("crowded place")
    CARE_HOME_SCHOOL = "care_home_school", _("care home or school")


class RiskGrade(models.TextChoices):
    """Risk grade of a target, the four colours of the risk map (red highest)."""

    MAJOR = "major", _("major risk (red)")
    HIGH = "high", _("high risk (orange)")
    MODERATE = "moderate", _("moderate risk (yellow)")
    LOW = "low", _("low risk (blue)")


class HazardLevel(models.TextChoices):
    """Order No. 16 (2008): ordinary or major hazard."""

    ORDINARY = "ordinary", _("ordinary hazard")
    MAJOR = "major", _("major hazard")


class HazardStatus(models.TextChoices):
    """The rectification loop: found → assigned → rectifying → rectified → re-inspected → closed."""

    FOUND = "found", _("found")
    ASSIGNED = "assigned", _("assigned")
    RECTIFYING = "rectifying", _("rectifying")
    RECTIFIED = "rectified", _("rectified")
    REINSPECTED = "reinspected", _("re-inspection passed")
    CLOSED = "closed", pgettext_lazy("hazard status", "closed")


class SupervisionLevel(models.TextChoices):
    """Listed supervision (挂牌督办) of a major hazard."""

    NONE = "", _("not listed")
    COUNTY = "county", _("listed by the county")
    CITY = "city", _("listed by the city")


class ItemResult(models.TextChoices):
    """What an inspector records for one checklist item."""

    PASS = "pass", _("pass")
    HAZARD = "hazard", _("hazard")
    NOT_APPLICABLE = "na", _("not applicable")
