"""The "four earlies" figures: per case the three intervals, then median and 90th percentile per county
and ISO week, and the cases breaching the limits.

Where the work is done: the database filters (scope, disease, period — an indexed range on the
reference time) and returns only the nine columns needed (``values_list``, no model instances);
Python then computes intervals, weeks and percentiles. Percentiles are not portable SQL (PostgreSQL
has ``percentile_cont``, SQLite has nothing), nor is "ISO week in Asia/Shanghai"; one pass over
10,000 rows of tuples takes a few tens of milliseconds, so one portable code path gives the same
figures on both databases. Percentiles use linear interpolation between closest ranks — the same
definition as PostgreSQL's ``percentile_cont`` and NumPy's default.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import rules


def percentile(values: list[float], p: float) -> float | None:
    """The ``p``-quantile (0–1) of ``values`` by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def county_code(region_code: str) -> str:
    return region_code[:6] + "000000" if len(region_code) >= 12 and region_code[4:6] != "00" else region_code


def iso_week(moment: datetime) -> str:
    year, week, _day = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class CaseIntervals:
    """One case's intervals in hours; ``state[code]`` is ok / breach / missing / inconsistent."""

    pk: int
    number: str
    county: str
    disease_id: int
    week: str
    hours: dict[str, float | None]
    state: dict[str, str]
    limits: dict[str, float]

    @property
    def breaches(self) -> list[str]:
        return [code for code, state in self.state.items() if state == "breach"]

    def url(self) -> str:
        from safecity.epidemic.models import Case

        return Case(pk=self.pk).get_absolute_url()


@dataclass
class Stats:
    """Figures of one interval over a group of cases."""

    recorded: int = 0
    missing: int = 0
    inconsistent: int = 0
    breaches: int = 0
    median: float | None = None
    p90: float | None = None
    values: list[float] = field(default_factory=list, repr=False)

    def close(self) -> None:
        self.median = percentile(self.values, 0.5)
        self.p90 = percentile(self.values, rules.PERCENTILE)

    @property
    def breach_percent(self) -> int:
        return round(100 * self.breaches / self.recorded) if self.recorded else 0


@dataclass
class Group:
    county: str
    county_name: str
    week: str
    cases: int = 0
    stats: dict[str, Stats] = field(default_factory=lambda: {code: Stats() for code in rules.INTERVAL_CODES})

    def add(self, case: CaseIntervals) -> None:
        self.cases += 1
        for code in rules.INTERVAL_CODES:
            stats, state = self.stats[code], case.state[code]
            if state == "missing":
                stats.missing += 1
            elif state == "inconsistent":
                stats.inconsistent += 1
            else:
                stats.recorded += 1
                stats.values.append(case.hours[code])
                stats.breaches += state == "breach"

    def close(self) -> None:
        for stats in self.stats.values():
            stats.close()


@dataclass
class FourEarlies:
    start: date
    end: date
    rows: list[Group]
    weeks: list[Group]
    total: Group
    breaches: list[CaseIntervals]
    limits: dict[str, float]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scoped_cases(cases, *, disease=None, start: date | None = None, end: date | None = None):
    """Narrow an already scoped case queryset: active, not excluded, disease, period on the reference time."""
    cases = cases.filter(archived_at__isnull=True).exclude(classification__in=rules.EXCLUDED_CLASSIFICATIONS)
    cases = cases.annotate(sc_ref=Coalesce(*rules.WEEK_OF))
    if disease is not None:
        cases = cases.filter(disease=disease)
    if start is not None:
        cases = cases.filter(sc_ref__gte=_aware(start))
    if end is not None:
        cases = cases.filter(sc_ref__lt=_aware(end + timedelta(days=1)))
    return cases


COLUMNS = (
    "pk",
    "number",
    "region__code",
    "disease_id",
    "disease__code",
    "sc_ref",
    *sorted({name for i in rules.INTERVALS for name in (i.start, i.end)}),
)


def case_intervals(cases) -> list[CaseIntervals]:
    """Intervals of each case of ``cases`` (from :func:`scoped_cases`)."""
    result = []
    limit_cache: dict[str, dict[str, float]] = {}
    for row in cases.order_by().values_list(*COLUMNS).iterator(chunk_size=2000):
        values = dict(zip(COLUMNS, row, strict=True))
        disease_code = values["disease__code"]
        limits = limit_cache.get(disease_code)
        if limits is None:
            limits = limit_cache[disease_code] = rules.limits(disease_code)
        hours: dict[str, float | None] = {}
        state: dict[str, str] = {}
        for interval in rules.INTERVALS:
            start, end = values[interval.start], values[interval.end]
            if start is None or end is None:
                hours[interval.code], state[interval.code] = None, "missing"
                continue
            span = (end - start).total_seconds() / 3600
            hours[interval.code] = span
            if span < 0:
                state[interval.code] = "inconsistent"
            else:
                state[interval.code] = "breach" if span > limits[interval.code] else "ok"
        ref = values["sc_ref"]
        result.append(
            CaseIntervals(
                pk=values["pk"],
                number=values["number"],
                county=county_code(values["region__code"]),
                disease_id=values["disease_id"],
                week=iso_week(ref) if ref else "",
                hours=hours,
                state=state,
                limits=limits,
            )
        )
    return result


def four_earlies(
    cases, *, disease=None, start: date | None = None, end: date | None = None, today: date | None = None
) -> FourEarlies:
    """The page's figures over an already scoped case queryset: per county and week, per week (all
    counties in scope), in total, and the cases breaching a limit (worst excess first)."""
    from safecity.geo.models import Region

    today = today or timezone.localdate()
    end = end or today
    start = start or end - timedelta(weeks=rules.DEFAULT_WEEKS)
    measured = case_intervals(scoped_cases(cases, disease=disease, start=start, end=end))
    names = dict(Region.objects.filter(code__in={c.county for c in measured}).values_list("code", "name"))
    groups: dict[tuple[str, str], Group] = {}
    weeks: dict[str, Group] = {}
    total = Group("", "", "")
    breaches = []
    for case in measured:
        key = (case.county, case.week)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(case.county, names.get(case.county, case.county), case.week)
        week = weeks.get(case.week)
        if week is None:
            week = weeks[case.week] = Group("", "", case.week)
        for target in (group, week, total):
            target.add(case)
        if case.breaches:
            breaches.append(case)
    for group in (*groups.values(), *weeks.values(), total):
        group.close()

    def excess(case: CaseIntervals) -> float:
        return max(case.hours[code] - case.limits[code] for code in case.breaches)

    breaches.sort(key=lambda c: (-excess(c), c.number))
    return FourEarlies(
        start=start,
        end=end,
        rows=sorted(groups.values(), key=lambda g: (g.county, g.week)),
        weeks=sorted(weeks.values(), key=lambda g: g.week),
        total=total,
        breaches=breaches,
        limits=rules.limits(disease.code if disease is not None else None),
    )


def breach_q(disease_codes) -> Q:
    """Cases breaching any limit, as one database filter (for counts: the dashboard)."""
    q = Q(pk__in=[])
    groups: dict[tuple, list[str]] = defaultdict(list)
    for code in disease_codes:
        groups[tuple(sorted(rules.limits(code).items()))].append(code)
    for items, codes in groups.items():
        limits = dict(items)
        part = Q(pk__in=[])
        for interval in rules.INTERVALS:
            part |= Q(
                **{
                    f"{interval.start}__isnull": False,
                    f"{interval.end}__gt": F(interval.start) + timedelta(hours=limits[interval.code]),
                }
            )
        q |= Q(disease__code__in=codes) & part
    return q


def breach_count(cases, *, since: date) -> int:
    """How many cases (of an already scoped queryset) reported since ``since`` breach a limit."""
    from safecity.epidemic.models import Disease

    narrowed = scoped_cases(cases, start=since)
    return narrowed.filter(breach_q(Disease.objects.values_list("code", flat=True))).order_by().count()


def format_hours(hours: float | None) -> str:
    """A duration as ui.md writes it: ``1小时20分`` / ``2天3小时`` (through the translation catalogue)."""
    from django.utils.translation import gettext as _

    if hours is None:
        return "—"
    negative = hours < 0
    minutes = round(abs(hours) * 60)
    days, minutes = divmod(minutes, 24 * 60)
    whole_hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if whole_hours:
        parts.append(_("%(n)s h") % {"n": whole_hours})
    if minutes and not days:
        parts.append(_("%(n)s min") % {"n": minutes})
    text = " ".join(parts) or _("%(n)s min") % {"n": 0}
    return f"-{text}" if negative else text
