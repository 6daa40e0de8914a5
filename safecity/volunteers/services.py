"""Volunteer state changes: registration with consent, status, team membership, deployments and hours.

Each is keyword-only, atomic and saved through ``core.services.object_save`` (history with a reason, the
scope re-checked in the transaction). Refusals are ``ValidationError``s with a message for the user; nothing
is written when one is raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.services import object_save

from . import rules
from .choices import MembershipRole, VolunteerStatus
from .models import Deployment, Participation, TeamMembership, Volunteer, VolunteerTeam


def give_consent(volunteer: Volunteer, *, consent: bool, at: datetime | None = None) -> None:
    """Record the volunteer's consent on the (unsaved) record, or refuse the registration without it."""
    if not consent:
        raise ValidationError(
            {
                "consent": _(
                    "A volunteer can be registered only with their consent to the processing of their personal data."
                )
            }
        )
    volunteer.consent_at = at or timezone.now()
    volunteer.consent_version = rules.CONSENT_VERSION


def register_volunteer(*, actor, volunteer: Volunteer, consent: bool, skills: Iterable = ()) -> Volunteer:
    """Register a new volunteer — refused without consent (PIPL); the consent time and text version are kept."""
    give_consent(volunteer, consent=consent)
    skills = list(skills)
    return object_save(
        actor=actor,
        instance=volunteer,
        after_save=lambda obj: obj.skills.set(skills),
        change_reason=_("registered with consent (version %(version)s)") % {"version": rules.CONSENT_VERSION},
    )


def set_status(*, actor, volunteer: Volunteer, status: str, reason: str = "", now: datetime | None = None) -> Volunteer:
    """Make a volunteer active or inactive; going inactive needs a reason. Recorded in the history."""
    if status not in VolunteerStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    reason = reason.strip()
    if status == VolunteerStatus.INACTIVE and not reason:
        raise ValidationError({"reason": _("Say why the volunteer becomes inactive.")})
    if status == volunteer.status:
        raise ValidationError(
            {"status": _("The volunteer is already %(status)s.") % {"status": volunteer.get_status_display()}}
        )
    volunteer.status = status
    volunteer.status_reason = reason
    volunteer.status_since = now or timezone.now()
    return object_save(actor=actor, instance=volunteer, change_reason=reason or str(VolunteerStatus(status).label))


def _refuse_inactive(volunteers: Iterable[Volunteer]) -> None:
    inactive = [v for v in volunteers if not v.active]
    if inactive:
        raise ValidationError(
            _("Inactive volunteers cannot be sent out: %(names)s. Make them active again first.")
            % {"names": "、".join(v.name for v in inactive)}
        )


def add_member(
    *,
    actor,
    team: VolunteerTeam,
    volunteer: Volunteer,
    role: str = MembershipRole.MEMBER,
    joined_on: date | None = None,
) -> TeamMembership:
    """Add a volunteer to a team. Inactive volunteers and current members are refused."""
    if not volunteer.active:
        raise ValidationError(_("%(name)s is inactive and cannot join a team.") % {"name": volunteer.name})
    if team.memberships.filter(volunteer=volunteer, left_on__isnull=True).exists():
        raise ValidationError(_("%(name)s is already a member of this team.") % {"name": volunteer.name})
    membership = TeamMembership(team=team, volunteer=volunteer, role=role, joined_on=joined_on or timezone.localdate())
    return object_save(actor=actor, instance=membership, change_reason=_("joined the team"))


def end_membership(*, actor, membership: TeamMembership, left_on: date | None = None) -> TeamMembership:
    """Record that a member left the team (the row stays, with the date)."""
    if membership.left_on is not None:
        raise ValidationError(_("%(name)s has already left this team.") % {"name": membership.volunteer.name})
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("A member cannot leave before joining.")})
    membership.left_on = left_on
    return object_save(actor=actor, instance=membership, change_reason=_("left the team"))


def add_participants(*, actor, deployment: Deployment, volunteers: Iterable[Volunteer]) -> list[Participation]:
    """Send volunteers on a deployment. Refused, with their names, if any is inactive; those already on it are
    skipped. Returns the rows created."""
    volunteers = list(volunteers)
    _refuse_inactive(volunteers)
    present = set(deployment.participations.values_list("volunteer_id", flat=True))
    created = []
    with transaction.atomic():
        for volunteer in volunteers:
            if volunteer.pk in present:
                continue
            row = Participation(deployment=deployment, volunteer=volunteer)
            created.append(object_save(actor=actor, instance=row, change_reason=_("sent on the deployment")))
            present.add(volunteer.pk)
    return created


def add_team(*, actor, deployment: Deployment, team: VolunteerTeam) -> tuple[list[Participation], list[Volunteer]]:
    """Send a team's current members; inactive members stay home. Returns (rows created, inactive members)."""
    members = [m.volunteer for m in team.current_memberships()]
    inactive = [v for v in members if not v.active]
    created = add_participants(actor=actor, deployment=deployment, volunteers=[v for v in members if v.active])
    return created, inactive


def _hours_between(start: datetime, end: datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.1"))


def record_hours(
    *,
    actor,
    participation: Participation,
    checked_in_at: datetime | None = None,
    checked_out_at: datetime | None = None,
    hours: Decimal | None = None,
    now: datetime | None = None,
) -> Participation:
    """Record check-in/out and confirm the service hours.

    Hours default to check-out minus check-in. They cannot be negative, cannot exceed the deployment's window,
    and check-in/out must lie inside the window. The confirming user and time are kept.
    """
    deployment = participation.deployment
    errors: dict[str, str] = {}
    if checked_in_at and not deployment.starts_at <= checked_in_at <= deployment.ends_at:
        errors["checked_in_at"] = _("Check-in must be within the deployment (%(start)s – %(end)s).")
    if checked_out_at and not deployment.starts_at <= checked_out_at <= deployment.ends_at:
        errors["checked_out_at"] = _("Check-out must be within the deployment (%(start)s – %(end)s).")
    if checked_out_at and not checked_in_at:
        errors["checked_in_at"] = _("Record the check-in time with the check-out time.")
    if checked_in_at and checked_out_at and checked_out_at < checked_in_at:
        errors["checked_out_at"] = _("Check-out cannot be before check-in.")
    if errors:
        window = {
            "start": timezone.localtime(deployment.starts_at).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(deployment.ends_at).strftime("%Y-%m-%d %H:%M"),
        }
        raise ValidationError({field: message % window for field, message in errors.items()})
    if hours is None:
        if not (checked_in_at and checked_out_at):
            raise ValidationError({"hours": _("Give the hours, or both check-in and check-out times.")})
        hours = _hours_between(checked_in_at, checked_out_at)
    hours = Decimal(hours)
    if hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    limit = (
        _hours_between(checked_in_at, checked_out_at) if checked_in_at and checked_out_at else deployment.window_hours
    )
    if hours > limit:
        raise ValidationError(
            {
                "hours": _("%(hours)s hours is more than the %(limit)s hours between the start and end.")
                % {"hours": hours, "limit": limit}
            }
        )
    participation.checked_in_at = checked_in_at
    participation.checked_out_at = checked_out_at
    participation.hours = hours
    participation.confirmed_by = actor
    participation.confirmed_at = now or timezone.now()
    return object_save(actor=actor, instance=participation, change_reason=_("hours confirmed"))
