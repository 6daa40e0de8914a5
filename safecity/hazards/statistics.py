"""Hazard statistics for a quarter or a year (Order No. 16: units report quarterly by the 15th of the
next quarter's first month and yearly by 31 January): by county, by category, by level and status;
rectification rate, on-time rate, and the overdue list. On screen and as XLSX."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import HazardLevel, HazardStatus, TargetCategory
from .services import county_code


@dataclass
class StatRow:
    key: str
    label: str
    total: int = 0
    major: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_with_deadline: int = 0
    overdue: int = 0

    @property
    def rectification_rate(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0

    @property
    def on_time_rate(self) -> int:
        return round(100 * self.closed_on_time / self.closed_with_deadline) if self.closed_with_deadline else 0


@dataclass
class Statistics:
    start: date
    end: date
    by_county: list[StatRow] = field(default_factory=list)
    by_category: list[StatRow] = field(default_factory=list)
    by_level: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    total: StatRow | None = None
    overdue: list = field(default_factory=list)


def period(year: int, quarter: int | None) -> tuple[date, date]:
    """First and last day of a quarter (1–4) or, without one, of the year."""
    if not quarter:
        return date(year, 1, 1), date(year, 12, 31)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def hazard_statistics(queryset, *, year: int, quarter: int | None = None, today: date | None = None) -> Statistics:
    """Statistics of the hazards in ``queryset`` (already scoped) found in the period."""
    from safecity.geo.models import Region

    today = today or timezone.localdate()
    start, end = period(year, quarter)
    hazards = list(
        queryset.filter(archived_at__isnull=True, found_at__date__gte=start, found_at__date__lte=end)
        .select_related("region", "target", "responsible_unit", "responsible_person")
        .order_by("deadline", "pk")
    )
    stats = Statistics(start, end)
    names = dict(
        Region.objects.filter(code__in={county_code(h.region.code) for h in hazards}).values_list("code", "name")
    )
    labels = dict(TargetCategory.choices)
    counties: dict[str, StatRow] = {}
    categories: dict[str, StatRow] = {}
    total = StatRow("", _("total"))
    levels: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    for hazard in hazards:
        county = county_code(hazard.region.code) or hazard.region.code
        rows = [
            counties.setdefault(county, StatRow(county, names.get(county, hazard.region.name))),
            categories.setdefault(
                hazard.target.category, StatRow(hazard.target.category, str(labels[hazard.target.category]))
            ),
            total,
        ]
        overdue = hazard.is_overdue(today)
        for row in rows:
            row.total += 1
            row.major += hazard.level == HazardLevel.MAJOR
            if hazard.status == HazardStatus.CLOSED:
                row.closed += 1
                if hazard.deadline is not None:
                    row.closed_with_deadline += 1
                    row.closed_on_time += timezone.localdate(hazard.closed_at) <= hazard.deadline
            row.overdue += overdue
        levels[hazard.level] += 1
        statuses[hazard.status] += 1
        if overdue:
            stats.overdue.append(hazard)
    stats.by_county = sorted(counties.values(), key=lambda r: r.key)
    stats.by_category = sorted(categories.values(), key=lambda r: r.key)
    stats.by_level = {str(label): levels.get(value, 0) for value, label in HazardLevel.choices}
    stats.by_status = {str(label): statuses.get(value, 0) for value, label in HazardStatus.choices}
    stats.total = total
    return stats


def statistics_xlsx(stats: Statistics) -> bytes:
    """The statistics as a workbook: by county, by category, overdue."""
    from openpyxl import Workbook

    headers = [
        _("hazards"),
        _("major hazards"),
        pgettext("hazard status", "closed"),
        _("rectification rate"),
        _("on-time rate"),
        _("overdue"),
    ]
    workbook = Workbook()
    for index, (title, rows, first) in enumerate(
        [(_("By county"), stats.by_county, _("county")), (_("By category"), stats.by_category, _("category"))]
    ):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([f"{stats.start} – {stats.end}"])
        sheet.append([first, *headers])
        for row in [*rows, stats.total]:
            sheet.append(
                [row.label, row.total, row.major, row.closed, row.rectification_rate, row.on_time_rate, row.overdue]
            )
    sheet = workbook.create_sheet(_("Overdue"))
    sheet.append([_("hazard"), _("inspection target"), _("region"), _("responsible unit"), _("rectification deadline")])
    for hazard in stats.overdue:
        sheet.append(
            [hazard.title, hazard.target.name, hazard.region.name, str(hazard.responsible_unit or ""), hazard.deadline]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
