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
