"""The map component: layers from scoped querysets, capped, with region shapes that need no tiles."""

from django.template.loader import render_to_string

from safecity.core import maps
from safecity.geo.models import Region

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[113.0, 22.4], [113.1, 22.4], [113.1, 22.5], [113.0, 22.5], [113.0, 22.4]]],
}


def test_a_point_layer_builds_features_with_label_link_and_popup_lines(city):
    region = city["dazhe"]
    region.latitude, region.longitude = 22.45, 113.05
    region.save()
    layer = maps.point_layer(
        Region.objects.filter(pk=region.pk), name="镇", colour=maps.COLOURS["red"], details=lambda r: [r.code]
    )
    (feature,) = layer.features
    assert feature["geometry"] == {"type": "Point", "coordinates": [113.05, 22.45]}
    assert feature["properties"] == {"label": "大泽镇", "url": region.get_absolute_url(), "lines": [region.code]}
    assert (layer.shown, layer.total, layer.unplaced) == (1, 1, 0)


def test_rows_without_coordinates_are_counted_not_placed(city):
    layer = maps.point_layer(Region.objects.filter(pk=city["dazhe"].pk), name="x")
    assert layer.features == [] and layer.unplaced == 1
    ctx = maps.map_context([layer], empty_text="没有坐标")
    assert ctx["has_features"] is False and ctx["unplaced"] == 1
    html = render_to_string("includes/map.html", {"map": ctx})
    assert "没有坐标" in html and 'data-testid="map"' not in html


def test_a_layer_never_ships_more_than_the_cap_and_says_how_many_there_were(city):
    for code in ("440705101202", "440705101203", "440705101204", "440705101205"):
        Region.objects.create(code=code, name=code, latitude=22.4, longitude=113.0)
    layer = maps.point_layer(Region.objects.filter(latitude__isnull=False), name="村", limit=3)
    assert (layer.shown, layer.total) == (3, 4) and layer.truncated
    ctx = maps.map_context([layer])
    assert "3" in ctx["notes"][0] and "4" in ctx["notes"][0]


def test_region_shapes_render_without_a_tile_server(city, settings):
    settings.SAFECITY = {**settings.SAFECITY, "MAP_TILE_URL": ""}
    xinhui = city["xinhui"]
    xinhui.boundary = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    xinhui.save()
    layer = maps.region_layer(Region.objects.filter(pk__in=[xinhui.pk, city["taishan"].pk]), name="县界")
    assert [f["geometry"] for f in layer.features] == [SQUARE] and layer.unplaced == 1
    ctx = maps.map_context([layer])
    html = render_to_string("includes/map.html", {"map": ctx})
    assert 'data-tile-url=""' in html and "leaflet/leaflet.js" in html and "safecity/map.js" in html
    assert '"type": "Polygon"' in html


def test_the_tile_url_is_configuration(settings):
    settings.SAFECITY = {**settings.SAFECITY, "MAP_TILE_URL": "http://tiles.intranet/{z}/{x}/{y}.png"}
    assert maps.map_context([])["tile_url"] == "http://tiles.intranet/{z}/{x}/{y}.png"


def test_popup_text_is_data_not_markup(city):
    region = city["dazhe"]
    region.name, region.latitude, region.longitude = "<script>alert(1)</script>", 22.4, 113.0
    region.save()
    ctx = maps.map_context([maps.point_layer(Region.objects.filter(pk=region.pk), name="x")])
    html = render_to_string("includes/map.html", {"map": ctx})
    assert "<script>alert(1)</script>" not in html


def test_counties_in_scope_follow_the_users_scopes(city, xinhui_user, hq_user):
    from safecity.accounts.roles import Role
    from safecity.core.factories import make_user

    town_user = make_user("town", Role.TOWN_STAFF, city["dazhe"].code)
    assert set(maps.counties_in_scope(xinhui_user)) == {city["xinhui"]}
    assert set(maps.counties_in_scope(town_user)) == {city["xinhui"]}
    assert set(maps.counties_in_scope(hq_user)) == {city["xinhui"], city["taishan"]}


def test_the_layers_json_for_endpoints():
    layer = maps.Layer(name="空", colour=maps.COLOURS["grey"])
    assert maps.geojson([layer]) == {"layers": [layer.as_json()]}
    assert layer.as_json()["data"] == {"type": "FeatureCollection", "features": []}
