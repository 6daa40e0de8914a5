"""State changes of quarantine facilities: check-in, check-out, bed status, rooms, readiness, facility status.

Each function is one transaction. Check-in locks the facility row first (``select_for_update``),
so check-ins to one facility are serialised: two officers can never put two persons in the same
bed, nor one person in two beds — and the database's partial unique constraints on open stays
back that up. A refused operation raises :class:`~django.core.exceptions.ValidationError` with a
message that says why, and writes nothing. Every change is saved through ``object_save`` (history
with the actor and a reason, scope re-checked in the transaction).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.services import ensure_in_scope, object_save

from . import rules
from .choices import BedStatus, FacilityStatus, RoomType, StayOutcome, StayReason
from .models import Bed, Facility, ReadinessCheck, Room, Stay


def _locked_facility(actor, facility: Facility, *, allow_archived: bool = False) -> Facility:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    ensure_in_scope(actor=actor, instance=facility, action="change")
    if facility.archived_at is not None and not allow_archived:
        raise ValidationError(_("Facility %(facility)s is archived.") % {"facility": facility})
    return facility


def _set_bed(actor, bed: Bed, status: str, reason: str) -> Bed:
    bed.status = status
    return object_save(actor=actor, instance=bed, change_reason=reason[:100])


def plan_check_out_date(plan) -> date | None:
    """The planned check-out from a management plan (follow-up app): the last day of its first
    facility-quarantine step, or ``None`` when the plan has no such step."""
    if plan is None:
        return None
    steps = getattr(plan, "steps", None)
    if steps is None:
        return None
    step = steps.filter(measure="facility_quarantine").order_by("step").first()
    return step.end_date if step is not None else None


def check_in(
    *,
    actor,
    person,
    facility: Facility,
    bed: Bed | None = None,
    plan=None,
    at: datetime | None = None,
    planned_check_out: date | None = None,
    reason: str = StayReason.CLOSE_CONTACT,
    note: str = "",
) -> Stay:
    """Check ``person`` into ``facility`` — into ``bed`` if given, else the first ready bed (lowest floor
    and room number first) — and open their stay.

    Refused, with a message saying why and nothing written, when the facility is suspended or archived,
    the person is already checked in somewhere, the bed is not a ready bed of this facility, or the
    facility has no free ready bed. A facility on standby or ready goes into use with its first guest.
    """
    at = at or timezone.now()
    with transaction.atomic():
        facility = _locked_facility(actor, facility)
        ensure_in_scope(actor=actor, instance=person, action="view")
        if facility.status == FacilityStatus.SUSPENDED:
            raise ValidationError(
                _("%(facility)s is suspended and takes nobody in. Choose another facility.") % {"facility": facility}
            )
        if getattr(person, "merged_into_id", None):
            raise ValidationError(_("This person record was merged into another one; check in that person instead."))
        current = Stay.objects.filter(person=person, checked_out_at__isnull=True, archived_at__isnull=True).first()
        if current is not None:
            raise ValidationError(
                _(
                    "%(person)s is already checked in at %(facility)s, bed %(bed)s, since %(since)s. "
                    "Check them out first."
                )
                % {
                    "person": person,
                    "facility": current.facility,
                    "bed": current.bed,
                    "since": f"{timezone.localtime(current.checked_in_at):%Y-%m-%d %H:%M}",
                }
            )
        if bed is not None:
            bed = Bed.objects.select_for_update(of=("self",)).select_related("room").filter(pk=bed.pk).first()
            if bed is None or bed.room.facility_id != facility.pk or bed.archived_at is not None:
                raise ValidationError({"bed": _("This bed is not in %(facility)s.") % {"facility": facility}})
            if bed.status != BedStatus.READY:
                raise ValidationError(
                    {
                        "bed": _("Bed %(bed)s is %(status)s, not ready; choose a ready bed.")
                        % {"bed": bed, "status": bed.get_status_display()}
                    }
                )
        else:
            bed = (
                Bed.objects.select_for_update(of=("self",))
                .select_related("room")
                .filter(room__facility=facility, status=BedStatus.READY, archived_at__isnull=True)
                .filter(room__archived_at__isnull=True)
                .order_by("room__floor", "room__number", "label", "pk")
                .first()
            )
            if bed is None:
                counts = bed_counts(Bed.objects.filter(room__facility=facility, archived_at__isnull=True))
                raise ValidationError(
                    _(
                        "%(facility)s is full: no free ready bed (%(total)s beds: %(occupied)s occupied, "
                        "%(cleaning)s being cleaned, %(out)s out of service). Nobody has been checked in; "
                        "choose another facility."
                    )
                    % {
                        "facility": facility,
                        "total": counts["total"],
                        "occupied": counts[BedStatus.OCCUPIED],
                        "cleaning": counts[BedStatus.CLEANING],
                        "out": counts[BedStatus.OUT_OF_SERVICE],
                    }
                )
        if plan is not None and plan.person_id != person.pk:
            raise ValidationError({"plan": _("This management plan is for another person.")})
        if planned_check_out is None:
            planned_check_out = plan_check_out_date(plan)
        if planned_check_out is not None and planned_check_out < timezone.localdate(at):
            raise ValidationError({"planned_check_out": _("The planned check-out cannot be before the check-in date.")})
        stay = Stay(
            person=person,
            facility=facility,
            bed=bed,
            reason=reason,
            checked_in_at=at,
            planned_check_out=planned_check_out,
            note=note,
        )
        stay.plan = plan
        object_save(actor=actor, instance=stay, change_reason="check-in")
        _set_bed(actor, bed, BedStatus.OCCUPIED, "check-in")
        if facility.status in (FacilityStatus.STANDBY, FacilityStatus.READY):
            facility.status = FacilityStatus.IN_USE
            facility.status_reason = ""
            object_save(actor=actor, instance=facility, change_reason="first check-in")
        return stay


def check_out(
    *, actor, stay: Stay, at: datetime | None = None, outcome: str = StayOutcome.COMPLETED, note: str = ""
) -> Stay:
    """Close an open stay; the bed goes to cleaning (made ready again with ``bed_cleaned``)."""
    at = at or timezone.now()
    with transaction.atomic():
        _locked_facility(actor, stay.facility, allow_archived=True)
        stay = Stay.objects.select_for_update(of=("self",)).select_related("bed__room", "person").get(pk=stay.pk)
        if not stay.is_open:
            raise ValidationError(_("This stay is already closed."))
        if at < stay.checked_in_at:
            raise ValidationError(_("The check-out cannot be before the check-in."))
        if outcome not in StayOutcome.values:
            raise ValidationError({"outcome": _("Choose how the stay ended.")})
        stay.checked_out_at = at
        stay.outcome = outcome
        if note:
            stay.note = f"{stay.note}\n{note}".strip()[:500]
        object_save(actor=actor, instance=stay, change_reason="check-out")
        bed = Bed.objects.select_for_update().get(pk=stay.bed_id)
        _set_bed(actor, bed, BedStatus.CLEANING, "check-out")
        return stay


def stay_cancel(*, actor, stay: Stay, reason: str = "") -> Stay:
    """Archive a stay recorded in error. An open one frees its bed (to cleaning, to be safe)."""
    with transaction.atomic():
        _locked_facility(actor, stay.facility, allow_archived=True)
        stay = Stay.objects.select_for_update(of=("self",)).get(pk=stay.pk)
        ensure_in_scope(actor=actor, instance=stay, action="delete")
        if stay.archived_at is not None:
            return stay
        was_open = stay.checked_out_at is None
        stay.archived_at = timezone.now()
        object_save(actor=actor, instance=stay, change_reason=(reason or "recorded in error")[:100])
        if was_open:
            bed = Bed.objects.select_for_update().get(pk=stay.bed_id)
            _set_bed(actor, bed, BedStatus.CLEANING, "stay cancelled")
        return stay


def bed_set_status(*, actor, bed: Bed, status: str, reason: str = "") -> Bed:
    """Change a bed's status by hand, within ``rules.MANUAL_BED_TRANSITIONS`` (never to or from occupied)."""
    with transaction.atomic():
        bed = Bed.objects.select_for_update(of=("self",)).select_related("room__facility").get(pk=bed.pk)
        ensure_in_scope(actor=actor, instance=bed, action="change")
        if status not in BedStatus.values:
            raise ValidationError({"status": _("Unknown bed status.")})
        if status == bed.status:
            return bed
        if status not in rules.MANUAL_BED_TRANSITIONS[bed.status]:
            if bed.status == BedStatus.OCCUPIED:
                message = _("Bed %(bed)s is occupied: check the person out first.")
            elif status == BedStatus.OCCUPIED:
                message = _("A bed becomes occupied only by checking a person in.")
            else:
                message = _("Bed %(bed)s cannot go from %(old)s to %(new)s.")
            raise ValidationError(
                {"status": message % {"bed": bed, "old": bed.get_status_display(), "new": BedStatus(status).label}}
            )
        if status == BedStatus.OUT_OF_SERVICE and not reason.strip():
            raise ValidationError({"reason": _("Say why the bed is out of service.")})
        return _set_bed(actor, bed, status, reason or status)


def bed_cleaned(*, actor, bed: Bed) -> Bed:
    """A bed has been cleaned and disinfected: cleaning → ready."""
    if bed.status != BedStatus.CLEANING:
        raise ValidationError(
            _("Bed %(bed)s is %(status)s, not being cleaned.") % {"bed": bed, "status": bed.get_status_display()}
        )
    return bed_set_status(actor=actor, bed=bed, status=BedStatus.READY, reason="cleaned")


def rooms_add(
    *,
    actor,
    facility: Facility,
    floor: int,
    first_number: int,
    last_number: int,
    room_type: str = RoomType.SINGLE,
    beds_per_room: int = 1,
) -> list[Room]:
    """Add rooms ``first_number``–``last_number`` on ``floor`` (numbers as the hotel writes them, e.g.
    301–320), each with ``beds_per_room`` ready beds (A, B, C …). Existing room numbers are refused."""
    if last_number < first_number:
        raise ValidationError({"last_number": _("The last room number must not be below the first.")})
    if last_number - first_number >= 200:
        raise ValidationError({"last_number": _("Add at most 200 rooms at a time.")})
    if not 1 <= beds_per_room <= 8:
        raise ValidationError({"beds_per_room": _("A room has 1 to 8 beds.")})
    numbers = [str(n) for n in range(first_number, last_number + 1)]
    with transaction.atomic():
        facility = _locked_facility(actor, facility)
        taken = set(Room.objects.filter(facility=facility, number__in=numbers).values_list("number", flat=True))
        if taken:
            raise ValidationError(
                {"first_number": _("These rooms exist already: %(rooms)s.") % {"rooms": "、".join(sorted(taken))}}
            )
        rooms = []
        for number in numbers:
            room = object_save(
                actor=actor, instance=Room(facility=facility, number=number, floor=floor, room_type=room_type)
            )
            for index in range(beds_per_room):
                object_save(actor=actor, instance=Bed(room=room, label="ABCDEFGH"[index]))
            rooms.append(room)
        return rooms


def facility_set_status(*, actor, facility: Facility, status: str, reason: str = "") -> Facility:
    """Put a facility on standby, ready, in use or suspended. Suspending needs a reason; a facility with
    persons in it can be suspended (nobody new comes in) but not put back on standby or ready."""
    with transaction.atomic():
        facility = _locked_facility(actor, facility)
        if status not in FacilityStatus.values:
            raise ValidationError({"status": _("Unknown facility status.")})
        if status == FacilityStatus.SUSPENDED and not reason.strip():
            raise ValidationError({"reason": _("Say why the facility is suspended.")})
        occupied = Stay.objects.filter(facility=facility, checked_out_at__isnull=True, archived_at__isnull=True)
        if status in (FacilityStatus.STANDBY, FacilityStatus.READY) and occupied.exists():
            raise ValidationError(
                {
                    "status": _("%(count)s persons are still checked in; check them out first.")
                    % {"count": occupied.count()}
                }
            )
        facility.status = status
        facility.status_reason = reason.strip()[:200]
        return object_save(actor=actor, instance=facility, change_reason=f"status: {status}")


def facility_archive(*, actor, facility: Facility, reason: str = "") -> Facility:
    """Archive a facility (it leaves lists, the board and the map) — refused while persons are checked in."""
    from safecity.core.services import object_archive

    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        inside = Stay.objects.filter(facility=facility, checked_out_at__isnull=True, archived_at__isnull=True)
        if inside.exists():
            raise ValidationError(
                _("%(count)s persons are still checked in at %(facility)s; check them out before archiving it.")
                % {"count": inside.count(), "facility": facility}
            )
        return object_archive(actor=actor, instance=facility, change_reason=reason or None)


def readiness_record(*, actor, facility: Facility, results: dict[str, tuple[bool, str]], on: date | None = None):
    """Record one round of readiness checks: ``{item code: (ok, note)}`` for some or all items."""
    on = on or timezone.localdate()
    unknown = set(results) - set(rules.READINESS_CODES)
    if unknown:
        raise ValidationError(_("Unknown readiness items: %(items)s.") % {"items": ", ".join(sorted(unknown))})
    if not results:
        raise ValidationError(_("Record at least one item."))
    if on > timezone.localdate():
        raise ValidationError({"checked_on": _("A check cannot be dated in the future.")})
    failing = [code for code, (ok, note) in results.items() if not ok and not note.strip()]
    if failing:
        labels = dict(rules.READINESS_CHOICES)
        raise ValidationError(
            _("Say what is wrong for each item that is not ok: %(items)s.")
            % {"items": "、".join(str(labels[c]) for c in failing)}
        )
    with transaction.atomic():
        facility = _locked_facility(actor, facility)
        return [
            object_save(
                actor=actor,
                instance=ReadinessCheck(
                    facility=facility, item=code, checked_on=on, ok=ok, note=note.strip(), checked_by=actor
                ),
            )
            for code, (ok, note) in results.items()
        ]


def bed_counts(beds) -> dict[str, int]:
    """``{status: count, "total": n}`` of a bed queryset, in one query."""
    from django.db.models import Count

    counts = dict.fromkeys(BedStatus.values, 0)
    for row in beds.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in BedStatus.values)
    return counts
