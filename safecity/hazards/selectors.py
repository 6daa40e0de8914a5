"""Campaign coverage and blind spots (reads only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from .choices import TargetCategory
from .services import campaign_targets, county_code


@dataclass
class CoverageRow:
    county: str
    county_name: str
    category: str
    category_label: str
    in_scope: int = 0
    inspected: int = 0

    @property
    def rate(self) -> float:
        return self.inspected / self.in_scope if self.in_scope else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


@dataclass
class Coverage:
    rows: list[CoverageRow] = field(default_factory=list)
    #: (target, why) — why: "never" (not inspected in the campaign) or "stale" (not within N days)
    blind_spots: list[tuple] = field(default_factory=list)
    in_scope: int = 0
    inspected: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.inspected / self.in_scope) if self.in_scope else 0


def campaign_coverage(campaign, *, user=None, now: datetime | None = None) -> Coverage:
    """Targets inspected / targets in scope per county and category, and the blind spots: targets
    never inspected in the campaign, or whose last inspection is older than ``blind_spot_days``.
    With ``user``, only the targets the user may view count (a county official sees their county's figures
    of a city-wide campaign)."""
    from safecity.geo.models import Region

    now = now or timezone.now()
    targets = list(campaign_targets(campaign, user=user))
    inspected_ids = set(campaign.inspections.filter(archived_at__isnull=True).values_list("target_id", flat=True))
    names = dict(
        Region.objects.filter(code__in={county_code(t.region.code) for t in targets}).values_list("code", "name")
    )
    labels = dict(TargetCategory.choices)
    rows: dict[tuple[str, str], CoverageRow] = {}
    result = Coverage()
    stale_before = now - timedelta(days=campaign.blind_spot_days)
    for target in targets:
        county = county_code(target.region.code) or target.region.code
        key = (county, target.category)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CoverageRow(
                county, names.get(county, target.region.name), target.category, str(labels.get(target.category, ""))
            )
        row.in_scope += 1
        result.in_scope += 1
        if target.pk in inspected_ids:
            row.inspected += 1
            result.inspected += 1
        else:
            result.blind_spots.append((target, "never"))
        if target.pk in inspected_ids and (target.last_inspected_at is None or target.last_inspected_at < stale_before):
            result.blind_spots.append((target, "stale"))
    result.rows = sorted(rows.values(), key=lambda r: (r.county, r.category))
    return result


def coverage_by_county(coverage: Coverage) -> list[dict]:
    """Rows for the bar chart: one bar per county."""
    totals: dict[str, dict] = defaultdict(lambda: {"in_scope": 0, "inspected": 0, "name": ""})
    for row in coverage.rows:
        entry = totals[row.county]
        entry["name"] = row.county_name
        entry["in_scope"] += row.in_scope
        entry["inspected"] += row.inspected
    return [
        {**v, "code": k, "percent": round(100 * v["inspected"] / v["in_scope"]) if v["in_scope"] else 0}
        for k, v in sorted(totals.items())
    ]


def svg_bars(bars: list[dict], *, width: int = 360, bar_height: int = 22) -> str:
    """A server-rendered horizontal bar chart (inline SVG, no JavaScript): coverage percent per county."""
    from django.utils.html import escape

    label_w, gap = 90, 6
    height = max(1, len(bars)) * (bar_height + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="coverage" data-testid="coverage-chart">'
    ]
    span = width - label_w - 50
    for i, bar in enumerate(bars):
        y = i * (bar_height + gap)
        w = round(span * bar["percent"] / 100)
        colour = "#198754" if bar["percent"] >= 90 else "#fd7e14" if bar["percent"] >= 50 else "#dc3545"
        parts.append(
            f'<text x="0" y="{y + bar_height * 0.7:.0f}" font-size="12">{escape(bar["name"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{span}" height="{bar_height}" fill="#e9ecef"/>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_w + span + 4}" y="{y + bar_height * 0.7:.0f}" font-size="12">{bar["percent"]}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
