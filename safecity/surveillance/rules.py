"""The "four earlies" (四早: early detection, reporting, isolation, treatment) as measured intervals.

Each interval runs between two timestamps of an ``epidemic.Case``. The limits below are the
platform's defaults — not a regulation quoted for every disease — and are configuration:
``settings.SAFECITY["FOUR_EARLIES_HOURS"]`` may override them for all diseases
(``{"report": 2, "isolation": 12, "treatment": 48}``) or per disease code
(``{"dengue": {"isolation": 24}}``), and :data:`DISEASE_LIMITS` holds per-disease defaults.
(For reference: China's infectious-disease reporting rules ask for online reporting within 2 hours
for class A diseases and those managed as class A, within 24 hours for other class B and C diseases.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Interval:
    code: str
    label: Promise
    #: ``Case`` fields the interval runs from and to.
    start: str
    end: str
    #: Default limit in hours.
    limit_hours: float


INTERVALS: tuple[Interval, ...] = (
    Interval("report", _("detection → report"), "detected_at", "reported_at", 2),
    Interval("isolation", _("report → isolation"), "reported_at", "isolated_at", 12),
    Interval("treatment", _("onset → treatment"), "onset_at", "treated_at", 48),
)
INTERVAL_CODES = tuple(i.code for i in INTERVALS)

#: Per-disease defaults that differ from :data:`INTERVALS` (disease code → {interval code: hours}).
DISEASE_LIMITS: dict[str, dict[str, float]] = {}

#: The week a case counts in is the ISO week of the first of these timestamps that is recorded.
WEEK_OF = ("reported_at", "detected_at", "onset_at")

#: Classifications left out of the figures (a case ruled out is not a case).
EXCLUDED_CLASSIFICATIONS = ("excluded",)

#: The percentile shown next to the median.
PERCENTILE = 0.9

#: The dashboard counts breaches among the cases of this many past days.
DASHBOARD_DAYS = 28

#: Default period of the page: this many weeks back from today.
DEFAULT_WEEKS = 12


def limits(disease_code: str | None = None) -> dict[str, float]:
    """The limit in hours of each interval for a disease (defaults ← per-disease table ← settings)."""
    result = {i.code: float(i.limit_hours) for i in INTERVALS}
    configured = settings.SAFECITY.get("FOUR_EARLIES_HOURS", {}) or {}
    result.update({k: float(v) for k, v in configured.items() if k in INTERVAL_CODES})
    if disease_code:
        result.update({k: float(v) for k, v in DISEASE_LIMITS.get(disease_code, {}).items()})
        per_disease = configured.get(disease_code)
        if isinstance(per_disease, dict):
            result.update({k: float(v) for k, v in per_disease.items() if k in INTERVAL_CODES})
    return result
