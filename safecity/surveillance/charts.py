"""Inline SVG charts of the four earlies (no JavaScript, prints in black and white: every bar is labelled)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .selectors import Group

BLUE, ORANGE, RED, GREY = "#0d6efd", "#fd7e14", "#dc3545", "#6c757d"


def interval_chart(weeks: list[Group], code: str, limit: float, *, width: int = 560, height: int = 230) -> str:
    """Median (blue) and 90th percentile (orange) of one interval per ISO week, the limit as a red dashed line."""
    left, right, top, bottom = 48, 10, 22, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peaks = [g.stats[code].p90 or 0 for g in weeks] + [limit * 1.2, 1]
    peak = max(peaks)
    step = plot_w / max(1, len(weeks))
    bar_w = min(18.0, step * 0.38)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    # marked outside the f-strings: makemessages does not look inside them
    title, hours, weeks_axis, limit_label = (
        escape(text) for text in (_("Median and 90th percentile per week"), _("hours"), _("ISO week"), _("limit"))
    )
    median_label, p90_label = _("median"), _("90th percentile")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'style="max-height: {height * 1.5:.0f}px" '
        f'aria-label="{title}" data-testid="chart-{code}" font-size="11">',
        f'<text x="2" y="12" fill="{GREY}">{hours}</text>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{GREY}"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{GREY}"/>',
        f'<text x="{left + plot_w}" y="{height - 4}" text-anchor="end" fill="{GREY}">{weeks_axis}</text>',
    ]
    for tick in (0, peak / 2, peak):
        parts.append(f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{GREY}">{tick:.3g}</text>')
    limit_y = y(limit)
    parts.append(
        f'<line x1="{left}" y1="{limit_y:.1f}" x2="{left + plot_w}" y2="{limit_y:.1f}" stroke="{RED}" '
        f'stroke-dasharray="5 3" data-testid="limit-line"/>'
        f'<text x="{left + plot_w}" y="{limit_y - 3:.1f}" text-anchor="end" fill="{RED}">'
        f"{limit_label} {limit:g}</text>"
    )
    for index, group in enumerate(weeks):
        stats = group.stats[code]
        x0 = left + index * step + step / 2 - bar_w
        for offset, value, colour, name in ((0, stats.median, BLUE, median_label), (bar_w, stats.p90, ORANGE, "P90")):
            if value is None:
                continue
            top_y = y(max(0.0, value))
            parts.append(
                f'<rect x="{x0 + offset:.1f}" y="{top_y:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{top + plot_h - top_y:.1f}" fill="{colour}"><title>{escape(group.week)} '
                f"{escape(name)}: {value:.1f}</title></rect>"
            )
        parts.append(
            f'<text x="{left + index * step + step / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
            f'fill="{GREY}">{escape(group.week[5:])}</text>'
        )
    parts.append(
        f'<rect x="{left + 4}" y="{height - 14}" width="10" height="10" fill="{BLUE}"/>'
        f'<text x="{left + 18}" y="{height - 5}">{escape(median_label)}</text>'
        f'<rect x="{left + 70}" y="{height - 14}" width="10" height="10" fill="{ORANGE}"/>'
        f'<text x="{left + 84}" y="{height - 5}">{escape(p90_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
