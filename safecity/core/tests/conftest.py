"""Fixtures for the outbox tests: a fake channel, and a real HTTP server standing in for a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from safecity.core import notifications
from safecity.core.notifications import Channel

PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@dataclass
class FakeChannel:
    """Records what it "sends"; ``down = True`` makes it raise like an unreachable gateway."""

    name: str = "fake"
    down: bool = False
    sent: list[int] = field(default_factory=list)
    attempts: int = 0

    def send(self, delivery) -> None:
        self.attempts += 1
        if self.down:
            raise ConnectionError("gateway unreachable")
        self.sent.append(delivery.pk)


@pytest.fixture
def isolated_channels(monkeypatch):
    """An empty channel registry for this test; the configured one is back afterwards."""
    monkeypatch.setattr(notifications, "_channels", {})
    return notifications._channels


@pytest.fixture
def fake_channel(isolated_channels):
    """A channel registered for this test only (every user gets copies)."""
    channel = FakeChannel()
    notifications.register_channel(Channel(channel.name, lambda user: True, channel.send))
    return channel


@dataclass
class Receipt:
    status: int
    idempotency_key: str | None
    content_type: str | None
    payload: dict


class WebhookServer:
    """A webhook receiver on 127.0.0.1 (random port): answers ``answers`` in turn (then 200), records every POST."""

    def __init__(self):
        self.answers: list[int] = []
        self.receipts: list[Receipt] = []
        self._changed = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length).decode())
                with server._changed:
                    status = server.answers.pop(0) if server.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"try again later")
                with server._changed:
                    server.receipts.append(
                        Receipt(status, self.headers.get("Idempotency-Key"), self.headers.get("Content-Type"), payload)
                    )
                    server._changed.notify_all()

            def log_message(self, format, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/hook"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> WebhookServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Receipt]:
        """Wait (at most ``timeout`` seconds) until ``count`` requests have arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.receipts) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited {timeout}s for {count} webhook calls, got {len(self.receipts)}")
                self._changed.wait(left)
            return list(self.receipts)


@pytest.fixture
def webhook_server(monkeypatch):
    for variable in PROXY_VARIABLES:  # the receiver is local: no proxy in between
        monkeypatch.delenv(variable, raising=False)
    server = WebhookServer().start()
    yield server
    server.stop()
