"""The rectification loop, as Order No. 16 and local practice ("一单四制") have it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.hazards import services
from safecity.hazards.choices import HazardLevel, HazardStatus
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory

PLAN = {
    "plan_goals": "消除仓储区住人隐患",
    "plan_methods": "拆除阁楼住人隔间，设置防火墙",
    "plan_funds": "企业自筹5万元",
    "plan_people": "法定代表人张三负责",
    "plan_deadline": "60日内完成",
    "plan_safety": "整改期间停止住人，配备灭火器",
}


@pytest.fixture
def rectifier(city):
    return make_user("rectifier", Role.TOWN_STAFF, city["dazhe"].code, full_name="整改人")


@pytest.fixture
def hazard(city, xinhui_user):
    target = InspectionTargetFactory(region=city["dazhe"])
    return services.hazard_report(actor=xinhui_user, hazard=HazardFactory.build(target=target, region=target.region))


def _assign_and_rectify(hazard, assigner, rectifier):
    services.hazard_assign(
        actor=assigner,
        hazard=hazard,
        responsible_person=rectifier,
        deadline=date.today() + timedelta(days=7),
        measures="清理疏散通道",
    )
    services.hazard_start(actor=rectifier, hazard=hazard)
    services.hazard_rectify(actor=rectifier, hazard=hazard, note="已清理，照片见附件")


def test_the_full_loop_found_to_closed_is_every_step_in_history(hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    services.hazard_reinspect(actor=xinhui_user, hazard=hazard, passed=True, note="复查合格")
    services.hazard_close(actor=xinhui_user, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at is not None
    reasons = list(hazard.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["found", "assigned", "rectifying", "rectified", "re-inspection passed", "closed"]


def test_assigning_notifies_the_responsible_person(hazard, xinhui_user, rectifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_assign(
            actor=xinhui_user, hazard=hazard, responsible_person=rectifier, deadline=date.today(), measures="整改"
        )
    assert Notification.objects.filter(recipient=rectifier, target_id=hazard.pk).count() == 1


def test_no_closing_without_a_passed_reinspection(hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    with pytest.raises(ValidationError, match=r"复查|re-inspection"):
        services.hazard_close(actor=xinhui_user, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED


def test_the_rectifier_cannot_reinspect_their_own_work(hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    with pytest.raises(ValidationError) as exc:
        services.hazard_reinspect(actor=rectifier, hazard=hazard, passed=True)
    assert exc.value.code == "same_person"


def test_the_database_refuses_a_closure_reinspected_by_the_rectifier(hazard, rectifier):
    from django.db import IntegrityError, transaction

    hazard.status = HazardStatus.CLOSED
    hazard.rectified_by = hazard.reinspected_by = rectifier
    with pytest.raises(IntegrityError), transaction.atomic():
        hazard.save()


def test_a_failed_reinspection_reopens_the_hazard(hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    services.hazard_reinspect(actor=xinhui_user, hazard=hazard, passed=False, note="通道仍有杂物")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.reopened_count == 1
    assert hazard.history.filter(history_change_reason="re-inspection failed: re-opened").exists()
    with pytest.raises(ValidationError):
        services.hazard_close(actor=xinhui_user, hazard=hazard)
    services.hazard_rectify(actor=rectifier, hazard=hazard, note="再次清理")
    services.hazard_reinspect(actor=xinhui_user, hazard=hazard, passed=True)
    services.hazard_close(actor=xinhui_user, hazard=hazard)
    assert hazard.status == HazardStatus.CLOSED


def test_a_major_hazard_needs_the_six_element_plan_and_the_application_before_acceptance(
    hazard, xinhui_user, rectifier
):
    hazard.level = HazardLevel.MAJOR
    hazard.save()
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    with pytest.raises(ValidationError, match=r"application|申请"):
        services.hazard_reinspect(actor=xinhui_user, hazard=hazard, passed=True)
    with pytest.raises(ValidationError) as exc:
        services.hazard_apply_to_resume(actor=rectifier, hazard=hazard)
    assert exc.value.code == "plan_incomplete"
    for name, value in PLAN.items():
        setattr(hazard, name, value)
    hazard.save()
    services.hazard_apply_to_resume(actor=rectifier, hazard=hazard)
    assert hazard.review_due_at == hazard.applied_at + timedelta(days=10)
    services.hazard_reinspect(actor=xinhui_user, hazard=hazard, passed=True)
    services.hazard_close(actor=xinhui_user, hazard=hazard)
    assert hazard.status == HazardStatus.CLOSED


def test_the_page_refuses_to_close_and_says_why(client, hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    client.force_login(xinhui_user)
    response = client.post(reverse("hazards:hazard_step", args=[hazard.pk, "close"]), follow=True)
    text = response.content.decode()
    assert "复查" in text or "re-inspection" in text
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED


def test_the_page_walks_the_loop(client, hazard, xinhui_user, rectifier):
    client.force_login(xinhui_user)
    url = lambda step: reverse("hazards:hazard_step", args=[hazard.pk, step])  # noqa: E731
    client.post(url("assign"), {"responsible_person": rectifier.pk, "deadline": "2030-01-01", "measures": "整改"})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ASSIGNED and hazard.responsible_person == rectifier
    client.force_login(rectifier)
    client.post(url("rectify"), {"note": "已整改"})
    client.force_login(xinhui_user)
    client.post(url("reinspect"), {"passed": "0", "note": "不合格"})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    page = client.get(hazard.get_absolute_url())
    assert page.status_code == 200
    assert len(page.context["steps"]) == 4


def test_the_api_refuses_to_close_with_the_reason_and_closes_after_reinspection(client, hazard, xinhui_user, rectifier):
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    client.force_login(xinhui_user)
    refused = client.post(f"/api/hazards/{hazard.pk}/close/")
    assert refused.status_code == 400
    assert refused.json()  # the reason is in the body
    client.force_login(rectifier)
    same = client.post(f"/api/hazards/{hazard.pk}/reinspect/", {"passed": True}, content_type="application/json")
    assert same.status_code == 400
    client.force_login(xinhui_user)
    ok = client.post(f"/api/hazards/{hazard.pk}/reinspect/", {"passed": True}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    closed = client.post(f"/api/hazards/{hazard.pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_the_api_records_the_finder(client, xinhui_user, city):
    target = InspectionTargetFactory(region=city["dazhe"])
    client.force_login(xinhui_user)
    response = client.post(
        "/api/hazards/", {"target": target.pk, "title": "电线私拉乱接"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["found_by"] == xinhui_user.pk and response.json()["region"] == city["dazhe"].code


def test_overdue_rectifications_notify_once_and_escalate_after_three_days(hazard, xinhui_user, rectifier):
    services.hazard_assign(
        actor=xinhui_user, hazard=hazard, responsible_person=rectifier, deadline=date(2026, 3, 1), measures="整改"
    )
    Notification.objects.all().delete()
    first = services.sweep_overdue(today=date(2026, 3, 2))
    assert first["notified"] == 1 and first["escalated"] == 0
    assert services.sweep_overdue(today=date(2026, 3, 2))["notified"] == 0  # idempotent
    later = services.sweep_overdue(today=date(2026, 3, 5))
    assert later["notified"] == 0
    assert Notification.objects.filter(recipient=rectifier).count() == 1
    assert (
        later["escalated"] == Notification.objects.filter(dedupe_key=f"hazard-escalated-{hazard.pk}-2026-03-01").count()
    )
    assert later["escalated"] >= 1
    assert services.sweep_overdue(today=date(2026, 3, 6))["escalated"] == 0


def test_the_overdue_sweep_is_a_periodic_job():
    from safecity.core.jobs import beat_schedule

    assert beat_schedule()["hazards.sweep-overdue"]["task"] == "safecity.hazards.tasks.sweep_overdue"


def test_an_on_site_review_not_made_within_10_days_of_the_application_is_alerted_once(hazard, xinhui_user, rectifier):
    import time_machine

    hazard.level = HazardLevel.MAJOR
    for name, value in PLAN.items():
        setattr(hazard, name, value)
    hazard.save()
    _assign_and_rectify(hazard, xinhui_user, rectifier)
    with time_machine.travel(date(2026, 3, 1), tick=False):
        services.hazard_apply_to_resume(actor=rectifier, hazard=hazard)
    assert services.sweep_overdue(today=date(2026, 3, 10))["reviews"] == 0
    first = services.sweep_overdue(today=date(2026, 3, 12))["reviews"]
    assert first >= 1
    assert services.sweep_overdue(today=date(2026, 3, 13))["reviews"] == 0
