"""State changes of duty that matter: roster import, shift swaps, handovers and the handover alert.

Keyword-only, typed, atomic; every save goes through :func:`safecity.core.services.object_save`
(history with the acting user, scope re-checked in the transaction). Notifications are written in
the same transaction through :func:`safecity.core.notifications.notify`, which delivers after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.exceptions import OutOfScope
from safecity.core.notifications import notify
from safecity.core.services import ensure_in_scope, object_archive, object_save

from . import rules
from .choices import SwapStatus
from .models import DutyPost, Handover, Shift, ShiftSwap
from .roster import RosterRow
from .selectors import on_duty

logger = logging.getLogger(__name__)


def _absolute(url_name: str, pk: int) -> str:
    return reverse(url_name, kwargs={"pk": pk})


# ---- roster --------------------------------------------------------------------------------------


def roster_import(*, actor, post: DutyPost, rows: list[RosterRow]) -> list[Shift]:
    """Create one shift per validated roster row (see :func:`safecity.duty.roster.validate_roster`), all or nothing.

    Rows marked ``replaces`` archive the shift they replace in the same transaction.
    """
    if not DutyPost.objects.restrict(actor, "view").filter(pk=post.pk).exists():
        raise OutOfScope()
    created = []
    with transaction.atomic():
        replaced = {
            s.pk: s
            for s in Shift.objects.restrict(actor, "delete").filter(pk__in=[r.replaces for r in rows if r.replaces])
        }
        for row in rows:
            if row.replaces:
                if row.replaces not in replaced:
                    raise OutOfScope()
                object_archive(actor=actor, instance=replaced[row.replaces], change_reason="replaced by import")
            shift = Shift(post=post, starts_at=row.starts_at, ends_at=row.ends_at, leader=row.leader, phone=row.phone)
            object_save(
                actor=actor,
                instance=shift,
                change_reason="import",
                after_save=lambda s, officers=row.officers: s.set_officers(officers),
            )
            created.append(shift)
    return created


# ---- swaps ---------------------------------------------------------------------------------------


def _on_shift(shift: Shift, user) -> bool:
    return shift.leader_id == user.pk or shift.officers.filter(pk=user.pk).exists()


def can_decide_swap(user, swap: ShiftSwap, *, at: datetime | None = None) -> bool:
    """Whether ``user`` may approve or reject ``swap``: the post's leader on shift now, or an administrator or
    HQ duty officer whose area holds the shift (``rules.SWAP_APPROVER_ROLES``); never one of the two people."""
    if not user.is_authenticated or user.pk in (swap.from_user_id, swap.to_user_id):
        return False
    if not Shift.objects.restrict(user, "view").filter(pk=swap.shift_id).exists():
        return False
    if user.is_superuser or user.groups.filter(name__in=rules.SWAP_APPROVER_ROLES).exists():
        return True
    leader = on_duty(swap.shift.post, at).leader
    return leader is not None and leader.pk == user.pk


def swap_approvers(swap: ShiftSwap) -> list:
    """Who is asked to decide: the post's leader on shift now (HQ sees pending swaps in its list)."""
    leader = on_duty(swap.shift.post).leader
    return [leader] if leader is not None and leader.pk not in (swap.from_user_id, swap.to_user_id) else []


def swap_request(*, actor, shift: Shift, from_user, to_user, reason: str = "") -> ShiftSwap:
    """Ask for ``from_user``'s place on ``shift`` to go to ``to_user``.

    ``from_user`` must be on the shift (leader on shift or duty officer) and ``to_user`` not; the shift
    must not have ended. The person handing over asks, or someone who keeps the roster (may change shifts).
    """
    if actor.pk != from_user.pk and not Shift.objects.restrict(actor, "change").filter(pk=shift.pk).exists():
        raise PermissionDenied(_("Only the person on the shift or whoever keeps the roster can ask for a swap."))
    errors = {}
    if shift.archived_at is not None or shift.ends_at <= timezone.now():
        errors["shift"] = _("This shift is over or archived; it can no longer be swapped.")
    if not _on_shift(shift, from_user):
        errors["from_user"] = _("%(person)s is not on this shift.") % {"person": from_user}
    elif _on_shift(shift, to_user):
        errors["to_user"] = _("%(person)s is already on this shift.") % {"person": to_user}
    if ShiftSwap.objects.filter(
        shift=shift, from_user=from_user, status=SwapStatus.REQUESTED, archived_at__isnull=True
    ).exists():
        errors.setdefault("from_user", _("A swap for this person on this shift is already awaiting approval."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        swap = ShiftSwap(shift=shift, from_user=from_user, to_user=to_user, reason=reason)
        object_save(actor=actor, instance=swap)
        url = _absolute("duty:shiftswap_detail", swap.pk)
        notify(
            recipients=[to_user],
            title=_("%(person)s asks you to take over the shift %(shift)s") % {"person": from_user, "shift": shift},
            body=reason,
            url=url,
            target=swap,
            dedupe_key=f"shiftswap-{swap.pk}-requested",
        )
        notify(
            recipients=swap_approvers(swap),
            title=_("Shift swap awaiting your approval: %(swap)s") % {"swap": swap},
            body=reason,
            url=url,
            level="warning",
            target=swap,
            dedupe_key=f"shiftswap-{swap.pk}-approve",
        )
    return swap


def _decide(*, actor, swap: ShiftSwap, status: str, note: str) -> ShiftSwap:
    swap = ShiftSwap.objects.select_for_update().select_related("shift__post").get(pk=swap.pk)
    ensure_in_scope(actor=actor, instance=swap, action="view")
    if swap.status != SwapStatus.REQUESTED:
        raise ValidationError(
            _("This swap has already been decided (%(status)s).") % {"status": swap.get_status_display()}
        )
    if not can_decide_swap(actor, swap):
        raise PermissionDenied(_("Only the post's leader on shift or HQ can decide on a swap."))
    swap.status = status
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    swap.decision_note = (note or "")[:200]
    return swap


def swap_approve(*, actor, swap: ShiftSwap, note: str = "") -> ShiftSwap:
    """Approve ``swap`` and, in the same transaction, put ``to_user`` in ``from_user``'s place on the shift.

    The shift's history records the change (leader or officers, old → new) with the reason "swap #N".
    """
    with transaction.atomic():
        swap = _decide(actor=actor, swap=swap, status=SwapStatus.APPROVED, note=note)
        shift = Shift.objects.select_for_update().get(pk=swap.shift_id)
        if shift.archived_at is not None or shift.ends_at <= timezone.now():
            raise ValidationError(_("This shift is over or archived; it can no longer be swapped."))
        officers = list(shift.officers.all())
        on_it = shift.leader_id == swap.from_user_id or any(o.pk == swap.from_user_id for o in officers)
        if not on_it:
            raise ValidationError(_("%(person)s is no longer on this shift.") % {"person": swap.from_user})
        if shift.leader_id == swap.to_user_id or any(o.pk == swap.to_user_id for o in officers):
            raise ValidationError(_("%(person)s is already on this shift.") % {"person": swap.to_user})
        if shift.leader_id == swap.from_user_id:
            shift.leader = swap.to_user
        new_officers = [swap.to_user if o.pk == swap.from_user_id else o for o in officers]
        object_save(
            actor=actor,
            instance=shift,
            change_reason=f"swap #{swap.pk}",
            after_save=lambda s: s.set_officers(new_officers),
        )
        object_save(actor=actor, instance=swap, change_reason="approved")
        notify(
            recipients=[swap.from_user, swap.to_user],
            title=_("Shift swap approved: %(swap)s") % {"swap": swap},
            body=swap.decision_note,
            url=_absolute("duty:shift_detail", shift.pk),
            target=swap,
            dedupe_key=f"shiftswap-{swap.pk}-decided",
        )
    return swap


def swap_reject(*, actor, swap: ShiftSwap, note: str = "") -> ShiftSwap:
    """Refuse ``swap``; the shift stays as it is."""
    with transaction.atomic():
        swap = _decide(actor=actor, swap=swap, status=SwapStatus.REJECTED, note=note)
        object_save(actor=actor, instance=swap, change_reason="rejected")
        notify(
            recipients=[swap.from_user],
            title=_("Shift swap refused: %(swap)s") % {"swap": swap},
            body=swap.decision_note,
            url=_absolute("duty:shiftswap_detail", swap.pk),
            target=swap,
            dedupe_key=f"shiftswap-{swap.pk}-decided",
        )
    return swap


# ---- handovers -----------------------------------------------------------------------------------


def handover_create(
    *,
    actor,
    post: DutyPost,
    outgoing,
    incoming,
    open_matters: str,
    handed_over_at: datetime | None = None,
) -> Handover:
    """Record a handover at ``post``: ``outgoing`` lists the open matters, ``incoming`` is asked to acknowledge."""
    with transaction.atomic():
        handover = Handover(
            post=post,
            outgoing=outgoing,
            incoming=incoming,
            open_matters=open_matters,
            handed_over_at=handed_over_at or timezone.now(),
        )
        object_save(actor=actor, instance=handover)
        notify(
            recipients=[incoming],
            title=_("Handover at %(post)s: please acknowledge the open matters") % {"post": post},
            body=open_matters,
            url=_absolute("duty:handover_detail", handover.pk),
            level="warning",
            target=handover,
            dedupe_key=f"handover-{handover.pk}-incoming",
        )
    return handover


def handover_acknowledge(*, actor, handover: Handover) -> Handover:
    """The incoming officer acknowledges the open matters; nobody else can."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        ensure_in_scope(actor=actor, instance=handover, action="view")
        if actor.pk != handover.incoming_id:
            raise PermissionDenied(_("Only the incoming officer can acknowledge this handover."))
        if handover.acknowledged_at is not None:
            raise ValidationError(_("This handover has already been acknowledged."))
        handover.acknowledged_at = timezone.now()
        handover.acknowledged_by = actor
        object_save(actor=actor, instance=handover, change_reason="acknowledged")
    return handover


def alert_unacknowledged_handovers(*, now: datetime | None = None) -> int:
    """Alert the post's leader on shift about each handover unacknowledged for longer than the grace period.

    Idempotent: each handover alerts each leader once (dedupe key ``handover-<pk>-unacknowledged``),
    however often the sweep runs. When the post has no leader on shift now, the leader of the shift
    the handover happened in is alerted. Returns the number of notifications created.
    """
    now = now or timezone.now()
    due = (
        Handover.objects.filter(
            archived_at__isnull=True, acknowledged_at__isnull=True, handed_over_at__lte=now - rules.handover_grace()
        )
        .select_related("post", "outgoing", "incoming")
        .order_by("handed_over_at")
    )
    sent = 0
    for handover in due:
        leader = on_duty(handover.post, now).leader or on_duty(handover.post, handover.handed_over_at).leader
        if leader is None:
            logger.warning(
                "Handover %s at %s is unacknowledged and the post has no leader on shift", handover.pk, handover.post
            )
            continue
        when = timezone.localtime(handover.handed_over_at)
        sent += len(
            notify(
                recipients=[leader],
                title=_("Handover not acknowledged: %(post)s, %(when)s")
                % {"post": handover.post, "when": f"{when:%Y-%m-%d %H:%M}"},
                body=_("%(outgoing)s handed over to %(incoming)s; the open matters have not been acknowledged.")
                % {"outgoing": handover.outgoing, "incoming": handover.incoming},
                url=_absolute("duty:handover_detail", handover.pk),
                level="danger",
                target=handover,
                dedupe_key=f"handover-{handover.pk}-unacknowledged",
            )
        )
    return sent
