"""Hazard statistics: by county and category, rectification and on-time rates, overdue list, XLSX."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safecity.hazards.choices import HazardStatus
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.statistics import hazard_statistics, period

CST = ZoneInfo("Asia/Shanghai")


def test_quarters_and_years():
    assert period(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period(2026, None) == (date(2026, 1, 1), date(2026, 12, 31))


def _hazard(region, category, **fields):
    target = InspectionTargetFactory(region=region, category=category)
    return HazardFactory(target=target, found_at=datetime(2026, 2, 10, 9, tzinfo=CST), **fields)


def test_rates_and_overdue(city, xinhui_user):
    from safecity.hazards.models import Hazard

    _hazard(
        city["dazhe"],
        "three_in_one",
        status=HazardStatus.CLOSED,
        reinspected_by=xinhui_user,
        deadline=date(2026, 2, 20),
        closed_at=datetime(2026, 2, 18, tzinfo=CST),
    )
    _hazard(
        city["dazhe"],
        "three_in_one",
        status=HazardStatus.CLOSED,
        reinspected_by=xinhui_user,
        deadline=date(2026, 2, 20),
        closed_at=datetime(2026, 3, 1, tzinfo=CST),
    )
    late = _hazard(
        city["dajiang"], "ferry_crossing", status=HazardStatus.ASSIGNED, deadline=date(2026, 3, 1), level="major"
    )
    _hazard(city["dajiang"], "ferry_crossing")
    HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]), found_at=timezone.now().replace(year=2025))
    stats = hazard_statistics(Hazard.objects.all(), year=2026, quarter=1, today=date(2026, 3, 10))
    assert stats.total.total == 4 and stats.total.closed == 2 and stats.total.major == 1
    assert stats.total.rectification_rate == 50 and stats.total.on_time_rate == 50
    assert [h.pk for h in stats.overdue] == [late.pk]
    by_county = {r.key: (r.total, r.closed, r.overdue) for r in stats.by_county}
    assert by_county == {"440705000000": (2, 2, 0), "440781000000": (2, 0, 1)}
    assert {r.key: r.total for r in stats.by_category} == {"three_in_one": 2, "ferry_crossing": 2}


def test_the_page_is_scoped_and_exports_xlsx(xinhui_client, city):
    _hazard(city["dazhe"], "three_in_one", title="新会的隐患")
    _hazard(city["dajiang"], "ferry_crossing", title="台山的隐患")
    url = reverse("hazards:statistics")
    page = xinhui_client.get(url, {"year": 2026, "quarter": 1})
    assert page.status_code == 200 and page.context["stats"].total.total == 1
    export = xinhui_client.get(url, {"year": 2026, "quarter": 1, "_export": "xlsx"})
    workbook = load_workbook(io.BytesIO(export.content))
    assert len(workbook.sheetnames) == 3
    assert xinhui_client.get(url, {"year": "abc"}).status_code == 200
