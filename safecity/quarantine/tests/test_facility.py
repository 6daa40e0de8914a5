"""Facilities and their staff: the shared scoped-model guarantees, readiness "ready to open at any time",
rooms added in one go, facility status changes with their reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.quarantine import rules, selectors, services
from safecity.quarantine.factories import make_facility
from safecity.quarantine.models import Bed, FacilityStaff, Room
from safecity.quarantine.views import FacilityStaffViews, FacilityViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestFacility(ScopedModelTests):
    views = FacilityViews
    api_url = "/api/quarantine-facilities/"

    def make(self, city, region_key):
        return make_facility(city[TOWN_OF[region_key]], rooms=1)

    def form_data(self, city, region_key):
        return {
            "name": "大泽镇集中隔离点",
            "kind": "purpose_built",
            "designed_capacity": "120",
            "region": city[TOWN_OF[region_key]].pk,
            "address": "大泽镇文华路8号",
            "latitude": "22.55",
            "longitude": "113.02",
            "manager": "陈经理",
            "manager_phone": "13922334455",
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口隔离酒店",
            "kind": "hotel",
            "region": city[TOWN_OF[region_key]].code,
            "designed_capacity": 60,
        }

    def import_table(self, city):
        headers = ["隔离场所名称", "类型", "区划代码", "地址", "设计床位", "负责人", "负责人电话"]
        rows = [
            ["会城某酒店", "hotel", "440705001000", "会城街道中心路1号", "80", "李四", "13800138001"],
            ["大泽镇隔离点", "purpose_built", "440705101000", "大泽镇", "200", "", ""],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][2] = "440781100000"  # Taishan: outside a Xinhui user's scope
        return headers, rows, 3, "区划代码"


class TestFacilityStaff(ScopedModelTests):
    views = FacilityStaffViews
    api_url = "/api/quarantine-staff/"

    def marker(self, obj):
        return obj.name

    def make(self, city, region_key):
        facility = make_facility(city[TOWN_OF[region_key]], rooms=0)
        return FacilityStaff.objects.create(facility=facility, name=f"医护{facility.pk}", role="medical")

    def form_data(self, city, region_key):
        facility = make_facility(city[TOWN_OF[region_key]], rooms=0)
        return {"facility": facility.pk, "name": "王医生", "role": "medical", "phone": "13811112222"}

    def api_data(self, city, region_key):
        facility = make_facility(city[TOWN_OF[region_key]], rooms=0)
        return {"facility": facility.pk, "name": "保安甲", "role": "security", "trained_on": "2026-05-01"}


def test_staff_phones_are_masked_in_the_list_the_api_and_the_facility_page(xinhui_client, city):
    facility = make_facility(city["dazhe"], rooms=0)
    FacilityStaff.objects.create(facility=facility, name="联络员", role="liaison", phone="13912345678")
    for url in ("/quarantine/facility-staff/", "/api/quarantine-staff/", facility.get_absolute_url()):
        body = xinhui_client.get(url).content.decode()
        assert "13912345678" not in body, url
        assert "139****5678" in body, url


def _all_ok(actor, facility, on):
    services.readiness_record(
        actor=actor, facility=facility, results=dict.fromkeys(rules.READINESS_CODES, (True, "")), on=on
    )


def test_a_facility_is_ready_to_open_only_when_every_item_was_last_checked_ok_within_the_limit(xinhui_user, city):
    facility = make_facility(city["dazhe"])
    today = timezone.localdate()
    assert not selectors.readiness_of(facility, today=today).ready_to_open  # never checked
    _all_ok(xinhui_user, facility, today - timedelta(days=2))
    assert selectors.readiness_of(facility, today=today).ready_to_open
    # One item failing in a later round makes it not ready; fixing it makes it ready again.
    services.readiness_record(
        actor=xinhui_user, facility=facility, results={"ventilation": (False, "3楼新风机故障")}, on=today
    )
    state = selectors.readiness_of(facility, today=today)
    assert not state.ready_to_open
    assert [i.code for i in state.problems] == ["ventilation"]
    services.readiness_record(actor=xinhui_user, facility=facility, results={"ventilation": (True, "")}, on=today)
    assert selectors.readiness_of(facility, today=today).ready_to_open
    # The same checks, read N + 1 days after the oldest: stale, not ready.
    later = today - timedelta(days=2) + timedelta(days=rules.READINESS_MAX_AGE_DAYS + 1)
    stale = selectors.readiness_of(facility, today=later)
    assert not stale.ready_to_open
    assert {i.state for i in stale.problems} == {"stale"}
    exactly = today - timedelta(days=2) + timedelta(days=rules.READINESS_MAX_AGE_DAYS)
    assert selectors.readiness_of(facility, today=exactly).ready_to_open
    assert selectors.ready_to_open_ids([facility.pk], today=exactly) == {facility.pk}
    assert selectors.ready_to_open_ids([facility.pk], today=later) == set()


def test_an_item_not_ok_needs_a_note_and_nothing_is_recorded_without_one(xinhui_user, city):
    facility = make_facility(city["dazhe"])
    with pytest.raises(ValidationError):
        services.readiness_record(
            actor=xinhui_user, facility=facility, results={"zones": (True, ""), "cctv_alarms": (False, " ")}
        )
    assert facility.readiness_checks.count() == 0


def test_readiness_page_records_a_round_and_the_facility_page_shows_it(xinhui_client, city):
    facility = make_facility(city["dazhe"])
    data = {"checked_on": timezone.localdate().isoformat()}
    for code in rules.READINESS_CODES:
        data[code] = "ok"
    data["medical_waste"], data["medical_waste_note"] = "not_ok", "医废暂存间未上锁"
    response = xinhui_client.post(f"/quarantine/facilities/{facility.pk}/readiness/", data)
    assert response.status_code == 302
    page = xinhui_client.get(facility.get_absolute_url())
    assert page.context["readiness"].ready_to_open is False
    assert "医废暂存间未上锁" in page.content.decode()
    missing_note = {**data, "medical_waste_note": ""}
    assert xinhui_client.post(f"/quarantine/facilities/{facility.pk}/readiness/", missing_note).status_code == 400


def test_rooms_are_added_in_one_go_with_their_beds_and_existing_numbers_are_refused(xinhui_client, xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=0)
    rooms = services.rooms_add(
        actor=xinhui_user, facility=facility, floor=3, first_number=301, last_number=305, beds_per_room=2
    )
    assert [r.number for r in rooms] == ["301", "302", "303", "304", "305"]
    assert Bed.objects.filter(room__facility=facility, status="ready").count() == 10
    with pytest.raises(ValidationError) as refused:
        services.rooms_add(actor=xinhui_user, facility=facility, floor=3, first_number=305, last_number=306)
    assert "305" in str(refused.value)
    assert Room.objects.filter(facility=facility).count() == 5
    response = xinhui_client.post(
        f"/quarantine/facilities/{facility.pk}/rooms/",
        {"floor": "4", "first_number": "401", "last_number": "402", "room_type": "family", "beds_per_room": "3"},
    )
    assert response.status_code == 302
    assert Bed.objects.filter(room__facility=facility).count() == 16


def test_suspending_needs_a_reason_and_is_in_the_history(xinhui_user, city):
    facility = make_facility(city["dazhe"])
    with pytest.raises(ValidationError):
        services.facility_set_status(actor=xinhui_user, facility=facility, status="suspended")
    services.facility_set_status(actor=xinhui_user, facility=facility, status="suspended", reason="消防整改")
    facility.refresh_from_db()
    assert (facility.status, facility.status_reason) == ("suspended", "消防整改")
    assert facility.history.first().history_user == xinhui_user


def test_another_countys_facility_pages_are_404(xinhui_client, city):
    theirs = make_facility(city["dajiang"])
    bed = Bed.objects.filter(room__facility=theirs).first()
    for url in (
        f"/quarantine/facilities/{theirs.pk}/check-in/",
        f"/quarantine/facilities/{theirs.pk}/rooms/",
        f"/quarantine/facilities/{theirs.pk}/readiness/",
    ):
        assert xinhui_client.get(url).status_code == 404, url
    assert (
        xinhui_client.post(f"/quarantine/facilities/{theirs.pk}/beds/{bed.pk}/", {"status": "cleaning"}).status_code
        == 404
    )
    bed.refresh_from_db()
    assert bed.status == "ready"
