"""A real Celery worker on Redis delivers a notification through a webhook, retrying after the receiver's 500.

The worker runs in a thread of the test process (Celery's test ``WorkController``, solo pool), so it
uses pytest-django's test database; the test commits for real (``transaction=True``). It uses Redis
database 15 at 127.0.0.1:6379 with a queue of its own, deleted afterwards. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress

import pytest
from celery import Celery, signals
from celery.contrib.testing.worker import TestWorkController
from django.db import connections, transaction

from safecity.accounts.models import User
from safecity.celery import app as celery_app
from safecity.core import notifications
from safecity.core.channels import WebhookChannel
from safecity.core.models import Delivery, DeliveryStatus
from safecity.core.notifications import notify
from safecity.core.tasks import deliver_due_notifications

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 15
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
TIMEOUT = 30.0


def _redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_reachable(), reason=f"needs Redis at {REDIS_HOST}:{REDIS_PORT} (CI runs one)"
)


@contextmanager
def celery_on_redis():
    """A Celery app configured like ``safecity.celery.app`` but on Redis db 15, with a queue of this test's own.

    Only this test's keys are deleted afterwards (not the whole database), so two test runs on one
    machine cannot take or drop each other's messages.
    """
    import redis

    queue = f"safecity-test-{uuid.uuid4().hex[:12]}"
    app = Celery("safecity-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL, broker_transport_options={}, task_always_eager=False, task_default_queue=queue
    )
    app.set_current()  # the shared tasks (``deliver_notifications.delay``) resolve to this app in this thread
    try:
        yield app
    finally:
        celery_app.set_current()
        app.close()
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)


@contextmanager
def worker_thread(app):
    """A Celery worker consuming in a thread; stopped (and its database connections closed) on exit."""

    def close_connections(**kwargs):  # the worker thread's own connections: none left open when it ends
        connections.close_all()

    signals.task_postrun.connect(close_connections, weak=False)
    worker = TestWorkController(
        app=app,
        concurrency=1,
        pool="solo",
        loglevel="WARNING",
        logfile=None,
        ready_callback=None,
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
    )
    thread = threading.Thread(target=worker.start, daemon=True)
    thread.start()
    try:
        assert worker._on_started.wait(TIMEOUT), "the Celery worker did not start"
        yield worker
    finally:
        from celery.worker import state

        state.should_terminate = 0
        thread.join(TIMEOUT)
        state.should_terminate = None
        signals.task_postrun.disconnect(close_connections)
        assert not thread.is_alive(), "the Celery worker did not stop"


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_a_webhook_once_retrying_after_a_500(
    webhook_server, settings, monkeypatch, isolated_channels
):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # Django's system checks are not what is tested here
    # Retry after 1 second instead of a minute, so the sweep's second attempt comes quickly.
    settings.SAFECITY = {**settings.SAFECITY, "DELIVERY_RETRY_SECONDS": 1, "DELIVERY_RETRY_MAX_SECONDS": 1}
    notifications.register_channel(WebhookChannel([webhook_server.url], timeout=5).as_channel())
    webhook_server.answers = [500]
    user = User.objects.create_user(username="grid-1", full_name="李网格", phone="13900139000")

    with celery_on_redis() as app, worker_thread(app):
        with transaction.atomic():  # as a service does: the task is queued when this commits
            (notification,) = notify(recipients=[user], title="森林火险红色预警", body="请立即巡查")
        first = webhook_server.wait_for(1, TIMEOUT)[0]
        assert first.status == 500
        # The periodic sweep, as beat sends it every minute: it retries once the back-off has passed.
        deadline = time.monotonic() + TIMEOUT
        while len(webhook_server.receipts) < 2 and time.monotonic() < deadline:
            deliver_due_notifications.delay()
            time.sleep(0.5)
        webhook_server.wait_for(2, 1)
        time.sleep(1)  # a few more sweeps were queued: they must find nothing to send
    receipts = webhook_server.receipts
    assert [receipt.status for receipt in receipts] == [500, 200]
    (delivery,) = Delivery.objects.filter(notification=notification)
    assert {receipt.idempotency_key for receipt in receipts} == {f"safecity-delivery-{delivery.pk}"}
    assert receipts[1].payload["title"] == "森林火险红色预警"
    assert receipts[1].payload["recipient"]["phone"] == "13900139000"
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert delivery.sent_at is not None and "HTTP 500" in delivery.last_error


# --- `make run`: the web server and the worker start and stop together ------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@contextmanager
def serve_with_worker(var_dir):
    """``safecity serve --with-worker`` on the embedded broker in ``var_dir``, as ``make run`` starts it."""
    env = {**os.environ, "SAFECITY_VAR_DIR": str(var_dir), "DEBUG": "0"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    command = [sys.executable, "-m", "safecity.cli", "serve", "--with-worker", "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{_free_port()}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    pidfile = var_dir / "celery" / "worker.pid"
    try:
        assert _wait(lambda: pidfile.exists() and pidfile.read_text().strip()), "the worker did not start"
        yield server, int(pidfile.read_text())
    finally:
        with suppress(ProcessLookupError):  # whatever is left of the group (nothing, normally)
            os.killpg(server.pid, signal.SIGKILL)
        if not server.stdout.closed:
            server.communicate(timeout=TIMEOUT)


def test_make_run_starts_the_worker_and_ctrl_c_stops_both(tmp_path):
    with serve_with_worker(tmp_path) as (server, worker_pid):
        assert _alive(worker_pid)
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: SIGINT to the terminal's foreground process group
        assert server.wait(TIMEOUT) == 0
        assert not _alive(worker_pid)
        assert not (tmp_path / "celery" / "worker.pid").exists()  # a warm shutdown removes it


def test_the_worker_does_not_outlive_a_killed_server(tmp_path):
    with serve_with_worker(tmp_path) as (server, worker_pid):
        server.kill()  # SIGKILL: no chance to clean up; the kernel tells its children (Linux)
        server.wait(TIMEOUT)
        if sys.platform.startswith("linux"):
            assert _wait(lambda: not _alive(worker_pid)), "the worker outlived the server"
            server.communicate(timeout=TIMEOUT)  # returns at EOF: gunicorn, which holds the pipe too, is gone
        elif _alive(worker_pid):
            os.kill(worker_pid, signal.SIGTERM)
