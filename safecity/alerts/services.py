"""Receiving a CAP message: keep it exactly as received, then start, update or lift the warning it
concerns — one transaction — and tell those on duty in the regions covered (after commit)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.scoping import get_scopes
from safecity.core.services import object_save
from safecity.geo.codes import prefix_of

from . import cap, rules
from .choices import Colour, Outcome, State
from .models import CapMessage, WarningSignal
from .selectors import common_region, regions_covered

#: Why a user may not receive warnings.
RECEIVER_ONLY = gettext_lazy("Warnings are received by the city's duty room (a user whose area is the whole city).")


#: Called with ``(actor=, warning=)`` whenever a real warning in force is started or changed by a message
#: (another app's reaction — e.g. activating the contingency plans it triggers), inside the transaction
#: that keeps the message; it returns what it could not do (texts recorded with the message). A listener
#: that raises ``ValidationError`` or ``PermissionDenied`` undoes only its own work: the message and the
#: warning are kept, and the reason is recorded with the message.
_listeners: list[Callable] = []


def on_warning(listener: Callable) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


@dataclass(frozen=True)
class Received:
    message: CapMessage
    #: The same message (same sender, identifier and time) had been received before: nothing changed.
    duplicate: bool = False


def may_receive(user) -> bool:
    """Warnings come to the city's duty room: the permission, and a scope covering the whole city."""
    if not user or not user.is_authenticated or not user.has_perm("alerts.add_capmessage"):
        return False
    return get_scopes(user).covers_prefix(prefix_of(settings.SAFECITY["CITY_CODE"]))


@lru_cache(maxsize=4)
def _schema(path: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(path))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # kept as received; the parser has already read it from the bytes


def receive(*, actor, data: bytes, channel: str) -> Received:
    """Read and keep one CAP message. A message that cannot be used raises ``ValidationError`` and keeps
    nothing; the same message again is answered with the one kept (``duplicate``) and changes nothing."""
    if not may_receive(actor):
        raise PermissionDenied(str(RECEIVER_ONLY))
    digest = hashlib.sha256(data).hexdigest()
    if existing := CapMessage.objects.filter(digest=digest).first():
        return Received(existing, duplicate=True)
    schema_path = rules.setting("SCHEMA")
    try:
        message = cap.parse(data, schema=_schema(str(schema_path)) if schema_path else None)
    except cap.CapError as exc:
        raise ValidationError({"message": exc.errors}) from exc
    try:
        with transaction.atomic():
            same = (
                CapMessage.objects.select_for_update()
                .filter(sender=message.sender, identifier=message.identifier)
                .first()
            )
            if same is not None:
                return _received_before(same, message)
            record = _keep(actor, message, data, digest, channel)
    except IntegrityError:  # the same message, received at the same moment by another request, was kept first
        same = CapMessage.objects.filter(sender=message.sender, identifier=message.identifier).first()
        if same is None:
            raise
        return _received_before(same, message)
    return Received(record)


def _received_before(same: CapMessage, message: cap.Message) -> Received:
    """The message kept under this sender and identifier: the same one again, or a refused clash."""
    if same.sent == message.sent:  # delivered again, perhaps with other bytes (whitespace, signature)
        return Received(same, duplicate=True)
    raise ValidationError(
        {
            "message": _(
                "%(sender)s already sent a different message with the identifier %(identifier)s "
                "(sent %(sent)s); identifiers are unique per sender."
            )
            % {"sender": same.sender, "identifier": same.identifier, "sent": same.sent.isoformat()}
        }
    )


def _keep(actor, message: cap.Message, data: bytes, digest: str, channel: str) -> CapMessage:
    """Keep the message and apply it to its warning (inside the caller's transaction)."""
    info = message.info_for(rules.setting("LANGUAGES"))
    record = CapMessage(
        identifier=message.identifier,
        sender=message.sender,
        sent=message.sent,
        cap_status=message.status,
        msg_type=message.msg_type,
        references=" ".join(f"{r.sender},{r.identifier},{r.sent.isoformat()}" for r in message.references),
        event=info.event[:200] if info else "",
        area_description="；".join(a.description for a in info.areas) if info else "",
        raw=_decode(data),
        digest=digest,
        channel=channel,
        signed=message.signed,
        notices=list(message.notices),
    )
    record.outcome, signal, previous_colour = _apply(actor, message, info, record)
    record.signal = signal
    if signal is not None and record.outcome in (Outcome.NEW, Outcome.UPDATED) and signal.state() == State.IN_FORCE:
        for listener in _listeners:
            try:
                with transaction.atomic():
                    record.notices.extend(listener(actor=actor, warning=signal) or [])
            except (ValidationError, PermissionDenied) as exc:
                record.notices.extend(exc.messages if isinstance(exc, ValidationError) else [str(exc)])
    object_save(actor=actor, instance=record, change_reason=str(Outcome(record.outcome).label))
    if signal is not None and not signal.exercise:
        _announce(record, signal, previous_colour)
    return record


def _referenced_signal(message: cap.Message) -> WarningSignal | None:
    if not message.references:
        return None
    q = Q(pk__in=[])
    for ref in message.references:
        q |= Q(sender=ref.sender, identifier=ref.identifier)
    ref = CapMessage.objects.filter(q, signal__isnull=False).order_by("-sent").select_related("signal").first()
    return ref.signal if ref else None


def _apply(actor, message: cap.Message, info: cap.Info | None, record: CapMessage):
    """What the message does: ``(outcome, warning or None, the warning's colour before)``."""
    if message.status not in (*rules.REAL_STATUSES, *rules.PRACTICE_STATUSES) or message.msg_type in ("Ack", "Error"):
        return Outcome.RECORDED, None, None
    signal = _referenced_signal(message) if message.msg_type in ("Update", "Cancel") else None
    if message.msg_type in ("Update", "Cancel") and message.references and signal is None:
        record.notices.append(_("Refers to messages we have not received."))
    if signal is not None and message.sent < signal.sent:
        return Outcome.STALE, signal, None
    if message.msg_type == "Cancel":
        if signal is None:
            return Outcome.UNKNOWN_REFERENCE, None, None
        before = signal.colour
        signal.lifted_at = message.sent
        signal.sent = message.sent
        object_save(actor=actor, instance=signal, change_reason=_("lifted"))
        return Outcome.LIFTED, signal, before
    if info is None:
        return Outcome.RECORDED, signal, None
    regions = regions_covered(info)
    if signal is None and not regions:
        return Outcome.NOT_FOR_AREA, None, None
    outcome = Outcome.UPDATED if signal is not None else Outcome.NEW
    before = signal.colour if signal is not None else None
    signal = signal or WarningSignal()
    _fill(signal, message, info)
    if regions:
        signal.region = common_region(regions)
    object_save(
        actor=actor,
        instance=signal,
        after_save=(lambda s: s.regions.set(regions)) if regions else None,
        change_reason=str(outcome.label),
    )
    return outcome, signal, before


def _fill(signal: WarningSignal, message: cap.Message, info: cap.Info) -> None:
    signal.sender = message.sender[:200]
    signal.sender_name = info.sender_name[:200]
    signal.event = info.event[:200]
    signal.kind = rules.kind_of(info.event, info.headline, info.event_codes)
    signal.colour = rules.colour_of(
        parameters=info.parameters, event=info.event, headline=info.headline, severity=info.severity
    )
    signal.severity, signal.urgency, signal.certainty = info.severity, info.urgency, info.certainty
    signal.headline = info.headline[:300]
    signal.description, signal.instruction = info.description, info.instruction
    signal.area_description = "；".join(a.description for a in info.areas)
    signal.sent, signal.effective, signal.onset, signal.expires = message.sent, info.effective, info.onset, info.expires
    signal.exercise = message.status in rules.PRACTICE_STATUSES


def _announce(record: CapMessage, signal: WarningSignal, previous_colour: str | None) -> None:
    """New and lifted warnings, and a changed colour, go to those on duty in every region covered."""
    from safecity.incidents.selectors import responsible_for

    colour = Colour(signal.colour)
    if record.outcome == Outcome.NEW:
        title = _("%(colour)s: %(event)s") % {"colour": colour.label, "event": signal}
    elif record.outcome == Outcome.LIFTED:
        title = _("Warning lifted: %(event)s") % {"event": signal}
    elif record.outcome == Outcome.UPDATED and previous_colour and previous_colour != signal.colour:
        raised = rules.COLOUR_RANK[signal.colour] > rules.COLOUR_RANK[previous_colour]
        title = (_("Raised to %(colour)s: %(event)s") if raised else _("Lowered to %(colour)s: %(event)s")) % {
            "colour": colour.label,
            "event": signal,
        }
    else:
        return
    people = {person for region in signal.regions.all() for person in responsible_for(region).people}
    notify(
        recipients=people,
        title=title,
        body=signal.instruction or signal.description,
        url=signal.get_absolute_url(),
        level=NotificationLevel.INFO if record.outcome == Outcome.LIFTED else rules.NOTIFY_LEVEL[signal.colour],
        target=signal,
        dedupe_key=f"warning-{signal.pk}-{record.digest[:16]}",
    )
