"""An inspector on a phone walks a three-in-one premises' checklist, records a hazard with a photo, and
the county user sees it in the rectification list."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.hazards.checklists import load_default_checklists
from safecity.hazards.factories import InspectionTargetFactory
from safecity.hazards.models import Checklist, Hazard

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_an_inspector_records_a_hazard_with_a_photo_and_the_county_sees_it(
    new_page, log_in, live_server, transactional_db, city, xinhui_user, tmp_path
):
    load_default_checklists()  # the data migration's rows do not survive other transactional tests
    make_user("inspector-dazhe", Role.TOWN_STAFF, city["dazhe"].code, full_name="巡查员")
    target = InspectionTargetFactory(name="大泽镇某五金加工作坊", region=city["dazhe"], category="three_in_one")
    items = list(Checklist.objects.get(category="three_in_one").items.all())
    photo = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    phone = new_page(viewport=PHONE)
    log_in(phone, "inspector-dazhe")
    phone.goto(target.get_absolute_url())
    phone.locator("[data-testid=inspect-button]").click()
    expect(phone.locator("[data-testid=checklist-item]")).to_have_count(len(items))
    for item in items:
        phone.locator(f"label[for=item-{item.pk}-pass]").click()
    hazard_item = items[6]  # the doors in the separating wall
    phone.locator(f"label[for=item-{hazard_item.pk}-hazard]").click()
    phone.locator(f"[name=note-{hazard_item.pk}]").fill("分隔墙上的门为普通木门")
    phone.locator(f"#photo-{hazard_item.pk}").set_input_files(str(photo))
    phone.locator("[data-testid=save-button]").click()
    expect(phone).to_have_url(f"{live_server.url}{target.get_absolute_url()}")

    hazard = Hazard.objects.get(target=target)
    assert hazard.title == "分隔墙上的门为普通木门" and hazard.photos.count() == 1

    desk = new_page()
    log_in(desk, xinhui_user.username)
    desk.goto("/hazards/hazards/?status=found")
    expect(desk.get_by_role("link", name="分隔墙上的门为普通木门")).to_be_visible()
    desk.get_by_role("link", name="分隔墙上的门为普通木门").click()
    expect(desk.locator("[data-testid=hazard-photos] img")).to_have_count(1)
    expect(desk.locator("[data-testid=close-refusal]")).to_be_visible()


def test_the_targets_map_draws_points_and_boundaries_without_a_tile_server(
    new_page, log_in, transactional_db, city, xinhui_user
):
    xinhui = city["xinhui"]
    xinhui.boundary = {
        "type": "Polygon",
        "coordinates": [[[112.9, 22.3], [113.2, 22.3], [113.2, 22.6], [112.9, 22.6], [112.9, 22.3]]],
    }
    xinhui.save()
    InspectionTargetFactory(name="红色场所", region=city["dazhe"], risk_grade="major", latitude=22.45, longitude=113.0)
    InspectionTargetFactory(name="蓝色场所", region=city["dazhe"], risk_grade="low", latitude=22.5, longitude=113.1)
    InspectionTargetFactory(name="台山场所", region=city["dajiang"], latitude=22.25, longitude=112.79)
    page = new_page()
    log_in(page, xinhui_user.username)
    page.goto("/hazards/inspectiontargets/")
    page.locator("[data-testid=map-tab]").click()
    expect(page.locator("[data-testid=map] .leaflet-control-layers")).to_be_attached()
    counts = page.evaluate(
        """() => {
          const map = document.querySelector("[data-testid=map]").scMap;
          let points = 0, shapes = 0, tiles = 0;
          map.eachLayer(l => { if (l instanceof L.CircleMarker) points++; else if (l instanceof L.Polygon) shapes++;
                               else if (l instanceof L.TileLayer) tiles++; });
          return {points, shapes, tiles};
        }"""
    )
    assert counts == {"points": 2, "shapes": 1, "tiles": 0}
    # Switching a layer off removes its points.
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="红").locator("input").uncheck()
    remaining = page.evaluate(
        """() => { let n = 0; document.querySelector("[data-testid=map]").scMap.eachLayer(
                   l => { if (l instanceof L.CircleMarker) n++; }); return n; }"""
    )
    assert remaining == 1


def test_an_inspection_survives_a_dropped_connection_and_is_recorded_once(
    new_page, log_in, live_server, transactional_db, city
):
    load_default_checklists()
    make_user("inspector-offline", Role.TOWN_STAFF, city["dazhe"].code, full_name="巡查员")
    target = InspectionTargetFactory(name="大泽镇渡口", region=city["dazhe"], category="ferry_crossing")
    items = list(Checklist.objects.get(category="ferry_crossing").items.all())
    phone = new_page(viewport=PHONE)
    log_in(phone, "inspector-offline")
    phone.goto(f"/hazards/inspectiontargets/{target.pk}/inspect/")
    for item in items:
        phone.locator(f"label[for=item-{item.pk}-pass]").click()
    phone.locator(f"label[for=item-{items[0].pk}-hazard]").click()
    phone.locator(f"[name=note-{items[0].pk}]").fill("渡船无救生衣")

    # The draft survives closing the page.
    phone.reload()
    expect(phone.locator(f"#item-{items[0].pk}-hazard")).to_be_checked()
    expect(phone.locator(f"[name=note-{items[0].pk}]")).to_have_value("渡船无救生衣")

    phone.context.set_offline(True)
    phone.locator("[data-testid=save-button]").click()
    expect(phone.locator("[data-testid=offline-banner]")).to_be_visible()
    expect(phone.locator(f"[name=note-{items[0].pk}]")).to_have_value("渡船无救生衣")
    assert not Hazard.objects.exists()

    phone.context.set_offline(False)  # back online: the page sends by itself
    expect(phone).to_have_url(f"{live_server.url}{target.get_absolute_url()}", timeout=20_000)
    assert Hazard.objects.filter(target=target, title="渡船无救生衣").count() == 1
    assert target.inspections.count() == 1
    # The draft is gone: a new form starts empty.
    phone.goto(f"/hazards/inspectiontargets/{target.pk}/inspect/")
    expect(phone.locator(f"#item-{items[0].pk}-hazard")).not_to_be_checked()
