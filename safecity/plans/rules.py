"""Figures of contingency plans and drills, as data.

Sources: 突发事件应急预案管理办法 (国办发〔2024〕5号) — plans are evaluated regularly, in principle every
3 years; special and department plans are drilled at least once every 3 years. 生产安全事故应急预案管理办法
(应急管理部令第2号, 2019) — an enterprise drills its comprehensive or special plan at least once a year and
its on-site response plans at least every six months, and evaluates its plans every 3 years.
Overrides: ``settings.SAFECITY_PLANS = {"REVIEW_YEARS": {...}, ...}``.
"""

from __future__ import annotations

from django.conf import settings

from .choices import PlanType, ProblemSeverity

_DEFAULTS = {
    #: Years between a plan's approval and its next evaluation (review), by plan type.
    "REVIEW_YEARS": {t.value: 3 for t in PlanType},
    #: Alert this many days before the review date (and on every plan past it), once per review date.
    "REVIEW_ALERT_DAYS": 60,
    #: A plan in force with no drill in this many months is flagged, by plan type.
    "DRILL_MONTHS": {
        PlanType.OVERALL: 36,
        PlanType.SPECIAL: 36,
        PlanType.DEPARTMENT: 36,
        PlanType.ENTERPRISE: 12,
        PlanType.ON_SITE: 6,
    },
    #: A drill problem's follow-up task: priority and default days to fix, by severity.
    "PROBLEM_PRIORITY": {
        ProblemSeverity.MINOR: "normal",
        ProblemSeverity.MAJOR: "urgent",
        ProblemSeverity.SEVERE: "most_urgent",
    },
    "PROBLEM_DAYS": {ProblemSeverity.MINOR: 30, ProblemSeverity.MAJOR: 15, ProblemSeverity.SEVERE: 7},
    #: Plan documents: largest file.
    "DOCUMENT_MAX_BYTES": 30 * 1024 * 1024,
}


def setting(name: str):
    return getattr(settings, "SAFECITY_PLANS", {}).get(name, _DEFAULTS[name])


#: How often the review sweep runs (seconds): review dates are whole days.
REVIEW_SWEEP_SECONDS = 6 * 3600
