"""Outbound notification channels: e-mail and a generic JSON webhook.

Both are registered at start-up from settings (:func:`register_configured_channels`, called by
``CoreConfig.ready()``): e-mail when ``SAFECITY["EMAIL_NOTIFICATIONS"]`` is on, the webhook when
``SAFECITY["WEBHOOKS"]`` names at least one URL. A channel's ``send`` raises on any failure, so the
outbox (:mod:`safecity.core.delivery`) retries it; every copy of one delivery carries the same key
(``Idempotency-Key`` header, e-mail ``Message-ID``) so that a receiver can drop a repeat.

The webhook is the adapter for SMS gateways and WeCom / DingTalk group robots: a small relay
receives SafeCity's JSON and speaks the vendor's API. It carries the recipient's phone number in
full (an SMS gateway needs it), so only configure URLs of the city's own relays.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage

from .models import Delivery
from .notifications import Channel, register_channel


def absolute_url(path: str) -> str:
    """``path`` made absolute with ``SAFECITY["BASE_URL"]`` ("" stays "")."""
    if not path:
        return ""
    return urljoin(settings.SAFECITY.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/") + "/", path)


def idempotency_key(delivery: Delivery) -> str:
    """The same for every attempt of one delivery, different for every delivery."""
    return f"safecity-delivery-{delivery.pk}"


class EmailChannel:
    """E-mail through Django's e-mail backend (``EMAIL_*`` settings) to users who have an address."""

    name = "email"

    def applies_to(self, user) -> bool:
        return bool(getattr(user, "email", ""))

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        subject = " ".join(notification.title.split())  # a header: no line breaks
        body = notification.body
        link = absolute_url(notification.url)
        if link:
            body = f"{body}\n\n{link}" if body else link
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[notification.recipient.email],
            headers={"Message-ID": f"<{idempotency_key(delivery)}@{domain}>"},
        )
        message.send(fail_silently=False)

    def as_channel(self) -> Channel:
        return Channel(self.name, self.applies_to, self.send)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following it would turn the POST into a GET and lose the message."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class WebhookError(Exception):
    """A webhook answered something other than 2xx, or could not be reached."""


class WebhookChannel:
    """POST each notification as JSON to every configured URL, with an ``Idempotency-Key`` header.

    Every URL must answer 2xx; if one fails the whole delivery is retried (to every URL, with the same
    key, so a receiver that got it before drops it).
    """

    name = "webhook"

    def __init__(self, urls: list[str], *, timeout: float = 10.0):
        self.urls = list(urls)
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    def applies_to(self, user) -> bool:
        return True

    def payload(self, delivery: Delivery) -> dict:
        notification = delivery.notification
        recipient = notification.recipient
        return {
            "id": delivery.pk,
            "title": notification.title,
            "body": notification.body,
            "url": absolute_url(notification.url),
            "level": notification.level,
            "recipient": {
                "username": recipient.get_username(),
                "full_name": getattr(recipient, "full_name", ""),
                "phone": getattr(recipient, "phone", ""),
            },
            "created_at": notification.created_at.isoformat(),
        }

    def send(self, delivery: Delivery) -> None:
        data = json.dumps(self.payload(delivery), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": idempotency_key(delivery),
            "User-Agent": "SafeCity",
        }
        for url in self.urls:
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    status = response.status
                    response.read(65536)
            except urllib.error.HTTPError as exc:  # 4xx, 5xx and (unfollowed) redirects
                detail = exc.read(500).decode(errors="replace")
                raise WebhookError(f"{url} answered HTTP {exc.code}: {detail}") from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                raise WebhookError(f"{url} unreachable: {exc}") from exc
            if not 200 <= status < 300:
                raise WebhookError(f"{url} answered HTTP {status}")

    def as_channel(self) -> Channel:
        return Channel(self.name, self.applies_to, self.send)


def register_configured_channels() -> list[str]:
    """Register the channels the settings switch on; returns their names."""
    config = settings.SAFECITY
    names = []
    if config.get("EMAIL_NOTIFICATIONS"):
        register_channel(EmailChannel().as_channel())
        names.append(EmailChannel.name)
    if config.get("WEBHOOKS"):
        channel = WebhookChannel(config["WEBHOOKS"], timeout=float(config.get("WEBHOOK_TIMEOUT", 10)))
        register_channel(channel.as_channel())
        names.append(WebhookChannel.name)
    return names
