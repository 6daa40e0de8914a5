"""The map of inspection targets: scoped, filtered like the list, capped per layer."""

from django.urls import reverse

from safecity.core import maps
from safecity.hazards.factories import InspectionTargetFactory


def _labels(data, layer_name=None):
    return {
        f["properties"]["label"]
        for layer in data["layers"]
        if layer["kind"] == "points" and (layer_name is None or layer["name"] == layer_name)
        for f in layer["data"]["features"]
    }


def test_a_county_users_map_holds_only_its_countys_targets(xinhui_client, city):
    InspectionTargetFactory(region=city["dazhe"], name="新会工地", latitude=22.45, longitude=113.02)
    InspectionTargetFactory(region=city["dajiang"], name="台山渡口", latitude=22.25, longitude=112.79)
    data = xinhui_client.get(reverse("hazards:inspectiontarget_map"), {"_format": "json"}).json()
    assert _labels(data) == {"新会工地"}
    page = xinhui_client.get(reverse("hazards:inspectiontarget_map"))
    assert page.status_code == 200 and 'data-testid="map"' in page.content.decode()
    assert "台山渡口" not in page.content.decode()


def test_the_lists_filters_apply_and_points_are_coloured_by_risk_grade(hq_client, city):
    InspectionTargetFactory(region=city["dazhe"], name="红", risk_grade="major", latitude=22.4, longitude=113.0)
    InspectionTargetFactory(region=city["dazhe"], name="蓝", risk_grade="low", latitude=22.41, longitude=113.0)
    InspectionTargetFactory(
        region=city["dazhe"],
        name="工地",
        category="construction_site",
        risk_grade="major",
        latitude=22.4,
        longitude=113,
    )
    url = reverse("hazards:inspectiontarget_map")
    data = hq_client.get(url, {"_format": "json", "category": "three_in_one"}).json()
    assert _labels(data) == {"红", "蓝"}
    colours = {layer["name"]: layer["colour"] for layer in data["layers"]}
    red = next(layer for layer in data["layers"] if layer["colour"] == maps.COLOURS["red"])
    assert {f["properties"]["label"] for f in red["data"]["features"]} == {"红"}
    assert maps.COLOURS["blue"] in colours.values()
    only_major = hq_client.get(url, {"_format": "json", "risk_grade": "major", "region": city["dazhe"].pk}).json()
    assert _labels(only_major) == {"红", "工地"}


def test_each_layer_is_capped_and_the_page_says_how_many_are_shown(hq_client, city, monkeypatch):
    monkeypatch.setattr(maps, "MAX_POINTS", 3)
    for n in range(5):
        InspectionTargetFactory(region=city["dazhe"], risk_grade="high", latitude=22.4 + n / 100, longitude=113.0)
    url = reverse("hazards:inspectiontarget_map")
    data = hq_client.get(url, {"_format": "json"}).json()
    high = next(layer for layer in data["layers"] if layer["colour"] == maps.COLOURS["orange"])
    assert (high["shown"], high["total"]) == (3, 5) and len(high["data"]["features"]) == 3
    page = hq_client.get(url)
    assert page.context["map"]["notes"] and "5" in page.context["map"]["notes"][0]


def test_targets_without_coordinates_give_the_empty_state(xinhui_client, city):
    InspectionTargetFactory(region=city["dazhe"])
    page = xinhui_client.get(reverse("hazards:inspectiontarget_map"))
    text = page.content.decode()
    assert 'data-testid="map-empty"' in text and 'data-testid="map"' not in text
    assert page.context["map"]["unplaced"] == 1


def test_the_list_links_to_the_map_with_the_same_filter(xinhui_client):
    page = xinhui_client.get(reverse("hazards:inspectiontarget_list"), {"category": "three_in_one"})
    assert reverse("hazards:inspectiontarget_map") + "?category=three_in_one" in page.content.decode()
