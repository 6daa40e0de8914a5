"""Rule tables for incidents: levels from figures, and the reports each level requires by when.

Everything with a figure is data here, read like the regulation it comes from:

* :data:`DECREE_493_LEVELS` — State Council Decree 493 (2007), work-safety accidents: the level is the
  highest reached by any one measure; "X or more" includes X; the missing count with the dead.
* :data:`NATIONAL` — the reporting chain and clocks of Decree 493 plus the national target for
  serious and especially serious events (phone 30 min, written 1 h), and the follow-up windows.
* :data:`EXAMPLE_PROVINCE` — a province that tightens the national figures (domain-rules §2).

A deployment chooses its rule set with ``SAFECITY_INCIDENT_RULESET`` (a dotted path to a
:class:`RuleSet`); :func:`active_ruleset` returns it. Rule sets are plain data: a jurisdiction that
tightens a clock writes a new ``RuleSet`` with ``dataclasses.replace`` and points the setting at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .choices import Category, Level, Subtype

ALL_LEVELS = frozenset(Level)
SERIOUS = frozenset({Level.I, Level.II})


@dataclass(frozen=True)
class Threshold:
    """``measure >= minimum`` makes an event at least ``level``."""

    level: Level
    measure: str  # "dead_and_missing" | "seriously_injured" | "direct_loss"
    minimum: Decimal


#: Measures as the reason text names them.
MEASURE_LABELS = {
    "dead_and_missing": _("dead (incl. missing) %(value)s"),
    "seriously_injured": _("seriously injured (incl. acute poisoning) %(value)s"),
    "direct_loss": _("direct loss %(value)s yuan"),
}

#: Decree 493 (2007), Art. 3.
DECREE_493_LEVELS: tuple[Threshold, ...] = (
    Threshold(Level.I, "dead_and_missing", Decimal(30)),
    Threshold(Level.I, "seriously_injured", Decimal(100)),
    Threshold(Level.I, "direct_loss", Decimal(100_000_000)),
    Threshold(Level.II, "dead_and_missing", Decimal(10)),
    Threshold(Level.II, "seriously_injured", Decimal(50)),
    Threshold(Level.II, "direct_loss", Decimal(50_000_000)),
    Threshold(Level.III, "dead_and_missing", Decimal(3)),
    Threshold(Level.III, "seriously_injured", Decimal(10)),
    Threshold(Level.III, "direct_loss", Decimal(10_000_000)),
)


@dataclass(frozen=True)
class DeadlineRule:
    """One report an incident requires, and by when.

    The clock starts at ``anchor``: an incident time (``occurred_at`` / ``learned_at``) or another
    rule's key — then it runs from when that report was made (or, while it is not made yet, from
    when it was due), so a chain step up the hierarchy always gets its full time.
    """

    key: str
    label: str
    anchor: str
    delta: timedelta
    levels: frozenset = ALL_LEVELS
    categories: frozenset | None = None  # None: every category
    subtypes: frozenset | None = None  # None: every subtype
    excluded_subtypes: frozenset = frozenset()
    #: A window rather than a single report: done by the final report.
    window: bool = False

    def applies(self, *, level: Level | None, category: str, subtype: str) -> bool:
        if level is None or level not in self.levels:
            return False
        if self.categories is not None and category not in self.categories:
            return False
        if self.subtypes is not None and subtype not in self.subtypes:
            return False
        return subtype not in self.excluded_subtypes


@dataclass(frozen=True)
class RuleSet:
    name: str
    levels: tuple[Threshold, ...]
    #: Categories whose level follows from the figures; others are judged by the reporter.
    computed_categories: frozenset
    deadlines: tuple[DeadlineRule, ...]
    #: Warn "due soon" this long before a deadline; escalate one level up this long after it.
    due_soon: timedelta = timedelta(minutes=30)
    escalate_after: timedelta = timedelta(minutes=30)
    #: A new event at these levels alerts the people on duty and the level above at once.
    alert_at_once: frozenset = SERIOUS
    notes: tuple[str, ...] = field(default=())

    def deadline(self, key: str) -> DeadlineRule:
        return next(rule for rule in self.deadlines if rule.key == key)


FAST_FOLLOW_UP = frozenset({Subtype.ROAD_TRAFFIC, Subtype.FIRE})

NATIONAL = RuleSet(
    name="national",
    levels=DECREE_493_LEVELS,
    computed_categories=frozenset({Category.ACCIDENT}),
    deadlines=(
        # Decree 493 Art. 9: the unit reports to the county-level department within 1 hour.
        DeadlineRule("unit_to_county", _("unit → county: within 1 hour"), "occurred_at", timedelta(hours=1)),
        # Art. 10: each department reports to the next level up within 2 hours; ordinary → city.
        DeadlineRule("county_to_city", _("county → city: within 2 hours"), "unit_to_county", timedelta(hours=2)),
        # major and above → province.
        DeadlineRule(
            "city_to_province",
            _("city → province: within 2 hours"),
            "county_to_city",
            timedelta(hours=2),
            levels=frozenset({Level.I, Level.II, Level.III}),
        ),
        # serious and especially serious → State Council department.
        DeadlineRule(
            "province_to_state_council",
            _("province → State Council: within 2 hours"),
            "city_to_province",
            timedelta(hours=2),
            levels=SERIOUS,
        ),
        # National target for I–II events: State Council duty office by phone in 30 min, in writing in 1 h.
        DeadlineRule(
            "phone_30min",
            _("phone report of a I–II event: within 30 minutes"),
            "learned_at",
            timedelta(minutes=30),
            levels=SERIOUS,
        ),
        DeadlineRule(
            "written_1h",
            _("written report of a I–II event: within 1 hour"),
            "learned_at",
            timedelta(hours=1),
            levels=SERIOUS,
        ),
        # Art. 13: casualty changes within 30 days are reported; 7 days for road traffic and fire.
        DeadlineRule(
            "follow_up_window",
            _("follow-up window: 30 days"),
            "occurred_at",
            timedelta(days=30),
            categories=frozenset({Category.ACCIDENT}),
            excluded_subtypes=FAST_FOLLOW_UP,
            window=True,
        ),
        DeadlineRule(
            "follow_up_window_7d",
            _("follow-up window: 7 days (road traffic, fire)"),
            "occurred_at",
            timedelta(days=7),
            categories=frozenset({Category.ACCIDENT}),
            subtypes=FAST_FOLLOW_UP,
            window=True,
        ),
    ),
    notes=("Decree 493 (2007); Emergency Response Law (2024); national I–II reporting target.",),
)

#: A province that tightens the national figures (domain-rules §2): I–II phone 15 min / written 35 min;
#: III written within 1 h; IV written within 6 h.
EXAMPLE_PROVINCE = replace(
    NATIONAL,
    name="example_province",
    deadlines=(
        *(r for r in NATIONAL.deadlines if r.key not in {"phone_30min", "written_1h"}),
        DeadlineRule(
            "phone_30min",
            _("phone report of a I–II event: within 15 minutes"),
            "learned_at",
            timedelta(minutes=15),
            levels=SERIOUS,
        ),
        DeadlineRule(
            "written_1h",
            _("written report of a I–II event: within 35 minutes"),
            "learned_at",
            timedelta(minutes=35),
            levels=SERIOUS,
        ),
        DeadlineRule(
            "written_iii",
            _("written report of a III event: within 1 hour"),
            "learned_at",
            timedelta(hours=1),
            levels=frozenset({Level.III}),
        ),
        DeadlineRule(
            "written_iv",
            _("written report of a IV event: within 6 hours"),
            "learned_at",
            timedelta(hours=6),
            levels=frozenset({Level.IV}),
        ),
    ),
)


def active_ruleset() -> RuleSet:
    """The rule set this deployment uses (``SAFECITY_INCIDENT_RULESET``, default national)."""
    path = getattr(settings, "SAFECITY_INCIDENT_RULESET", "") or "safecity.incidents.rules.NATIONAL"
    return import_string(path)


@dataclass(frozen=True)
class Classification:
    level: Level | None
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def classify(
    *,
    category: str,
    dead: int = 0,
    missing: int = 0,
    seriously_injured: int = 0,
    direct_loss=0,
    judged_level: int | None = None,
    ruleset: RuleSet | None = None,
) -> Classification:
    """The level of an event from its figures, with the reason ("死亡(含失踪)3人 → 较大(III)").

    For categories whose level follows from the figures, the highest level any measure reaches
    counts; a level judged by the reporter can only raise it. Other categories take the judged level.
    """
    ruleset = ruleset or active_ruleset()
    measures = {
        "dead_and_missing": Decimal(dead or 0) + Decimal(missing or 0),
        "seriously_injured": Decimal(seriously_injured or 0),
        "direct_loss": Decimal(direct_loss or 0),
    }
    reasons: list[str] = []
    level: Level | None = None
    if category in ruleset.computed_categories:
        level = Level.IV
        for threshold in ruleset.levels:  # ordered from the most serious
            value = measures[threshold.measure]
            if value >= threshold.minimum and threshold.level <= level:
                if threshold.level < level:
                    reasons = []
                level = threshold.level
                shown = f"{value:,.0f}" if threshold.measure == "direct_loss" else f"{value:.0f}"
                reasons.append(f"{MEASURE_LABELS[threshold.measure] % {'value': shown}} → {Level(level).label}")
        if not reasons:
            reasons.append(str(_("below every threshold → %(level)s") % {"level": Level.IV.label}))
    if judged_level is not None and (level is None or judged_level < level):
        level = Level(judged_level)
        reasons.append(str(_("judged by the reporter → %(level)s") % {"level": level.label}))
    if level is None:
        reasons.append(str(_("level not yet judged")))
    return Classification(level=level, reasons=tuple(str(r) for r in reasons))
