"""Stock state changes: receive, issue (first-expiry-first-out), transfer, adjust; the expiry sweep.

Each function is one transaction. The lots it touches are locked (``select_for_update``) before
their quantities are read, so two concurrent issues cannot both take the same stock; a refused
operation raises :class:`~django.core.exceptions.ValidationError` and writes nothing. Every
movement stores the lot's balance after it, and the lot's quantity is only ever changed here,
together with the movement that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.notifications import notify
from safecity.core.services import ensure_in_scope, object_save

from . import rules
from .choices import Availability, CallUpResponse, EquipmentCondition, MovementKind, Readiness
from .models import Depot, Dispatch, Equipment, ExpertCallUp, Item, Lot, Movement, RescueTeam, ReserveStandard

#: The code of the refusal of an issue or transfer larger than the usable stock (the API names the quantity field).
INSUFFICIENT_STOCK = "insufficient_stock"


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError(_("The quantity must be a whole number greater than zero."))


def _locked_depot(actor, depot: Depot) -> Depot:
    """Lock the depot row (serialises lot creation and FEFO picks in it) and check the actor may change it."""
    depot = Depot.objects.select_for_update().get(pk=depot.pk)
    ensure_in_scope(actor=actor, instance=depot, action="change")
    if depot.archived_at is not None:
        raise ValidationError(_("Depot %(depot)s is archived; it takes no movements.") % {"depot": depot})
    return depot


def _move(
    *, actor, lot: Lot, kind: str, quantity: int, occurred_at: datetime, incident=None, recipient="", note=""
) -> Movement:
    """Write one ledger line and the lot's new balance (the lot is locked by the caller)."""
    lot.quantity += quantity
    if lot.quantity < 0:  # callers check first; this is the last line of defence
        raise ValidationError(_("Not enough stock."))
    object_save(actor=actor, instance=lot, change_reason=kind)
    movement = Movement(
        lot=lot,
        kind=kind,
        quantity=quantity,
        balance=lot.quantity,
        occurred_at=occurred_at,
        incident=incident,
        recipient=recipient,
        note=note,
    )
    return object_save(actor=actor, instance=movement)


def _lot_for(
    *, actor, depot: Depot, item: Item, lot_number: str, production_date: date | None, expiry_date: date | None
) -> Lot:
    lot = Lot.objects.select_for_update().filter(depot=depot, item=item, lot_number=lot_number).first()
    if lot is None:
        if expiry_date is None and production_date is not None and item.shelf_life_days:
            expiry_date = production_date + timedelta(days=item.shelf_life_days)
        lot = object_save(
            actor=actor,
            instance=Lot(
                depot=depot,
                item=item,
                lot_number=lot_number,
                production_date=production_date,
                expiry_date=expiry_date,
            ),
        )
    elif expiry_date is not None and lot.expiry_date not in (None, expiry_date):
        raise ValidationError(
            _("Lot %(lot)s is already in this depot with expiry date %(date)s.")
            % {"lot": lot_number, "date": lot.expiry_date}
        )
    return lot


def receive(
    *,
    actor,
    depot: Depot,
    item: Item,
    quantity: int,
    lot_number: str = "",
    production_date: date | None = None,
    expiry_date: date | None = None,
    occurred_at: datetime | None = None,
    recipient: str = "",
    note: str = "",
) -> Movement:
    """Receive ``quantity`` of ``item`` into ``depot`` (a new lot, or more of the same lot number)."""
    _check_quantity(quantity)
    with transaction.atomic():
        depot = _locked_depot(actor, depot)
        lot = _lot_for(
            actor=actor,
            depot=depot,
            item=item,
            lot_number=lot_number,
            production_date=production_date,
            expiry_date=expiry_date,
        )
        return _move(
            actor=actor,
            lot=lot,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            occurred_at=occurred_at or timezone.now(),
            recipient=recipient,
            note=note,
        )


def fefo_lots(depot: Depot, item: Item, *, today: date | None = None):
    """Usable lots of ``item`` in ``depot``: with stock, not expired, earliest expiry first (none last), then oldest.

    Expired lots are never issued or transferred; a count (adjustment) takes them out when disposed of.
    """
    today = today or timezone.localdate()
    return (
        Lot.objects.filter(depot=depot, item=item, quantity__gt=0)
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
        .order_by(F("expiry_date").asc(nulls_last=True), "pk")
    )


def _take(
    *, actor, depot: Depot, item: Item, quantity: int, kind: str, occurred_at, today=None, **extra
) -> list[Movement]:
    lots = list(fefo_lots(depot, item, today=today).select_for_update())
    available = sum(lot.quantity for lot in lots)
    if quantity > available:
        raise ValidationError(
            _(
                "Not enough %(item)s in %(depot)s: %(wanted)s %(unit)s requested, %(available)s %(unit)s "
                "usable on hand. Nothing has been issued."
            )
            % {"item": item, "depot": depot, "wanted": quantity, "available": available, "unit": item.unit},
            code=INSUFFICIENT_STOCK,
        )
    movements = []
    left = quantity
    for lot in lots:
        if left == 0:
            break
        take = min(left, lot.quantity)
        movements.append(_move(actor=actor, lot=lot, kind=kind, quantity=-take, occurred_at=occurred_at, **extra))
        left -= take
    return movements


def issue(
    *,
    actor,
    depot: Depot,
    item: Item,
    quantity: int,
    incident=None,
    recipient: str = "",
    note: str = "",
    occurred_at: datetime | None = None,
    today: date | None = None,
) -> list[Movement]:
    """Issue ``quantity`` of ``item`` from ``depot``, earliest-expiring lots first, split across lots.

    More than is on hand is refused with a message naming both figures, and nothing is written.
    """
    _check_quantity(quantity)
    with transaction.atomic():
        depot = _locked_depot(actor, depot)
        if incident is not None:
            ensure_in_scope(actor=actor, instance=incident, action="view")
        return _take(
            actor=actor,
            depot=depot,
            item=item,
            quantity=quantity,
            kind=MovementKind.ISSUE,
            occurred_at=occurred_at or timezone.now(),
            today=today,
            incident=incident,
            recipient=recipient,
            note=note,
        )


def transfer(
    *,
    actor,
    source: Depot,
    target: Depot,
    item: Item,
    quantity: int,
    note: str = "",
    occurred_at: datetime | None = None,
    today: date | None = None,
) -> list[tuple[Movement, Movement]]:
    """Move stock between depots: per lot taken (FEFO) one movement out and one in, linked, in one transaction.

    The lot keeps its number and dates in the target depot.
    """
    _check_quantity(quantity)
    if source.pk == target.pk:
        raise ValidationError(_("A transfer needs two different depots."))
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        # Lock both depots in primary-key order so two opposite transfers cannot deadlock.
        first, second = sorted([source, target], key=lambda d: d.pk)
        locked = {d.pk: _locked_depot(actor, d) for d in (first, second)}
        source, target = locked[source.pk], locked[target.pk]
        outs = _take(
            actor=actor,
            depot=source,
            item=item,
            quantity=quantity,
            kind=MovementKind.TRANSFER_OUT,
            occurred_at=occurred_at,
            today=today,
            recipient=str(target),
            note=note,
        )
        pairs = []
        for out in outs:
            lot = _lot_for(
                actor=actor,
                depot=target,
                item=item,
                lot_number=out.lot.lot_number,
                production_date=out.lot.production_date,
                expiry_date=out.lot.expiry_date,
            )
            into = _move(
                actor=actor,
                lot=lot,
                kind=MovementKind.TRANSFER_IN,
                quantity=-out.quantity,
                occurred_at=occurred_at,
                recipient=str(source),
                note=note,
            )
            into.counterpart = out
            object_save(actor=actor, instance=into)
            out.counterpart = into
            object_save(actor=actor, instance=out)
            pairs.append((out, into))
        return pairs


def adjust(*, actor, lot: Lot, counted: int, note: str, occurred_at: datetime | None = None) -> Movement | None:
    """Record a stock count of ``lot``: the difference becomes an adjustment line (none if it matches)."""
    if not isinstance(counted, int) or counted < 0:
        raise ValidationError(_("The counted quantity must be a whole number, zero or more."))
    if not note.strip():
        raise ValidationError(_("Say why the count differs (an adjustment needs a note)."))
    with transaction.atomic():
        _locked_depot(actor, lot.depot)
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        difference = counted - lot.quantity
        if difference == 0:
            return None
        return _move(
            actor=actor,
            lot=lot,
            kind=MovementKind.ADJUSTMENT,
            quantity=difference,
            occurred_at=occurred_at or timezone.now(),
            note=note,
        )


# ---- reading ---------------------------------------------------------------------------------------


@dataclass
class Shortfall:
    standard: ReserveStandard
    on_hand: int

    @property
    def missing(self) -> int:
        return max(self.standard.minimum - self.on_hand, 0)


def _usable_lots(today: date):
    """Lots that count as stock: on hand, not expired, in a depot that is not archived."""
    return Lot.objects.filter(depot__archived_at__isnull=True, quantity__gt=0).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)
    )


def on_hand_in_region(item: Item, region, *, today: date | None = None) -> int:
    """Usable stock of ``item`` in the depots of ``region`` and below (expired lots do not count)."""
    today = today or timezone.localdate()
    total = (
        _usable_lots(today)
        .filter(item=item, depot__region__prefix__startswith=region.prefix)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return total or 0


def shortfalls(standards, *, today: date | None = None, only_short: bool = True) -> list[Shortfall]:
    """Each reserve standard with the usable stock against it; by default only those not met.

    The stock comes from one correlated subquery (what :func:`on_hand_in_region` counts, for each
    standard's item in its region and below), so the whole list is a single query however many
    standards there are. ``standards`` is a queryset the caller has already restricted.
    """
    today = today or timezone.localdate()
    held = (
        _usable_lots(today)
        .filter(item_id=OuterRef("item_id"), depot__region__prefix__startswith=OuterRef("region__prefix"))
        .order_by()
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    annotated = standards.select_related("item", "region").annotate(
        usable_on_hand=Coalesce(Subquery(held, output_field=IntegerField()), Value(0))
    )
    rows = [Shortfall(standard=s, on_hand=s.usable_on_hand) for s in annotated]
    return [r for r in rows if r.missing > 0] if only_short else rows


def sweep_expiry(*, today: date | None = None) -> dict[str, int]:
    """Tell each depot's keepers about its lots expired or expiring within the alert window — once per lot.

    Idempotent: the dedupe key is the lot and its expiry date, so a second run sends nothing.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=rules.EXPIRY_ALERT_DAYS)
    lots = (
        Lot.objects.filter(
            quantity__gt=0, expiry_date__isnull=False, expiry_date__lte=horizon, depot__archived_at__isnull=True
        )
        .select_related("depot", "item")
        .prefetch_related("depot__keepers")
    )
    sent = 0
    for lot in lots:
        keepers = [u for u in lot.depot.keepers.all() if u.is_active]
        if not keepers:
            continue
        level, suggestion = rules.expiry_band(lot.expiry_date, today)
        expired = lot.expiry_date < today
        title = (_("Expired: %(item)s in %(depot)s") if expired else _("Expiring: %(item)s in %(depot)s")) % {
            "item": lot.item,
            "depot": lot.depot,
        }
        body = _("Lot %(lot)s, %(quantity)s %(unit)s, expiry date %(date)s. %(suggestion)s") % {
            "lot": lot.lot_number or "-",
            "quantity": lot.quantity,
            "unit": lot.item.unit,
            "date": lot.expiry_date.isoformat(),
            "suggestion": suggestion,
        }
        stage = "expired" if expired else "expiring"
        made = notify(
            recipients=keepers,
            title=title,
            body=body,
            url=lot.depot.get_absolute_url(),
            level=level,
            target=lot.depot,
            dedupe_key=f"resources.expiry:{lot.pk}:{lot.expiry_date.isoformat()}:{stage}",
        )
        sent += len(made)
    return {"notified": sent}


def sweep_maintenance(*, today: date | None = None) -> dict[str, int]:
    """Tell each depot's keepers about equipment whose maintenance is overdue — once per due date."""
    today = today or timezone.localdate()
    candidates = (
        Equipment.objects.filter(archived_at__isnull=True, depot__archived_at__isnull=True)
        .exclude(condition=EquipmentCondition.SCRAPPED)
        .filter(maintenance_interval_days__isnull=False)
        .select_related("depot")
        .prefetch_related("depot__keepers")
    )
    sent = 0
    for equipment in candidates:
        if not equipment.maintenance_overdue(today):
            continue
        due = equipment.next_maintenance_on
        made = notify(
            recipients=equipment.depot.keepers.all(),
            title=_("Maintenance overdue: %(equipment)s in %(depot)s")
            % {"equipment": equipment, "depot": equipment.depot},
            body=_("Maintenance was due on %(date)s.") % {"date": due.isoformat()},
            url=equipment.get_absolute_url(),
            level="warning",
            target=equipment,
            dedupe_key=f"resources.maintenance:{equipment.pk}:{due.isoformat()}",
        )
        sent += len(made)
    return {"notified": sent}


# ---- expert call-ups ------------------------------------------------------------------------------


def call_up(*, actor, incident, experts, note: str = "", now: datetime | None = None) -> list[ExpertCallUp]:
    """Call ``experts`` up for ``incident``; an expert already called up for it is not called twice."""
    now = now or timezone.now()
    made = []
    with transaction.atomic():
        ensure_in_scope(actor=actor, instance=incident, action="view")
        for expert in experts:
            ensure_in_scope(actor=actor, instance=expert, action="view")
            if ExpertCallUp.objects.filter(expert=expert, incident=incident).exists():
                continue
            made.append(
                object_save(
                    actor=actor, instance=ExpertCallUp(expert=expert, incident=incident, called_at=now, note=note)
                )
            )
    return made


def record_response(*, actor, call_up: ExpertCallUp, response: str, now: datetime | None = None) -> ExpertCallUp:
    """Record the expert's answer (accepted, declined, no answer); an accepted expert becomes busy."""
    if response not in CallUpResponse.values or response == CallUpResponse.PENDING:
        raise ValidationError(_("Choose the expert's answer."))
    with transaction.atomic():
        call_up = ExpertCallUp.objects.select_for_update().select_related("expert").get(pk=call_up.pk)
        call_up.response = response
        call_up.responded_at = now or timezone.now()
        object_save(actor=actor, instance=call_up, change_reason=response)
        if response == CallUpResponse.ACCEPTED and call_up.expert.availability == Availability.AVAILABLE:
            call_up.expert.availability = Availability.BUSY
            object_save(actor=actor, instance=call_up.expert, change_reason="called up")
    return call_up


# ---- rescue teams ------------------------------------------------------------------------------------


def set_readiness(
    *, actor, team: RescueTeam, readiness: str, reason: str = "", now: datetime | None = None
) -> RescueTeam:
    """Change a team's readiness; the change, its reason and time are in the team's history."""
    if readiness not in Readiness.values:
        raise ValidationError(_("Unknown readiness."))
    if readiness == Readiness.NOT_READY and not reason.strip():
        raise ValidationError(_("Say why the team is not ready."))
    with transaction.atomic():
        team = RescueTeam.objects.select_for_update().get(pk=team.pk)
        ensure_in_scope(actor=actor, instance=team, action="change")
        team.readiness = readiness
        team.readiness_reason = reason.strip()[:200]
        team.readiness_since = now or timezone.now()
        return object_save(actor=actor, instance=team, change_reason=f"readiness: {readiness}")


def dispatch_team(*, actor, team: RescueTeam, incident, now: datetime | None = None) -> Dispatch:
    """Send a ready team to an incident: the dispatch is recorded and the team goes on a mission."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = RescueTeam.objects.select_for_update().get(pk=team.pk)
        if locked.readiness != Readiness.READY:
            raise ValidationError(
                _("%(team)s is not ready (%(readiness)s); it cannot be dispatched.")
                % {"team": locked, "readiness": locked.get_readiness_display()}
            )
        ensure_in_scope(actor=actor, instance=incident, action="view")
        made = object_save(actor=actor, instance=Dispatch(team=locked, incident=incident, ordered_at=now))
        set_readiness(
            actor=actor,
            team=locked,
            readiness=rules.READINESS_AFTER["dispatched"],
            reason=str(incident)[:200],
            now=now,
        )
    return made


def record_dispatch_time(*, actor, dispatch: Dispatch, step: str, at: datetime | None = None) -> Dispatch:
    """Record departure, arrival or return; on return the team is resting."""
    if step not in ("departed", "arrived", "returned"):
        raise ValidationError(_("Unknown step."))
    at = at or timezone.now()
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().select_related("team").get(pk=dispatch.pk)
        setattr(dispatch, f"{step}_at", at)
        if step == "arrived" and dispatch.departed_at is None:
            raise ValidationError(_("Record the departure first."))
        object_save(actor=actor, instance=dispatch, change_reason=step)
        if step == "returned":
            set_readiness(actor=actor, team=dispatch.team, readiness=rules.READINESS_AFTER["returned"], now=at)
    return dispatch
