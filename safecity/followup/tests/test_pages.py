"""Every page and endpoint of follow-up obeys scope (shared scoped-model tests), plus the workflow pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.testing import ScopedModelTests
from safecity.epidemic.factories import PersonFactory
from safecity.followup import services
from safecity.followup.choices import FollowUpResult, PlanStatus
from safecity.followup.factories import default_protocol, make_plan, system_actor
from safecity.followup.models import AssistRequest, FollowUp, ManagementPlan
from safecity.followup.views import AssistRequestViews, FollowUpViews, ManagementPlanViews, TestResultViews

TOWN_OF = {"xinhui": "village", "taishan": "taishan_village"}
TODAY = timezone.localdate


def _plan(city, region_key, days_ago=3):
    return make_plan(region=city[TOWN_OF[region_key]], start=TODAY() - timedelta(days=days_ago))


class TestManagementPlan(ScopedModelTests):
    views = ManagementPlanViews
    api_url = "/api/management-plans/"
    edit_change = ("notes", "已电话确认住址")

    def make(self, city, region_key):
        return _plan(city, region_key)

    def marker(self, obj):
        return obj.person.name

    def form_data(self, city, region_key):
        person = PersonFactory(region=city[TOWN_OF[region_key]])
        return {
            "person": person.pk,
            "person_class": "close",
            "disease": default_protocol().disease.pk,
            "start_date": TODAY().isoformat(),
        }

    def api_data(self, city, region_key):
        person = PersonFactory(region=city[TOWN_OF[region_key]])
        return {"person": person.pk, "person_class": "secondary", "disease": default_protocol().disease.code}


class TestFollowUp(ScopedModelTests):
    views = FollowUpViews
    api_url = "/api/follow-ups/"
    edit_change = ("note", "体温正常,无不适")

    def make(self, city, region_key):
        return services.followup_record(
            actor=system_actor(), plan=_plan(city, region_key), day=TODAY(), result=FollowUpResult.WELL
        )

    def marker(self, obj):
        return obj.plan.person.name

    def form_data(self, city, region_key):
        return {"plan": _plan(city, region_key).pk, "day": TODAY().isoformat(), "result": "well", "note": "良好"}

    def api_data(self, city, region_key):
        return {"plan": _plan(city, region_key).pk, "result": "not_reached"}


class TestTestResult(ScopedModelTests):
    views = TestResultViews
    api_url = "/api/test-results/"
    edit_change = ("note", "已送检")

    def make(self, city, region_key):
        return services.test_record(actor=system_actor(), plan=_plan(city, region_key), sampled_on=TODAY())

    def marker(self, obj):
        return obj.plan.person.name

    def form_data(self, city, region_key):
        return {"plan": _plan(city, region_key).pk, "sampled_on": TODAY().isoformat(), "result": "pending"}

    def api_data(self, city, region_key):
        return {"plan": _plan(city, region_key).pk, "sampled_on": TODAY().isoformat(), "result": "negative"}


class TestAssistRequest(ScopedModelTests):
    views = AssistRequestViews
    api_url = "/api/assist-requests/"
    edit_change = ("counterpart", "佛山市南海区疫情防控指挥部")

    def make(self, city, region_key):
        return AssistRequest.objects.create(
            direction="incoming",
            counterpart="广州市疾控中心",
            reference_number=f"穗协查〔2026〕{AssistRequest.objects.count() + 1}号",
            region=city[region_key],
            person_class="close",
        )

    def marker(self, obj):
        return obj.reference_number

    def form_data(self, city, region_key):
        return {
            "direction": "incoming",
            "counterpart": "深圳市宝安区",
            "reference_number": "深宝协〔2026〕8号",
            "person_class": "close",
            "region": city[region_key].pk,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    def api_data(self, city, region_key):
        return {
            "direction": "outgoing",
            "counterpart": "珠海市香洲区",
            "reference_number": "江协〔2026〕3号",
            "region": city[region_key].code,
        }


def test_a_close_contact_request_is_due_in_24_hours_by_default(city):
    received = timezone.now()
    request = AssistRequest.objects.create(
        direction="incoming",
        counterpart="A",
        reference_number="1",
        region=city["xinhui"],
        person_class="close",
        received_at=received,
    )
    assert request.deadline == received + timedelta(hours=24)


@pytest.fixture
def worker(city):
    return make_user("gw-village", Role.GRID_WORKER, city["village"].code, full_name="五和村网格员")


def test_the_grid_worker_records_a_symptomatic_followup_in_one_tap_and_the_plan_shows_it(client, worker, city):
    plan = make_plan(region=city["village"], start=TODAY() - timedelta(days=1))
    client.force_login(worker)
    page = client.get(reverse("followup:today"))
    assert page.status_code == 200 and plan.person.name in page.content.decode()
    response = client.post(
        reverse("followup:managementplan_step", args=[plan.pk, "followup"]),
        {"result": "symptomatic", "temperature": "38.5", "next": reverse("followup:today")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("followup:today")
    assert plan.followups.get(day=TODAY()).result == FollowUpResult.SYMPTOMATIC
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "38.5" in detail


def test_another_countys_plan_cannot_be_acted_on(client, worker, city):
    theirs = make_plan(region=city["taishan_village"])
    client.force_login(worker)
    response = client.post(reverse("followup:managementplan_step", args=[theirs.pk, "followup"]), {"result": "well"})
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_the_overdue_page_lists_missing_days_and_tests_in_scope_only(xinhui_client, city):
    mine = make_plan(region=city["village"], start=TODAY() - timedelta(days=2))
    theirs = make_plan(region=city["taishan_village"], start=TODAY() - timedelta(days=2))
    page = xinhui_client.get(reverse("followup:overdue"))
    assert page.status_code == 200
    assert {f.plan for f in page.context["followups"]} == {mine}
    assert {f.plan for f in page.context["tests"]} == {mine}
    assert theirs.person.name not in page.content.decode()
    elsewhere = xinhui_client.get(reverse("followup:overdue"), {"region": "440705001"})
    assert elsewhere.context["followups"] == [] and elsewhere.context["followup_total"] == 0


def test_conversion_through_the_page_needs_grounds_and_then_makes_the_case(xinhui_client, city):
    plan = make_plan(region=city["village"])
    url = reverse("followup:managementplan_step", args=[plan.pk, "convert"])
    xinhui_client.post(url, {"classification": "suspected"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.SYMPTOMATIC)
    xinhui_client.post(url, {"classification": "suspected"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONVERTED and plan.case.person == plan.person


def test_api_convert_refuses_without_grounds_with_a_400(xinhui_client, city):
    plan = make_plan(region=city["village"])
    response = xinhui_client.post(f"/api/management-plans/{plan.pk}/convert/", {}, content_type="application/json")
    assert response.status_code == 400
    assert ManagementPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE


def test_the_add_page_opened_from_a_person_shows_who_it_is_with_the_id_masked(xinhui_client, city):
    person = PersonFactory(region=city["village"], name="黄志强", id_number="11010519491231002X")
    page = xinhui_client.get(reverse("followup:managementplan_add"), {"person": person.pk}).content.decode()
    assert "黄志强" in page and "110105********002X" in page and "11010519491231002X" not in page


def test_my_followups_today_leaves_out_plans_past_their_last_day(client, worker, city):
    make_plan(region=city["village"], start=TODAY() - timedelta(days=20))
    client.force_login(worker)
    assert client.get(reverse("followup:today")).context["rows"] == []
