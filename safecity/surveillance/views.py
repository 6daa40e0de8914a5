"""The four-earlies page: median and 90th percentile per county and week, charts, and the cases
breaching the limits; filter by disease and period; XLSX export."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules, selectors
from .charts import interval_chart
from .forms import FourEarliesFilterForm
from .selectors import FourEarlies, format_hours

BREACHES_ON_PAGE = 200


def _cases(user):
    from safecity.epidemic.models import Case

    if not user.has_perm("epidemic.view_case"):
        raise PermissionDenied
    return Case.objects.restrict(user, "view")


@login_required
def four_earlies(request):
    cases = _cases(request.user)
    form = FourEarliesFilterForm(request.GET or None, user=request.user)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    result = selectors.four_earlies(
        cases, disease=values.get("disease"), start=values.get("start"), end=values.get("end")
    )
    if request.GET.get("_export") == "xlsx":
        return export_xlsx(result)
    intervals = [
        {
            "code": i.code,
            "label": i.label,
            "limit": result.limits[i.code],
            "limit_text": _("%(n)s h") % {"n": f"{result.limits[i.code]:g}"},
            "total": result.total.stats[i.code],
            "chart": interval_chart(result.weeks, i.code, result.limits[i.code]),
        }
        for i in rules.INTERVALS
    ]
    query = request.GET.copy()
    query.pop("_export", None)
    return render(
        request,
        "surveillance/four_earlies.html",
        {
            "form": form,
            "result": result,
            "intervals": intervals,
            "rows": [_row(group) for group in result.rows],
            "breaches": [_breach(case) for case in result.breaches[:BREACHES_ON_PAGE]],
            "breach_total": len(result.breaches),
            "breaches_cut": len(result.breaches) > BREACHES_ON_PAGE,
            "querystring": query.urlencode(),
        },
    )


def _row(group) -> dict:
    return {
        "county": group.county_name,
        "week": group.week,
        "cases": group.cases,
        "cells": [
            {
                "stats": group.stats[i.code],
                "median": format_hours(group.stats[i.code].median),
                "p90": format_hours(group.stats[i.code].p90),
            }
            for i in rules.INTERVALS
        ],
    }


def _breach(case) -> dict:
    labels = {i.code: i.label for i in rules.INTERVALS}
    return {
        "case": case,
        "url": case.url(),
        "items": [
            {
                "label": labels[code],
                "hours": format_hours(case.hours[code]),
                "limit": format_hours(case.limits[code]),
                "over": format_hours(case.hours[code] - case.limits[code]),
            }
            for code in case.breaches
        ],
    }


def export_xlsx(result: FourEarlies) -> HttpResponse:
    """Two sheets: figures per county and week (hours, one decimal), and the cases breaching a limit."""
    from openpyxl import Workbook

    from safecity.geo.models import Region

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("By county and week"))[:31]
    sheet.append([f"{result.start:%Y-%m-%d} – {result.end:%Y-%m-%d}"])
    header = [str(_("county")), str(_("ISO week")), str(_("cases"))]
    columns = [_("recorded"), _("not recorded"), _("median (h)"), "P90 (h)", _("breaches")]
    for interval in rules.INTERVALS:
        header += [f"{interval.label} {column}" for column in columns]
    sheet.append(header)

    def hours(value):
        return None if value is None else round(value, 1)

    for group in [*result.rows, result.total]:
        line = [group.county_name or str(_("total")), group.week, group.cases]
        for interval in rules.INTERVALS:
            stats = group.stats[interval.code]
            line += [stats.recorded, stats.missing + stats.inconsistent, hours(stats.median), hours(stats.p90)]
            line.append(stats.breaches)
        sheet.append(line)
    breaches = workbook.create_sheet(str(_("Breaches"))[:31])
    breaches.append(
        [
            str(_("case number")),
            str(_("county")),
            str(_("ISO week")),
            str(_("interval")),
            str(_("hours")),
            str(_("limit (h)")),
        ]
    )
    names = dict(Region.objects.filter(code__in={c.county for c in result.breaches}).values_list("code", "name"))
    labels = {i.code: str(i.label) for i in rules.INTERVALS}
    for case in result.breaches:
        for code in case.breaches:
            breaches.append(
                [
                    case.number,
                    names.get(case.county, case.county),
                    case.week,
                    labels[code],
                    hours(case.hours[code]),
                    case.limits[code],
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="four-earlies-{stamp}.xlsx"'
    return response
