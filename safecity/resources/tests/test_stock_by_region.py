"""Stock by region: each part of the user's area × item, usable stock (expired not counted) against the
region's reserve standard and the shortfall; county → town → village drill-down; XLSX export; scoped."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory

URL = "/resources/stock/"
TODAY = timezone.localdate()


@pytest.fixture
def stock(city, admin_user_sc):
    jackets = ItemFactory(name="救生衣", unit="件")

    def receive(region, quantity, expired=False, name=None):
        depot = DepotFactory(region=region, name=name or f"{region.name}储备点")
        expiry = TODAY - timedelta(days=1) if expired else TODAY + timedelta(days=365)
        services.receive(actor=admin_user_sc, depot=depot, item=jackets, quantity=quantity, expiry_date=expiry)
        return depot

    dazhe = receive(city["dazhe"], 60)
    services.receive(
        actor=admin_user_sc, depot=dazhe, item=jackets, quantity=10, lot_number="OLD", expiry_date=TODAY - timedelta(1)
    )
    receive(city["huicheng"], 30)
    receive(city["xinhui"], 5, name="新会区本级储备库")
    receive(city["village"], 7)
    receive(city["dajiang"], 99)
    ReserveStandardFactory(item=jackets, region=city["xinhui"], minimum=200)
    ReserveStandardFactory(item=jackets, region=city["dazhe"], minimum=50)
    ReserveStandardFactory(item=jackets, region=city["taishan"], minimum=50)
    return jackets


def figures(cells):
    return {
        (c.region.name + ("*" if c.own else ""), c.item.name): (c.usable, c.expired, c.minimum, c.shortfall)
        for c in cells
    }


def test_the_city_sees_each_county_against_its_standard_and_expired_stock_does_not_count(hq_client, stock):
    positions = hq_client.get(URL).context["positions"]
    assert positions.parent.name == "江门市"
    assert figures(positions.rows) == {
        ("新会区", "救生衣"): (102, 10, 200, 98),  # 60 + 30 + 5 + 7 usable; 10 expired
        ("台山市", "救生衣"): (99, 0, 50, 0),
    }
    assert figures(positions.totals) == {("江门市", "救生衣"): (201, 10, None, None)}


def test_a_county_sees_its_towns_and_its_own_depots_with_the_county_standard_on_the_whole(xinhui_client, stock):
    response = xinhui_client.get(URL)
    positions = response.context["positions"]
    assert figures(positions.rows) == {
        ("新会区*", "救生衣"): (5, 0, None, None),  # the county's own depot: no standard of its own
        ("会城街道", "救生衣"): (30, 0, None, None),
        ("大泽镇", "救生衣"): (67, 10, 50, 0),  # the village's 7 count for the town
    }
    assert figures(positions.totals) == {("新会区", "救生衣"): (102, 10, 200, 98)}
    page = response.content.decode()
    assert "台山" not in page
    assert "?region=440705101000" in page  # the town drills down


def test_a_town_drills_down_to_its_villages_and_another_countys_region_is_404(xinhui_client, city, stock):
    positions = xinhui_client.get(URL, {"region": city["dazhe"].code}).context["positions"]
    assert figures(positions.rows) == {
        ("大泽镇*", "救生衣"): (60, 10, None, None),
        ("五和村", "救生衣"): (7, 0, None, None),
    }
    assert figures(positions.totals) == {("大泽镇", "救生衣"): (67, 10, 50, 0)}
    assert [r.name for r in positions.trail] == ["新会区", "大泽镇"]
    assert xinhui_client.get(URL, {"region": city["taishan"].code}).status_code == 404
    assert xinhui_client.get(URL, {"region": city["city"].code}).status_code == 404


def test_the_xlsx_export_has_the_whole_and_each_part_in_scope(xinhui_client, stock):
    response = xinhui_client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:5] == ["区划", "物资", "计量单位", "可用", "已过期"] and len(header) == 8
    figures_by_row = [(row[1], row[3:7]) for row in body]
    assert figures_by_row == [
        ("救生衣", [102, 10, 200, 98]),  # the county as a whole
        ("救生衣", [5, 0, None, None]),  # its own depot
        ("救生衣", [30, 0, None, None]),  # 会城街道
        ("救生衣", [67, 10, 50, 0]),  # 大泽镇
    ]
    assert body[3][0] == "大泽镇" and body[3][7] == "五和村储备点、大泽镇储备点"
    assert not any("台山" in str(cell) for row in body for cell in row)


def test_the_page_costs_the_same_queries_with_more_depots_and_lots(xinhui_client, admin_user_sc, city, stock):
    with CaptureQueriesContext(connection) as few:
        xinhui_client.get(URL)
    for n in range(6):
        depot = DepotFactory(region=city["huicheng"], name=f"会城储备点{n}")
        services.receive(actor=admin_user_sc, depot=depot, item=ItemFactory(name=f"物资{n}"), quantity=n + 1)
    with CaptureQueriesContext(connection) as many:
        xinhui_client.get(URL)
    assert len(many) == len(few)
