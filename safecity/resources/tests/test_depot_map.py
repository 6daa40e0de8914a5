"""The depot map: scoped, filtered like the depots list, each depot coloured by its state (its region short
of the reserve standard, expired stock, stocked, empty) with its stock in the popup."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.core import maps
from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory

URL = "/resources/depots/map/"
TODAY = timezone.localdate()


def points(data):
    """{label: (colour, popup lines)} of every depot on the map."""
    return {
        f["properties"]["label"]: (layer["colour"], f["properties"]["lines"])
        for layer in data["layers"]
        if layer["kind"] == "points"
        for f in layer["data"]["features"]
    }


def depot(region, name, **fields):
    return DepotFactory(region=region, name=name, latitude=22.4, longitude=113.0, **fields)


def test_depots_are_coloured_by_state_with_their_stock_in_the_popup(xinhui_client, admin_user_sc, city):
    jackets = ItemFactory(name="救生衣", unit="件")
    short = depot(city["dazhe"], "大泽镇储备点")
    services.receive(actor=admin_user_sc, depot=short, item=jackets, quantity=30)
    ReserveStandardFactory(item=jackets, region=city["dazhe"], minimum=50)  # 30 < 50: the town is short
    old = depot(city["huicheng"], "会城储备库")
    services.receive(actor=admin_user_sc, depot=old, item=jackets, quantity=8, expiry_date=TODAY - timedelta(days=3))
    services.receive(actor=admin_user_sc, depot=old, item=jackets, quantity=20, lot_number="N")
    fine = depot(city["xinhui"], "新会区本级储备库")
    services.receive(actor=admin_user_sc, depot=fine, item=jackets, quantity=500)
    depot(city["village"], "五和村储备点")  # empty
    DepotFactory(region=city["village"], name="没有坐标的储备点")  # not on the map, counted

    data = xinhui_client.get(URL, {"_format": "json"}).json()
    shown = points(data)
    assert {name: colour for name, (colour, _lines) in shown.items()} == {
        "大泽镇储备点": maps.COLOURS["red"],
        "会城储备库": maps.COLOURS["orange"],
        "新会区本级储备库": maps.COLOURS["green"],
        "五和村储备点": maps.COLOURS["grey"],
    }
    assert "救生衣 30 件" in shown["大泽镇储备点"][1]
    assert any(line.startswith("救生衣 20 件") for line in shown["会城储备库"][1])
    assert sum(layer["unplaced"] for layer in data["layers"] if layer["kind"] == "points") == 1
    page = xinhui_client.get(URL)
    assert page.status_code == 200 and 'data-testid="map"' in page.content.decode()
    assert page.context["map"]["unplaced"] == 1


def test_a_county_user_sees_only_its_countys_depots_and_the_list_filters_apply(xinhui_client, city):
    depot(city["dazhe"], "大泽镇储备点", kind="government")
    depot(city["huicheng"], "会城企业储备点", kind="enterprise")
    depot(city["dajiang"], "台山储备库")
    assert set(points(xinhui_client.get(URL, {"_format": "json"}).json())) == {"大泽镇储备点", "会城企业储备点"}
    filtered = xinhui_client.get(URL, {"_format": "json", "kind": "enterprise"}).json()
    assert set(points(filtered)) == {"会城企业储备点"}
    by_region = xinhui_client.get(URL, {"_format": "json", "region": city["dazhe"].pk}).json()
    assert set(points(by_region)) == {"大泽镇储备点"}
    assert "台山储备库" not in xinhui_client.get(URL).content.decode()


def test_the_map_costs_the_same_queries_with_more_depots(xinhui_client, admin_user_sc, city):
    jackets = ItemFactory(name="救生衣", unit="件")
    ReserveStandardFactory(item=jackets, region=city["dazhe"], minimum=50)
    depot(city["dazhe"], "储备点0")
    with CaptureQueriesContext(connection) as few:
        xinhui_client.get(URL, {"_format": "json"})
    for n in range(1, 8):
        services.receive(actor=admin_user_sc, depot=depot(city["dazhe"], f"储备点{n}"), item=jackets, quantity=n)
    with CaptureQueriesContext(connection) as many:
        xinhui_client.get(URL, {"_format": "json"})
    assert len(many) == len(few)
