"""Check-in and check-out: a full facility refuses with a clear message, nobody is checked in twice, a bed
is never given twice, the bed goes occupied → cleaning → ready, and pages and API do the same through
the services. Names and identity numbers of occupants are masked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.quarantine import selectors, services
from safecity.quarantine.factories import make_facility, make_person
from safecity.quarantine.models import Bed, Stay
from safecity.quarantine.views import StayViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


def beds_of(facility):
    return Bed.objects.filter(room__facility=facility)


class TestStay(ScopedModelTests):
    views = StayViews
    api_url = "/api/quarantine-stays/"
    edit_change = ("note", "改过的备注")

    def make(self, city, region_key):
        region = city[TOWN_OF[region_key]]
        facility = make_facility(region, rooms=1)
        person = make_person(region)
        return Stay.objects.create(
            person=person, facility=facility, bed=beds_of(facility).get(), checked_in_at=timezone.now()
        )

    def marker(self, obj):
        return f"{obj.bed.room.number}-{obj.bed.label}"

    def form_data(self, city, region_key):
        region = city[TOWN_OF[region_key]]
        facility = make_facility(region, rooms=1)
        person = make_person(city["dazhe"])
        return {
            "facility": facility.pk,
            "person": person.pk,
            "reason": "close_contact",
            "planned_check_out": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "note": "",
        }

    def api_data(self, city, region_key):
        data = self.form_data(city, region_key)
        return {k: v for k, v in data.items() if k != "note"}

    def test_xlsx_export_contains_only_records_in_scope(self, actor_client, city):
        # Room numbers repeat across the two facilities; tell the rows apart by facility instead.
        mine, theirs = self.make(city, "xinhui"), self.make(city, "taishan")
        import io

        from openpyxl import load_workbook

        response = actor_client.get(self.url("list"), {"_export": "xlsx"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
        assert mine.facility.name in text
        assert theirs.facility.name not in text
        assert mine.person.id_number not in text and mine.person.name not in text


def test_check_in_takes_the_first_ready_bed_marks_it_occupied_and_check_out_sends_it_to_cleaning(xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=2)
    first, second = beds_of(facility).order_by("room__number")
    services.bed_set_status(actor=xinhui_user, bed=first, status="out_of_service", reason="漏水")
    person = make_person(city["dazhe"])
    stay = services.check_in(actor=xinhui_user, person=person, facility=facility)
    assert stay.bed == second
    second.refresh_from_db()
    assert second.status == "occupied"
    facility.refresh_from_db()
    assert facility.status == "in_use"
    services.check_out(actor=xinhui_user, stay=stay)
    second.refresh_from_db()
    assert second.status == "cleaning"
    services.bed_cleaned(actor=xinhui_user, bed=second)
    second.refresh_from_db()
    assert second.status == "ready"
    assert [h.status for h in second.history.order_by("history_date", "history_id")] == [
        "ready",
        "occupied",
        "cleaning",
        "ready",
    ]


def test_a_check_in_to_a_full_facility_is_refused_with_the_reason_and_writes_nothing(xinhui_user, city):
    facility = make_facility(city["dazhe"], name="大泽镇隔离酒店", rooms=1)
    services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    late = make_person(city["dazhe"])
    with pytest.raises(ValidationError) as refused:
        services.check_in(actor=xinhui_user, person=late, facility=facility)
    message = " ".join(refused.value.messages)
    assert "大泽镇隔离酒店" in message and "1" in message
    assert Stay.objects.filter(person=late).count() == 0
    assert Stay.objects.count() == 1


def test_a_person_already_checked_in_is_refused_naming_where_they_are(xinhui_user, city):
    one = make_facility(city["dazhe"], name="甲隔离点", rooms=2)
    two = make_facility(city["huicheng"], name="乙隔离点", rooms=2)
    person = make_person(city["dazhe"], "张三")
    services.check_in(actor=xinhui_user, person=person, facility=one)
    with pytest.raises(ValidationError) as refused:
        services.check_in(actor=xinhui_user, person=person, facility=two)
    assert "甲隔离点" in " ".join(refused.value.messages)
    assert beds_of(two).filter(status="occupied").count() == 0


def test_a_suspended_facility_takes_nobody(xinhui_user, city):
    facility = make_facility(city["dazhe"])
    services.facility_set_status(actor=xinhui_user, facility=facility, status="suspended", reason="消杀")
    with pytest.raises(ValidationError):
        services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    assert Stay.objects.count() == 0


def test_a_named_bed_must_be_a_ready_bed_of_that_facility(xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=2)
    other = make_facility(city["dazhe"], rooms=1)
    first = beds_of(facility).order_by("room__number").first()
    services.bed_set_status(actor=xinhui_user, bed=first, status="cleaning")
    with pytest.raises(ValidationError):
        services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility, bed=first)
    with pytest.raises(ValidationError):
        services.check_in(
            actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility, bed=beds_of(other).get()
        )
    assert Stay.objects.count() == 0


def test_the_database_refuses_a_second_open_stay_on_the_same_bed(xinhui_user, city):
    """The last line of defence if two check-ins raced past the service: a partial unique constraint."""
    from django.db import IntegrityError, transaction

    facility = make_facility(city["dazhe"], rooms=1)
    bed = beds_of(facility).get()
    Stay.objects.create(person=make_person(city["dazhe"]), facility=facility, bed=bed, checked_in_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(person=make_person(city["dazhe"]), facility=facility, bed=bed, checked_in_at=timezone.now())


def test_occupied_is_reached_only_by_check_in_and_left_only_by_check_out(xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=2)
    free, taken = beds_of(facility).order_by("room__number")
    with pytest.raises(ValidationError):
        services.bed_set_status(actor=xinhui_user, bed=free, status="occupied")
    stay = services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility, bed=taken)
    taken.refresh_from_db()
    with pytest.raises(ValidationError):
        services.bed_set_status(actor=xinhui_user, bed=taken, status="ready")
    with pytest.raises(ValidationError):
        services.bed_set_status(actor=xinhui_user, bed=free, status="out_of_service")  # no reason
    assert stay.is_open


def test_cancelling_an_open_stay_recorded_in_error_frees_the_bed(xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=1)
    stay = services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    services.stay_cancel(actor=xinhui_user, stay=stay, reason="录入错误")
    bed = beds_of(facility).get()
    assert bed.status == "cleaning"
    assert selectors.open_stays(Stay.objects.all()).count() == 0


def test_planned_check_out_comes_from_the_management_plans_facility_quarantine_step(xinhui_user, city):
    from safecity.epidemic.models import Disease, Protocol
    from safecity.followup.models import ManagementPlan, PlanStep

    person = make_person(city["dazhe"])
    disease = Disease.objects.create(code="q-test", name="测试病")
    protocol = Protocol.objects.create(disease=disease, version="v1", title="方案", effective_from="2020-01-01")
    today = timezone.localdate()
    plan = ManagementPlan.objects.create(
        person=person,
        person_class="close",
        protocol=protocol,
        start_date=today,
        end_date=today + timedelta(days=9),
    )
    PlanStep.objects.create(
        plan=plan, step=1, measure="facility_quarantine", start_date=today, end_date=today + timedelta(days=6)
    )
    PlanStep.objects.create(
        plan=plan,
        step=2,
        measure="home_monitoring",
        start_date=today + timedelta(days=7),
        end_date=today + timedelta(days=9),
    )
    facility = make_facility(city["dazhe"])
    stay = services.check_in(actor=xinhui_user, person=person, facility=facility, plan=plan)
    assert stay.plan == plan
    assert stay.planned_check_out == today + timedelta(days=6)
    with pytest.raises(ValidationError):
        services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility, plan=plan)


def test_the_check_in_page_finds_the_person_checks_them_in_and_shows_the_refusal_when_full(xinhui_client, city):
    facility = make_facility(city["dazhe"], name="大泽镇隔离酒店", rooms=1)
    person = make_person(city["dazhe"], "李小龙", id_number="440705198506121239")
    url = f"/quarantine/facilities/{facility.pk}/check-in/"
    found = xinhui_client.get(url, {"q": "121239"})
    assert found.status_code == 200
    body = found.content.decode()
    assert "李小龙" in body and "440705198506121239" not in body and "440705********1239" in body
    done = xinhui_client.post(url, {"person": person.pk, "reason": "close_contact"})
    assert done.status_code == 302
    page = xinhui_client.get(facility.get_absolute_url()).content.decode()
    assert 'data-status="occupied"' in page
    assert "李小龙" not in page and "李**" in page
    refused = xinhui_client.post(url, {"person": make_person(city["dazhe"]).pk, "reason": "close_contact"})
    assert refused.status_code == 400
    assert "大泽镇隔离酒店" in " ".join(refused.context["form"].non_field_errors())


def test_the_stay_page_checks_out_and_the_bed_goes_to_cleaning(xinhui_client, xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=1)
    stay = services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    assert xinhui_client.get(stay.get_absolute_url()).status_code == 200
    response = xinhui_client.post(f"/quarantine/stays/{stay.pk}/check-out/", {"outcome": "completed"})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.checked_out_at is not None and stay.outcome == "completed"
    bed = beds_of(facility).get()
    assert bed.status == "cleaning"
    again = xinhui_client.post(f"/quarantine/stays/{stay.pk}/check-out/", {"outcome": "completed"})
    assert again.status_code == 400
    cleaned = xinhui_client.post(f"/quarantine/facilities/{facility.pk}/beds/{bed.pk}/", {"status": "ready"})
    assert cleaned.status_code == 302
    bed.refresh_from_db()
    assert bed.status == "ready"


def test_api_check_in_refused_is_400_with_the_reason_and_check_out_action_closes(xinhui_client, city):
    facility = make_facility(city["dazhe"], name="接口隔离点", rooms=1)
    first, second = make_person(city["dazhe"]), make_person(city["dazhe"])
    created = xinhui_client.post(
        "/api/quarantine-stays/", {"person": first.pk, "facility": facility.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["person_id_number"] == first.id_number[:6] + "********" + first.id_number[-4:]
    full = xinhui_client.post(
        "/api/quarantine-stays/", {"person": second.pk, "facility": facility.pk}, content_type="application/json"
    )
    assert full.status_code == 400
    assert "接口隔离点" in str(full.json())
    stay_id = created.json()["id"]
    out = xinhui_client.post(f"/api/quarantine-stays/{stay_id}/check-out/", {}, content_type="application/json")
    assert out.status_code == 200, out.content
    assert out.json()["checked_out_at"]
    bed = beds_of(facility).get()
    listed = xinhui_client.get("/api/quarantine-beds/", {"facility": facility.pk}).json()
    assert [row["status"] for row in listed["results"]] == ["cleaning"]
    bad = xinhui_client.post(
        f"/api/quarantine-beds/{bed.pk}/set-status/", {"status": "occupied"}, content_type="application/json"
    )
    assert bad.status_code == 400
    ok = xinhui_client.post(f"/api/quarantine-beds/{bed.pk}/cleaned/", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "ready"


def test_nobody_checks_a_person_into_another_countys_facility(xinhui_client, xinhui_user, city):
    theirs = make_facility(city["dajiang"], rooms=1)
    person = make_person(city["dazhe"])
    from safecity.core.exceptions import OutOfScope

    with pytest.raises(OutOfScope):
        services.check_in(actor=xinhui_user, person=person, facility=theirs)
    response = xinhui_client.post(
        "/api/quarantine-stays/", {"person": person.pk, "facility": theirs.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert Stay.objects.count() == 0


def test_a_facility_with_persons_in_it_cannot_be_archived(xinhui_client, xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=1)
    stay = services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    response = xinhui_client.post(f"/quarantine/facilities/{facility.pk}/archive/", {"reason": "撤销"})
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.archived_at is None
    assert xinhui_client.delete(f"/api/quarantine-facilities/{facility.pk}/").status_code == 400
    services.check_out(actor=xinhui_user, stay=stay)
    services.facility_archive(actor=xinhui_user, facility=facility)
    facility.refresh_from_db()
    assert facility.archived_at is not None


def test_a_plan_page_can_link_to_check_in_with_the_person_and_plan_filled_in(xinhui_client, city):
    from safecity.epidemic.models import Disease, Protocol
    from safecity.followup.models import ManagementPlan, PlanStep

    person = make_person(city["dazhe"], "黄小明")
    protocol = Protocol.objects.create(
        disease=Disease.objects.create(code="q-link", name="测试病二"),
        version="v1",
        title="方案",
        effective_from="2020-01-01",
    )
    today = timezone.localdate()
    plan = ManagementPlan.objects.create(
        person=person, person_class="close", protocol=protocol, start_date=today, end_date=today + timedelta(days=9)
    )
    PlanStep.objects.create(
        plan=plan, step=1, measure="facility_quarantine", start_date=today, end_date=today + timedelta(days=6)
    )
    facility = make_facility(city["dazhe"], rooms=1)
    page = xinhui_client.get("/quarantine/stays/add/", {"person": person.pk, "plan": plan.pk})
    assert 'data-testid="chosen-person"' in page.content.decode() and "黄小明" in page.content.decode()
    done = xinhui_client.post(
        "/quarantine/stays/add/",
        {"facility": facility.pk, "person": person.pk, "plan": plan.pk, "reason": "close_contact"},
    )
    assert done.status_code == 302
    stay = Stay.objects.get(person=person)
    assert (stay.plan, stay.planned_check_out) == (plan, today + timedelta(days=6))
