"""Walking a checklist: findings become hazards; the default checklists ship as data."""

from django.urls import reverse

from safecity.hazards.checklists import DEFAULT_CHECKLISTS, load_default_checklists
from safecity.hazards.factories import InspectionTargetFactory
from safecity.hazards.models import Checklist, Hazard


def test_default_checklists_exist_for_three_in_one_construction_and_ferries(db):
    assert {"three_in_one", "construction_site", "ferry_crossing"} <= set(
        Checklist.objects.values_list("category", flat=True)
    )
    three = Checklist.objects.get(category="three_in_one")
    assert "GA 703" in three.standard
    assert any("2.00h" in i.hazard_when for i in three.items.all())
    assert three.items.count() == len(DEFAULT_CHECKLISTS["three_in_one"][2])
    assert load_default_checklists() == 0  # idempotent: never duplicates or overwrites


def test_an_inspector_walks_the_checklist_and_hazards_are_created(xinhui_client, xinhui_user, city):
    target = InspectionTargetFactory(region=city["dazhe"], category="three_in_one")
    items = list(Checklist.objects.get(category="three_in_one").items.all())
    url = reverse("hazards:inspectiontarget_inspect", args=[target.pk])
    assert xinhui_client.get(url).status_code == 200
    data = {f"item-{i.pk}": "pass" for i in items}
    data[f"item-{items[0].pk}"] = "hazard"
    data[f"note-{items[0].pk}"] = "一楼仓库内设员工宿舍"
    data[f"item-{items[4].pk}"] = "hazard"
    data[f"item-{items[5].pk}"] = "na"
    data.update(inspected_at="2026-04-01T10:00", latitude="22.512345", longitude="113.012345")
    response = xinhui_client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.last_inspected_at is not None
    inspection = target.inspections.get()
    assert inspection.inspector == xinhui_user and str(inspection.latitude) == "22.512345"
    hazards = Hazard.objects.filter(inspection=inspection).order_by("pk")
    assert [h.title for h in hazards] == ["一楼仓库内设员工宿舍", items[4].hazard_when]
    assert [h.level for h in hazards] == ["major", "ordinary"]  # item 1 is a major-hazard clause
    assert all(h.found_by == xinhui_user and h.status == "found" for h in hazards)


def test_an_unanswered_item_is_refused_and_nothing_is_stored(xinhui_client, city):
    target = InspectionTargetFactory(region=city["dazhe"], category="ferry_crossing")
    items = list(Checklist.objects.get(category="ferry_crossing").items.all())
    data = {f"item-{i.pk}": "pass" for i in items[1:]}
    data["inspected_at"] = "2026-04-01T10:00"
    response = xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    assert response.status_code == 400
    assert "1" in response.context["form"].non_field_errors()[0]
    assert not target.inspections.exists()


def test_another_countys_target_cannot_be_inspected(xinhui_client, city):
    target = InspectionTargetFactory(region=city["dajiang"])
    assert xinhui_client.get(reverse("hazards:inspectiontarget_inspect", args=[target.pk])).status_code == 404
