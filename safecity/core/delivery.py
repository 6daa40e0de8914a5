"""The outbox worker's service: send one :class:`~safecity.core.models.Delivery`, or every due one.

Semantics — **at least once, never twice at the same time, never silently lost**:

1. *Claim* (one short transaction): lock the row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite has no row locks but runs the transaction ``BEGIN IMMEDIATE``, so claims are serialised),
   check it is still pending/failed and due, then count the attempt and push ``next_attempt_at`` out
   by the back-off — with a compare-and-set ``UPDATE`` on the old values, so two workers can never
   both claim it. The claim is committed *before* anything is sent: no database transaction or
   lock is held during a slow network call, and the pushed-out ``next_attempt_at`` is the lease that
   keeps the sweep away while the send is in flight (the first back-off, 1 minute, is well above a
   channel's time-outs, 10 seconds).
2. *Send* through the channel, outside any transaction.
3. *Record*: ``sent`` with ``sent_at``; or ``failed`` with the error (retried once the back-off has
   passed); or ``dead`` once ``DELIVERY_MAX_ATTEMPTS`` attempts have failed (the admin can retry).

If the process dies between 2 and 3, the row is still pending/failed, with the attempt counted
and ``next_attempt_at`` in the future: the sweep sends it again after the back-off. That can repeat
a message the receiver already got — the price of never losing one (marking the row before sending
would be at-most-once, and a crash would drop an emergency notification without a trace). Every
copy of a delivery carries the same key — ``Idempotency-Key: safecity-delivery-<id>`` on webhooks, the
same ``Message-ID`` on e-mails — so receivers can drop the repeat. A row whose last permitted
attempt never reported back is marked dead (outcome unknown) rather than sent a further time.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Delivery, DeliveryStatus
from .notifications import _schedule_delivery, get_channel

logger = logging.getLogger(__name__)

#: Rows the workers still have to send.
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
ERROR_MAX_CHARS = 2000


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    #: Not due, already sent or given up, or being sent by another worker: nothing done.
    SKIPPED = "skipped"


class ChannelNotConfigured(Exception):
    """The delivery's channel is not registered (any more) in this process."""


def max_attempts() -> int:
    return max(1, int(settings.SAFECITY.get("DELIVERY_MAX_ATTEMPTS", 8)))


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most an hour (by default)."""
    base = float(settings.SAFECITY.get("DELIVERY_RETRY_SECONDS", 60))
    cap = float(settings.SAFECITY.get("DELIVERY_RETRY_MAX_SECONDS", 3600))
    exponent = min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(cap, base * 2**exponent))


def _claim(delivery_id: int, now: datetime) -> Delivery | Outcome:
    """Count the attempt and lease the row in one committed transaction; an :class:`Outcome` if nothing to send."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status__in=RETRYABLE, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return Outcome.SKIPPED
        current = Delivery.objects.filter(pk=delivery.pk, status=delivery.status, attempts=delivery.attempts)
        if delivery.attempts >= max_attempts():
            # The last permitted attempt was claimed but never reported back (the worker died mid-send).
            error = f"attempt {delivery.attempts} did not report back (worker stopped?); outcome unknown, given up"
            current.update(status=DeliveryStatus.DEAD, last_error=error)
            logger.error("Delivery %s (%s) given up: %s", delivery.pk, delivery.channel, error)
            return Outcome.DEAD
        attempts = delivery.attempts + 1
        claimed = current.update(attempts=attempts, next_attempt_at=now + backoff(attempts))
        if not claimed:  # changed since we read it: another worker has it
            return Outcome.SKIPPED
    return Delivery.objects.select_related("notification", "notification__recipient").get(pk=delivery_id)


def deliver(delivery_id: int, *, now: datetime | None = None) -> Outcome:
    """Send one outbox row if it is due; record the result. Safe to call twice, or from two workers at once.

    Call it outside a transaction (as tasks do): the claim must be committed before the send.
    """
    started = now or timezone.now()
    delivery = _claim(delivery_id, started)
    if isinstance(delivery, Outcome):
        return delivery
    channel = get_channel(delivery.channel)
    try:
        if channel is None:
            raise ChannelNotConfigured(f"channel {delivery.channel!r} is not configured")
        channel.send(delivery)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
        status = DeliveryStatus.DEAD if delivery.attempts >= max_attempts() else DeliveryStatus.FAILED
        Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE).update(status=status, last_error=error)
        if status == DeliveryStatus.DEAD:
            logger.error(
                "Delivery %s (%s) given up after %s attempts: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                error,
            )
            return Outcome.DEAD
        logger.warning(
            "Delivery %s (%s) attempt %s failed, retried at %s: %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            timezone.localtime(delivery.next_attempt_at),
            error,
        )
        return Outcome.FAILED
    Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE).update(
        status=DeliveryStatus.SENT, sent_at=now or timezone.now()
    )
    logger.info("Delivery %s (%s) sent on attempt %s", delivery.pk, delivery.channel, delivery.attempts)
    return Outcome.SENT


def due_deliveries(now: datetime | None = None) -> QuerySet[Delivery]:
    return Delivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=now or timezone.now())


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> Counter[Outcome]:
    """The periodic sweep: send every due pending/failed row (oldest due first, at most ``limit``)."""
    ids = list(due_deliveries(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    outcomes: Counter[Outcome] = Counter(deliver(pk, now=now) for pk in ids)
    if ids:
        logger.info("Outbox sweep: %s", ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))
    return outcomes


def retry_deliveries(deliveries: QuerySet[Delivery], *, now: datetime | None = None) -> int:
    """Retry failed and given-up rows now, with a fresh series of attempts; returns how many."""
    ids = list(deliveries.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD]).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.FAILED, attempts=0, next_attempt_at=now or timezone.now()
    )
    _schedule_delivery(ids)
    return len(ids)
