"""Shift handover: the outgoing officer lists the open matters, only the incoming officer acknowledges; an
unacknowledged handover stays visible and alerts the leader on shift — once, however often the sweep runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.jobs import beat_schedule
from safecity.core.models import Notification
from safecity.duty import rules, services
from safecity.duty.models import Handover
from safecity.duty.tasks import alert_unacknowledged_handovers

from .factories import person, shift


@pytest.fixture
def crew(city):
    xinhui = city["xinhui"]
    return {
        "out": person("li-duty", xinhui, full_name="李明"),
        "in": person("zhao-duty", xinhui, full_name="赵丽"),
        "leader": person("xinhui-leader", xinhui, role=Role.LEADER_ON_SHIFT, full_name="王带班"),
        "other": person("xinhui-staff", xinhui, full_name="新会科员"),
    }


@pytest.fixture
def handover(post, crew):
    now = timezone.now()
    shift(post, now - timedelta(hours=1), leader=crew["leader"], officers=[crew["in"]])
    return services.handover_create(
        actor=crew["out"],
        post=post,
        outgoing=crew["out"],
        incoming=crew["in"],
        open_matters="1. 广告牌待拆除",
        handed_over_at=now - timedelta(hours=1),
    )


def test_creating_a_handover_asks_the_incoming_officer(handover, crew):
    assert Notification.objects.filter(recipient=crew["in"], dedupe_key=f"handover-{handover.pk}-incoming").exists()


def test_only_the_incoming_officer_can_acknowledge(handover, crew):
    for someone in (crew["out"], crew["leader"], crew["other"]):
        with pytest.raises(PermissionDenied):
            services.handover_acknowledge(actor=someone, handover=handover)
    handover.refresh_from_db()
    assert handover.acknowledged_at is None
    done = services.handover_acknowledge(actor=crew["in"], handover=handover)
    assert done.acknowledged_by == crew["in"] and done.acknowledged_at is not None
    assert done.history.first().history_change_reason == "acknowledged"
    with pytest.raises(ValidationError):
        services.handover_acknowledge(actor=crew["in"], handover=done)


def test_acknowledging_on_the_page_and_in_the_api(client, handover, crew):
    client.force_login(crew["other"])
    page = client.get(f"/duty/handovers/{handover.pk}/").content.decode()
    assert 'data-testid="acknowledge"' not in page and 'data-testid="workflow-alert"' in page
    assert client.post(f"/duty/handovers/{handover.pk}/acknowledge/").status_code == 403
    assert client.post(f"/api/duty-handovers/{handover.pk}/acknowledge/").status_code == 403
    client.force_login(crew["in"])
    assert 'data-testid="acknowledge"' in client.get(f"/duty/handovers/{handover.pk}/").content.decode()
    response = client.post(f"/api/duty-handovers/{handover.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_by"] == crew["in"].pk


def test_an_acknowledged_handover_can_no_longer_be_edited(client, handover, crew):
    services.handover_acknowledge(actor=crew["in"], handover=handover)
    client.force_login(crew["out"])
    response = client.post(
        f"/duty/handovers/{handover.pk}/edit/",
        {
            "post": handover.post_id,
            "handed_over_at": "2026-12-03 08:30",
            "outgoing": crew["out"].pk,
            "incoming": crew["in"].pk,
            "open_matters": "改了",
        },
    )
    assert response.status_code == 400
    api = client.patch(f"/api/duty-handovers/{handover.pk}/", {"open_matters": "改了"}, content_type="application/json")
    assert api.status_code == 400


def test_the_unacknowledged_alert_notifies_the_leader_on_shift_once_even_when_run_twice(handover, crew):
    assert services.alert_unacknowledged_handovers() == 1
    assert services.alert_unacknowledged_handovers() == 0
    alerts = Notification.objects.filter(dedupe_key=f"handover-{handover.pk}-unacknowledged")
    assert [(n.recipient, n.level) for n in alerts] == [(crew["leader"], "danger")]


def test_no_alert_within_the_grace_period_or_once_acknowledged(post, handover, crew):
    fresh = services.handover_create(
        actor=crew["out"], post=post, outgoing=crew["out"], incoming=crew["other"], open_matters="无"
    )
    assert rules.handover_grace() == timedelta(minutes=30)
    assert services.alert_unacknowledged_handovers(now=fresh.handed_over_at + timedelta(minutes=29)) == 1  # the old one
    assert not Notification.objects.filter(dedupe_key=f"handover-{fresh.pk}-unacknowledged").exists()
    services.handover_acknowledge(actor=crew["other"], handover=fresh)
    assert services.alert_unacknowledged_handovers(now=fresh.handed_over_at + timedelta(hours=2)) == 0


def test_an_unacknowledged_handover_stays_visible_on_the_home_page(client, handover, crew):
    client.force_login(crew["leader"])
    page = client.get("/")
    [card] = page.context["on_duty_cards"]
    assert card.pending_handovers == [handover]
    assert 'data-testid="pending-handovers"' in page.content.decode()
    services.handover_acknowledge(actor=crew["in"], handover=handover)
    assert client.get("/").context["on_duty_cards"][0].pending_handovers == []
    assert Handover.objects.filter(acknowledged_at__isnull=True).count() == 0


def test_the_alert_runs_as_a_periodic_sweep(handover, crew):
    job = beat_schedule()["duty.alert-unacknowledged-handovers"]
    assert job["task"] == "safecity.duty.tasks.alert_unacknowledged_handovers"
    assert job["schedule"] == timedelta(seconds=rules.HANDOVER_SWEEP_SECONDS)
    assert alert_unacknowledged_handovers.run() == 1
    assert alert_unacknowledged_handovers.run() == 0
