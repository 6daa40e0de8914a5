from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.incidents.choices import Category as IncidentCategory  # noqa: F401  (the four kinds of event)


class PlanType(models.TextChoices):
    """The kinds of plan in China's emergency plan system (突发事件应急预案管理办法, 2024)."""

    OVERALL = "overall", _("overall plan")
    SPECIAL = "special", _("special plan")
    DEPARTMENT = "department", _("department plan")
    ENTERPRISE = "enterprise", _("enterprise or institution plan")
    ON_SITE = "on_site", _("on-site response plan")


class PlanStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    UNDER_REVISION = "under_revision", _("under revision")
    RETIRED = "retired", _("retired")


class DrillKind(models.TextChoices):
    """Forms of drill (突发事件应急演练指南)."""

    TABLETOP = "tabletop", _("tabletop")
    FUNCTIONAL = "functional", _("functional")
    FULL_SCALE = "full_scale", _("full-scale")


class DrillRating(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    FAIR = "fair", _("fair")
    POOR = "poor", _("poor")


class ProblemSeverity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    SEVERE = "severe", _("severe")


#: Names the offices' registers use for these values (besides the codes and the labels).
IMPORT_ALIASES = {
    "plan_type": {
        "总体应急预案": PlanType.OVERALL,
        "总体预案": PlanType.OVERALL,
        "专项应急预案": PlanType.SPECIAL,
        "专项预案": PlanType.SPECIAL,
        "部门应急预案": PlanType.DEPARTMENT,
        "部门预案": PlanType.DEPARTMENT,
        "企事业单位应急预案": PlanType.ENTERPRISE,
        "企业应急预案": PlanType.ENTERPRISE,
        "现场处置方案": PlanType.ON_SITE,
    },
    "category": {
        "自然灾害": "natural_disaster",
        "事故灾难": "accident",
        "公共卫生事件": "public_health",
        "社会安全事件": "social_security",
    },
    "status": {
        "现行有效": PlanStatus.IN_FORCE,
        "有效": PlanStatus.IN_FORCE,
        "修订中": PlanStatus.UNDER_REVISION,
        "已废止": PlanStatus.RETIRED,
        "废止": PlanStatus.RETIRED,
    },
}
