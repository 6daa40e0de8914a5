"""The notification outbox: sent once, retried with back-off, never lost, never sent twice; e-mail and webhooks."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from safecity.accounts.models import User
from safecity.celery import app as celery_app
from safecity.core import notifications
from safecity.core.channels import EmailChannel, WebhookChannel, register_configured_channels
from safecity.core.delivery import Outcome, _claim, backoff, deliver, deliver_due, retry_deliveries
from safecity.core.jobs import SCHEDULE, periodic
from safecity.core.models import Delivery, DeliveryStatus
from safecity.core.notifications import notify
from safecity.core.tasks import deliver_due_notifications, deliver_notifications

MINUTE = timedelta(minutes=1)


@pytest.fixture
def user(db):
    return User.objects.create_user(
        username="grid-huicheng", email="grid@example.gov.cn", full_name="张网格", phone="13800138000"
    )


def notify_one(user, **fields) -> Delivery:
    (notification,) = notify(recipients=[user], title=fields.pop("title", "台风橙色预警"), **fields)
    (delivery,) = notification.deliveries.all()
    return delivery


def state(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


# --- the outbox service -------------------------------------------------------------------------------------------


def test_notify_writes_one_outbox_row_per_channel_that_applies(user, fake_channel):
    delivery = notify_one(user)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("fake", DeliveryStatus.PENDING, 0)


def test_a_successful_send_marks_the_delivery_sent_once(user, fake_channel):
    delivery = notify_one(user)
    now = timezone.now()
    assert deliver(delivery.pk, now=now) == Outcome.SENT
    delivery = state(delivery)
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (DeliveryStatus.SENT, 1, now)
    assert fake_channel.sent == [delivery.pk]


def test_delivering_a_sent_row_again_sends_nothing_twice(user, fake_channel):
    delivery = notify_one(user)
    now = timezone.now()
    deliver(delivery.pk, now=now)
    assert deliver(delivery.pk, now=now) == Outcome.SKIPPED
    assert deliver(delivery.pk, now=now + timedelta(days=1)) == Outcome.SKIPPED
    assert deliver_due(now=now + timedelta(days=1)) == {}
    deliver_notifications([delivery.pk, delivery.pk])  # the task, run twice over: still nothing
    deliver_due_notifications()
    assert fake_channel.sent == [delivery.pk]
    assert state(delivery).attempts == 1


def test_a_failing_channel_is_retried_with_exponential_back_off_then_given_up(user, fake_channel):
    fake_channel.down = True
    delivery = notify_one(user)
    now = timezone.now()
    waits = []
    for attempt in range(1, 8):
        assert deliver(delivery.pk, now=now) == Outcome.FAILED
        delivery = state(delivery)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, attempt)
        assert "gateway unreachable" in delivery.last_error
        assert deliver(delivery.pk, now=delivery.next_attempt_at - timedelta(seconds=1)) == Outcome.SKIPPED
        waits.append((delivery.next_attempt_at - now) / MINUTE)
        now = delivery.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 60]  # minutes; capped at an hour
    assert deliver(delivery.pk, now=now) == Outcome.DEAD  # the 8th attempt (SAFECITY["DELIVERY_MAX_ATTEMPTS"])
    assert (state(delivery).status, state(delivery).attempts) == (DeliveryStatus.DEAD, 8)
    assert deliver_due(now=now + timedelta(days=7)) == {}
    assert fake_channel.attempts == 8 and fake_channel.sent == []


def test_the_number_of_attempts_follows_the_setting(user, fake_channel, settings):
    settings.SAFECITY = {**settings.SAFECITY, "DELIVERY_MAX_ATTEMPTS": 2}
    fake_channel.down = True
    delivery = notify_one(user)
    assert deliver(delivery.pk, now=timezone.now()) == Outcome.FAILED
    assert deliver(delivery.pk, now=state(delivery).next_attempt_at) == Outcome.DEAD


def test_back_off_doubles_from_a_minute_up_to_an_hour():
    assert [backoff(n) / MINUTE for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert backoff(1000) == timedelta(hours=1)


def test_a_channel_that_is_down_loses_nothing_and_sends_once_it_is_back(user, fake_channel):
    fake_channel.down = True
    delivery = notify_one(user)
    now = timezone.now()
    for _ in range(3):
        deliver_due(now=now)
        now = state(delivery).next_attempt_at
    assert state(delivery).status == DeliveryStatus.FAILED
    fake_channel.down = False
    assert deliver_due(now=now) == {Outcome.SENT: 1}
    delivery = state(delivery)
    assert (delivery.status, delivery.attempts, fake_channel.sent) == (DeliveryStatus.SENT, 4, [delivery.pk])


def test_a_worker_dying_mid_send_loses_nothing_and_resends_with_the_same_delivery(user, fake_channel):
    """At least once: a crash between the send and the save repeats the send later, for the same outbox row
    (so with the same idempotency key); it never drops the message."""
    calls = []

    def send_then_die(delivery):
        calls.append(delivery.pk)
        if len(calls) == 1:
            raise SystemExit("worker killed")  # not an Exception: nothing in deliver() records it

    notifications.register_channel(notifications.Channel("fake", lambda user: True, send_then_die))
    delivery = notify_one(user)
    now = timezone.now()
    with pytest.raises(SystemExit):
        deliver(delivery.pk, now=now)
    delivery = state(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)  # claimed, outcome unknown
    assert deliver_due(now=now + timedelta(seconds=30)) == {}  # the claim is a lease: no second send meanwhile
    assert deliver_due(now=delivery.next_attempt_at) == {Outcome.SENT: 1}
    assert calls == [delivery.pk, delivery.pk]
    assert state(delivery).status == DeliveryStatus.SENT


def test_a_last_attempt_that_never_reported_back_is_given_up_not_sent_again(user, fake_channel):
    delivery = notify_one(user)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=8)
    assert deliver(delivery.pk, now=timezone.now()) == Outcome.DEAD
    delivery = state(delivery)
    assert delivery.status == DeliveryStatus.DEAD and "outcome unknown" in delivery.last_error
    assert fake_channel.sent == []


def test_a_row_claimed_by_another_worker_is_skipped(user, fake_channel):
    delivery = notify_one(user)
    now = timezone.now()
    claimed = _claim(delivery.pk, now)  # another worker got it first and is sending
    assert isinstance(claimed, Delivery)
    assert deliver(delivery.pk, now=now) == Outcome.SKIPPED
    assert fake_channel.sent == []


def test_a_channel_no_longer_configured_fails_and_is_retried_not_lost(user, fake_channel):
    delivery = notify_one(user)
    notifications._channels.clear()
    assert deliver(delivery.pk, now=timezone.now()) == Outcome.FAILED
    delivery = state(delivery)
    assert delivery.status == DeliveryStatus.FAILED and "not configured" in delivery.last_error


def test_the_sweep_only_picks_due_rows(user, fake_channel):
    rows = {
        kind: notify_one(user, title=kind)
        for kind in ("pending", "failed_due", "failed_later", "pending_later", "sent", "dead")
    }
    now = timezone.now()
    Delivery.objects.filter(pk=rows["failed_due"].pk).update(status=DeliveryStatus.FAILED, attempts=1)
    Delivery.objects.filter(pk=rows["failed_later"].pk).update(
        status=DeliveryStatus.FAILED, attempts=1, next_attempt_at=now + MINUTE
    )
    Delivery.objects.filter(pk=rows["pending_later"].pk).update(next_attempt_at=now + MINUTE)
    Delivery.objects.filter(pk=rows["sent"].pk).update(status=DeliveryStatus.SENT, sent_at=now)
    Delivery.objects.filter(pk=rows["dead"].pk).update(status=DeliveryStatus.DEAD, attempts=8)
    assert deliver_due(now=now) == {Outcome.SENT: 2}
    assert sorted(fake_channel.sent) == sorted([rows["pending"].pk, rows["failed_due"].pk])
    assert deliver_due(now=now + MINUTE) == {Outcome.SENT: 2}
    assert deliver_due(now=now + timedelta(days=1)) == {}
    assert len(fake_channel.sent) == 4


def test_the_sweep_sends_at_most_limit_rows_oldest_due_first(user, fake_channel):
    rows = [notify_one(user, title=f"n{i}") for i in range(3)]
    assert deliver_due(now=timezone.now(), limit=2) == {Outcome.SENT: 2}
    assert fake_channel.sent == [rows[0].pk, rows[1].pk]


def test_the_sweep_uses_the_real_clock_when_not_told_otherwise(user, fake_channel):
    fake_channel.down = True
    delivery = notify_one(user)
    deliver_due()
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        assert deliver_due() == {}
    fake_channel.down = False
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert deliver_due() == {Outcome.SENT: 1}
    assert fake_channel.sent == [delivery.pk]


def test_retrying_dead_and_failed_rows_gives_them_a_fresh_series_of_attempts_now(user, fake_channel):
    dead, failed, sent = (notify_one(user, title=t) for t in ("dead", "failed", "sent"))
    later = timezone.now() + timedelta(hours=1)
    Delivery.objects.filter(pk=dead.pk).update(status=DeliveryStatus.DEAD, attempts=8, next_attempt_at=later)
    Delivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, attempts=3, next_attempt_at=later)
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT, attempts=1)
    now = timezone.now()
    assert retry_deliveries(Delivery.objects.all(), now=now) == 2
    assert deliver_due(now=now) == {Outcome.SENT: 2}
    assert sorted(fake_channel.sent) == sorted([dead.pk, failed.pk])
    assert state(sent).attempts == 1


# --- the admin ---------------------------------------------------------------------------------------------------


def test_the_admin_lists_the_outbox_read_only_and_retries_now(client, user, fake_channel):
    admin = User.objects.create_superuser(username="root", password="x-Pass-1234")
    client.force_login(admin)
    delivery = notify_one(user)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD, attempts=8, last_error="HTTP 500", next_attempt_at=timezone.now() + MINUTE
    )
    page = client.get("/admin/core/delivery/?status__exact=dead")
    assert page.status_code == 200 and "台风橙色预警" in page.content.decode()
    assert client.get("/admin/core/delivery/add/").status_code == 403
    response = client.post(
        "/admin/core/delivery/", {"action": "retry_now", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    delivery = state(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 0)
    assert delivery.next_attempt_at <= timezone.now()


# --- Celery wiring -----------------------------------------------------------------------------------------------


def test_the_outbox_sweep_runs_every_minute_through_beat():
    entry = celery_app.conf.beat_schedule["core.deliver-due-notifications"]
    assert entry["task"] == "safecity.core.tasks.deliver_due_notifications"
    assert entry["schedule"] == timedelta(seconds=60)
    assert entry["task"] in celery_app.tasks and "safecity.core.tasks.deliver_notifications" in celery_app.tasks


def test_apps_add_periodic_jobs_to_the_same_schedule():
    periodic("test.sweep", "safecity.core.tasks.deliver_due_notifications", seconds=300)
    try:
        assert celery_app.conf.beat_schedule["test.sweep"]["schedule"] == timedelta(minutes=5)
        assert celery_app.conf.beat_schedule["test.sweep"]["options"] == {"expires": 300}
    finally:
        SCHEDULE.pop("test.sweep")
    with pytest.raises(ValueError):
        periodic("test.never", "x", seconds=0)


def test_the_embedded_default_needs_no_broker_server(settings):
    assert settings.CELERY_BROKER_URL.startswith("filesystem://")
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["data_folder_in"] == options["data_folder_out"]  # the web process writes where the worker reads
    assert celery_app.conf.task_always_eager is False and celery_app.conf.result_backend is None
    assert celery_app.conf.timezone == "Asia/Shanghai"


# --- channels ----------------------------------------------------------------------------------------------------


def test_email_goes_to_users_with_an_address_with_an_absolute_link(user, settings, isolated_channels):
    settings.SAFECITY = {**settings.SAFECITY, "BASE_URL": "https://safecity.example.gov.cn/"}
    notifications.register_channel(EmailChannel().as_channel())
    nobody = User.objects.create_user(username="no-mail")
    assert not Delivery.objects.filter(notification__in=notify(recipients=[nobody], title="x")).exists()
    delivery = notify_one(user, title="事件\n超时", body="请尽快续报。", url="/incidents/7/")
    assert deliver(delivery.pk) == Outcome.SENT
    (message,) = mail.outbox
    assert message.to == ["grid@example.gov.cn"] and message.subject == "事件 超时"
    assert message.body == "请尽快续报。\n\nhttps://safecity.example.gov.cn/incidents/7/"
    assert message.message()["Message-ID"].startswith(f"<safecity-delivery-{delivery.pk}@")  # the same on a resend


def test_the_webhook_posts_json_with_an_idempotency_key(user, webhook_server, settings, isolated_channels):
    settings.SAFECITY = {**settings.SAFECITY, "BASE_URL": "https://safecity.example.gov.cn"}
    delivery = notify_one_with(WebhookChannel([webhook_server.url]), user, body="请转移群众", url="/x/1/")
    assert deliver(delivery.pk) == Outcome.SENT
    (receipt,) = webhook_server.wait_for(1)
    notification = delivery.notification
    assert receipt.idempotency_key == f"safecity-delivery-{delivery.pk}"
    assert receipt.content_type == "application/json; charset=utf-8"
    assert receipt.payload == {
        "id": delivery.pk,
        "title": "台风橙色预警",
        "body": "请转移群众",
        "url": "https://safecity.example.gov.cn/x/1/",
        "level": "info",
        "recipient": {"username": "grid-huicheng", "full_name": "张网格", "phone": "13800138000"},
        "created_at": notification.created_at.isoformat(),
    }


def test_a_webhook_answering_500_is_retried_with_the_same_idempotency_key(user, webhook_server, isolated_channels):
    webhook_server.answers = [500]
    delivery = notify_one_with(WebhookChannel([webhook_server.url]), user)
    now = timezone.now()
    assert deliver(delivery.pk, now=now) == Outcome.FAILED
    assert "HTTP 500" in state(delivery).last_error
    assert deliver(delivery.pk, now=now + MINUTE) == Outcome.SENT
    first, second = webhook_server.wait_for(2)
    assert (first.status, second.status) == (500, 200)
    assert first.idempotency_key == second.idempotency_key == f"safecity-delivery-{delivery.pk}"


def test_a_webhook_redirect_is_a_failure_not_a_lost_post(user, webhook_server, isolated_channels):
    webhook_server.answers = [302]
    delivery = notify_one_with(WebhookChannel([webhook_server.url]), user)
    assert deliver(delivery.pk) == Outcome.FAILED
    assert "HTTP 302" in state(delivery).last_error


def test_an_unreachable_webhook_fails_and_stays_in_the_outbox(user, webhook_server, isolated_channels):
    url = webhook_server.url
    webhook_server.stop()
    delivery = notify_one_with(WebhookChannel([url], timeout=2), user)
    assert deliver(delivery.pk) == Outcome.FAILED
    assert "unreachable" in state(delivery).last_error


def test_channels_are_registered_from_settings(settings, isolated_channels):
    settings.SAFECITY = {**settings.SAFECITY, "EMAIL_NOTIFICATIONS": False, "WEBHOOKS": []}
    assert register_configured_channels() == [] and notifications.registered_channels() == []
    settings.SAFECITY = {**settings.SAFECITY, "EMAIL_NOTIFICATIONS": True, "WEBHOOKS": ["http://127.0.0.1:9/hook"]}
    assert register_configured_channels() == ["email", "webhook"]
    assert notifications.get_channel("webhook") is not None


def notify_one_with(channel, user, **fields) -> Delivery:
    """Notify through this channel alone (use with the ``isolated_channels`` fixture)."""
    notifications.register_channel(channel.as_channel())
    return notify_one(user, **fields)


def test_a_broker_that_is_down_does_not_fail_the_request_and_the_sweep_sends_later(
    user, fake_channel, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(deliver_notifications, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery = notify_one(user)
    assert len(callbacks) == 1  # the queueing was attempted after commit, and its failure swallowed (logged)
    assert state(delivery).status == DeliveryStatus.PENDING
    assert deliver_due() == {Outcome.SENT: 1}


def test_new_rows_are_queued_for_the_workers_after_commit(
    user, fake_channel, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(deliver_notifications, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify_one(user)
    assert queued == [[delivery.pk]]
