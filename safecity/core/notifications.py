"""Notifications: the in-app centre plus pluggable outbound channels, through an outbox.

``notify()`` is the one entry point. It writes a :class:`~safecity.core.models.Notification` per
recipient and a :class:`~safecity.core.models.Delivery` per outbound channel that applies to that
recipient, in the caller's transaction; after commit it asks the background workers to deliver.
A ``dedupe_key`` makes notifying idempotent: the same key for the same recipient is stored once,
so a sweep that runs twice notifies once.

Channels register themselves with :func:`register_channel`; see :mod:`safecity.core.channels`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from .models import Delivery, Notification, NotificationLevel


@dataclass(frozen=True)
class Channel:
    """An outbound channel: ``applies_to(user)`` says whether the user gets copies; ``send(delivery)`` sends one
    (raising on failure, so the outbox retries)."""

    name: str
    applies_to: Callable[[object], bool]
    send: Callable[[Delivery], None]


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    _channels[channel.name] = channel


def get_channel(name: str) -> Channel | None:
    return _channels.get(name)


def registered_channels() -> list[Channel]:
    return list(_channels.values())


def _schedule_delivery(delivery_ids: list[int]) -> None:
    """Hand new outbox rows to the workers (after commit). Without a task queue they wait for the sweep."""
    if not delivery_ids:
        return
    try:
        from .tasks import deliver_notifications
    except ImportError:  # background jobs not installed: the periodic sweep picks them up
        return
    # robust: a broker that is down must not fail the request that committed; the periodic sweep sends the rows.
    transaction.on_commit(lambda: deliver_notifications.delay(delivery_ids), robust=True)


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    level: str = NotificationLevel.INFO,
    target: models.Model | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Notify each recipient once; returns the notifications created now (not those already sent under the key)."""
    target_type = ContentType.objects.get_for_model(type(target)) if target is not None else None
    created: list[Notification] = []
    delivery_ids: list[int] = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    title=str(title)[:200],
                    body=str(body),
                    url=url,
                    level=level,
                    target_type=target_type,
                    target_id=target.pk if target is not None else None,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:  # a concurrent sweep stored the same key first
            continue
        created.append(notification)
        for channel in registered_channels():
            if channel.applies_to(user):
                delivery_ids.append(Delivery.objects.create(notification=notification, channel=channel.name).pk)
    _schedule_delivery(delivery_ids)
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
