"""Typhoon responses as services: starting one (deadlines from the rule table), ending it, and recording a
vessel's check. Every write goes through ``object_save`` (history, scope re-check)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.alerts.models import WarningSignal
from safecity.core.exceptions import OutOfScope
from safecity.core.scoping import get_scopes
from safecity.core.services import object_save

from .models import TyphoonResponse, Vessel, VesselCheck
from .rules import CHECK_CLOCK_SKEW, measure_for


def may_supervise(user, region) -> bool:
    """The supervising side of a response in ``region``: may change responses, and the scope covers the region
    (the city HQ for every response, a county for its own). Town staff only check vessels."""
    return bool(
        user
        and user.is_authenticated
        and user.has_perm("typhoon.change_typhoonresponse")
        and get_scopes(user).covers_prefix(region.prefix)
    )


def default_deadlines(colour: str | None, started_at: datetime) -> tuple[datetime | None, datetime | None]:
    """``(port_deadline, ashore_deadline)`` the rule table gives a warning of ``colour`` started at ``started_at``."""
    measure = measure_for(colour)
    if measure is None:
        return None, None
    port = started_at + measure.port_within if measure.port_within else None
    ashore = started_at + measure.ashore_within if measure.ashore_within else None
    return port, ashore


def response_start(
    *,
    actor,
    region,
    title: str,
    warning: WarningSignal | None = None,
    started_at: datetime | None = None,
    port_deadline: datetime | None = None,
    ashore_deadline: datetime | None = None,
) -> TyphoonResponse:
    """Start a response for ``region`` (the city or a county). A deadline left empty is filled from the rule
    table by the warning's colour; a deadline given wins; one before the start is refused (field error)."""
    if not actor.has_perm("typhoon.add_typhoonresponse") or not get_scopes(actor).covers_prefix(region.prefix):
        raise ValidationError({"region": _("You may start a response only for your own area.")}, code="not_supervisor")
    if warning is not None and not WarningSignal.objects.restrict(actor, "view").filter(pk=warning.pk).exists():
        raise ValidationError({"warning": _("This warning does not reach your area.")}, code="warning_out_of_scope")
    started_at = started_at or timezone.now()
    default_port, default_ashore = default_deadlines(warning.colour if warning else None, started_at)
    response = TyphoonResponse(
        region=region,
        title=(title or "").strip(),
        warning=warning,
        started_at=started_at,
        port_deadline=port_deadline or default_port,
        ashore_deadline=ashore_deadline or default_ashore,
    )
    return object_save(actor=actor, instance=response, change_reason="started")


def response_end(*, actor, response: TyphoonResponse, ended_at: datetime | None = None) -> TyphoonResponse:
    """End a response (its figures leave the home page). Only the supervising side; ending twice is refused."""
    if not may_supervise(actor, response.region):
        raise PermissionDenied(_("A response is ended by the city HQ or the county that started it."))
    if response.ended_at is not None:
        raise ValidationError(_("This response has already ended."), code="ended")
    ended_at = ended_at or timezone.now()
    if ended_at < response.started_at:
        raise ValidationError(_("A response ends after it started."), code="end_before_start")
    response.ended_at = ended_at
    return object_save(actor=actor, instance=response, change_reason="ended")


def vessel_check(
    *,
    actor,
    response: TyphoonResponse,
    vessel: Vessel,
    status: str,
    crew_ashore: bool,
    note: str = "",
    checked_at: datetime | None = None,
) -> VesselCheck:
    """Record where ``vessel`` is in ``response`` and whether its crew is ashore. The one row of (response,
    vessel) is created or updated in place; its history keeps every earlier state. Refused (nothing written):
    an ended response, a vessel outside the response's region or the actor's sight, a time in the future or
    before the response started, or older than the check already recorded."""
    now = timezone.now()
    checked_at = checked_at or now
    if not TyphoonResponse.objects.restrict(actor, "view").filter(pk=response.pk).exists():
        raise OutOfScope()
    if not Vessel.objects.restrict(actor, "view").filter(pk=vessel.pk).exists():
        raise OutOfScope()
    if not response.ongoing:
        raise ValidationError(_("This response has ended; checks are no longer recorded."), code="ended")
    if vessel.archived_at is not None:
        raise ValidationError({"vessel": _("This vessel is archived.")}, code="archived")
    if not vessel.region.prefix.startswith(response.region.prefix):
        raise ValidationError(
            {"vessel": _("This vessel is not in the area of the response (%(area)s).") % {"area": response.region}},
            code="outside_response",
        )
    if checked_at > now + CHECK_CLOCK_SKEW:
        raise ValidationError({"checked_at": _("A check cannot be in the future.")}, code="future")
    if checked_at < response.started_at:
        raise ValidationError(
            {"checked_at": _("A check of this response is made after it started.")}, code="before_start"
        )
    with transaction.atomic():
        check = VesselCheck.objects.select_for_update().filter(response=response, vessel=vessel).first()
        if check is not None and checked_at < check.checked_at:
            raise ValidationError(
                {
                    "checked_at": _("A later check (%(time)s) is already recorded.")
                    % {"time": timezone.localtime(check.checked_at).strftime("%Y-%m-%d %H:%M")}
                },
                code="stale",
            )
        reason = "updated" if check is not None else "checked"
        check = check or VesselCheck(response=response, vessel=vessel)
        check.status = status
        check.crew_ashore = bool(crew_ashore)
        check.note = (note or "").strip()
        check.checked_at = checked_at
        check.checked_by = actor
        return object_save(actor=actor, instance=check, change_reason=reason)
