"""Incident reporting: file the initial report, follow-ups and the final report; complete deadlines;
sweep deadlines and escalate. Every function is one atomic action; notifications go out on commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import ensure_in_scope, object_save

from .choices import DeadlineState, IncidentStatus, Level, ReportKind
from .models import Incident, IncidentReport, ReportDeadline
from .rules import RuleSet, active_ruleset, classify
from .selectors import one_level_up, responsible_for

FIGURES = ("dead", "missing", "seriously_injured", "injured", "direct_loss")


@dataclass
class ReportContent:
    """What one report says (Decree 493 Art. 12)."""

    summary: str
    dead: int = 0
    missing: int = 0
    seriously_injured: int = 0
    injured: int = 0
    direct_loss: Decimal = Decimal(0)
    measures: str = ""
    trend: str = ""
    leaders_on_site: str = ""
    requests: str = ""
    other: str = ""
    judged_level: int | None = None


def _apply_level(incident: Incident, report: IncidentReport, ruleset: RuleSet) -> None:
    result = classify(
        category=incident.category,
        dead=report.dead,
        missing=report.missing,
        seriously_injured=report.seriously_injured,
        direct_loss=report.direct_loss,
        judged_level=report.judged_level,
        ruleset=ruleset,
    )
    report.level = result.level
    report.level_reason = result.reason[:500]
    incident.level = result.level
    incident.level_reason = result.reason[:500]
    for name in FIGURES:
        setattr(incident, name, getattr(report, name))


def sync_deadlines(
    incident: Incident, *, since: datetime | None = None, ruleset: RuleSet | None = None
) -> list[ReportDeadline]:
    """Bring the incident's deadlines in line with its current level; returns those created now.

    A rule's clock starts at its anchor: an incident time, or — for a step up the chain — when the
    step before it was made (or was due, while it is not made). When a follow-up raises the level,
    pass ``since`` (the follow-up's time): the requirements the new level adds are counted from
    then, not from before anyone knew. Requirements that no longer apply are marked waived, never
    deleted; made ones are never touched.
    """
    ruleset = ruleset or active_ruleset()
    existing = {d.rule: d for d in incident.deadlines.all()}
    created = []
    times = {"occurred_at": incident.occurred_at, "learned_at": incident.learned_at}
    for rule in ruleset.deadlines:
        row = existing.get(rule.key)
        chained = rule.anchor not in times
        if chained:
            previous = existing.get(rule.anchor)
            start = None if previous is None or previous.waived else (previous.done_at or previous.due_at)
        else:
            start = times[rule.anchor]
        applies = start is not None and rule.applies(
            level=incident.level, category=incident.category, subtype=incident.subtype
        )
        if not applies:
            if row is not None and row.done_at is None and not row.waived:
                row.waived = True
                row.save(update_fields=["waived"])
            continue
        newly_required = row is None or (row.waived and row.done_at is None)
        if newly_required and since is not None and not rule.window:
            start = max(start, since)
        due = start + rule.delta
        if row is None:
            row = ReportDeadline.objects.create(
                incident=incident, rule=rule.key, label=str(rule.label), due_at=due, window=rule.window
            )
            created.append(row)
        elif row.done_at is None and (row.waived or (chained and row.due_at != due)):
            row.due_at, row.waived = due, False
            row.save(update_fields=["due_at", "waived"])
        existing[rule.key] = row
    return created


def _notify_serious(incident: Incident) -> None:
    if incident.level not in active_ruleset().alert_at_once:
        return
    people = {*responsible_for(incident.region).people, *one_level_up(incident.region).people}
    level = Level(incident.level)
    notify(
        recipients=people,
        title=_("%(level)s event: %(title)s") % {"level": level.label, "title": incident.title},
        body=incident.level_reason,
        url=incident.get_absolute_url(),
        level=NotificationLevel.DANGER,
        target=incident,
        dedupe_key=f"incident-{incident.pk}-level-{incident.level}",
    )


def _new_report(
    *, actor, incident: Incident, kind: str, content: ReportContent, reported_at: datetime
) -> IncidentReport:
    sequence = 1 if incident.pk is None else (incident.reports.aggregate(n=Max("sequence"))["n"] or 0) + 1
    return IncidentReport(
        incident=incident, kind=kind, sequence=sequence, reported_at=reported_at, reported_by=actor, **asdict(content)
    )


@transaction.atomic
def incident_report(
    *,
    actor,
    incident: Incident,
    content: ReportContent,
    now: datetime | None = None,
) -> Incident:
    """File the initial report of a new incident (``incident`` unsaved, with region, times and category).

    The level follows from the figures; the deadlines from the level; the unit → county report is
    done by filing it here. A serious (II) or especially serious (I) event alerts the people on duty
    at once.
    """
    now = now or timezone.now()
    ruleset = active_ruleset()
    if incident.learned_at and incident.occurred_at and incident.learned_at < incident.occurred_at:
        raise ValidationError({"learned_at": _("The time learned cannot be before the time of occurrence.")})
    if incident.occurred_at and incident.occurred_at > now:
        raise ValidationError({"occurred_at": _("The time of occurrence cannot be in the future.")})
    report = _new_report(actor=actor, incident=incident, kind=ReportKind.INITIAL, content=content, reported_at=now)
    _apply_level(incident, report, ruleset)
    object_save(actor=actor, instance=incident, change_reason=_("initial report"))
    report.incident = incident
    object_save(actor=actor, instance=report)
    sync_deadlines(incident, ruleset=ruleset)
    first = incident.deadlines.filter(rule="unit_to_county").first()
    if first is not None:
        first.done_at, first.done_by, first.note = now, actor, _("filed in SafeCity")
        first._history_user = actor
        first.save()
        sync_deadlines(incident, ruleset=ruleset)
    transaction.on_commit(lambda: _notify_serious(incident))
    return incident


@transaction.atomic
def incident_follow_up(
    *, actor, incident: Incident, content: ReportContent, final: bool = False, now: datetime | None = None
) -> IncidentReport:
    """File a follow-up (or the final) report. Its figures count from now on; earlier reports stay as
    they were. The level, and with it the deadlines, are recomputed."""
    now = now or timezone.now()
    ruleset = active_ruleset()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    ensure_in_scope(actor=actor, instance=incident, action="change")
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError(_("This incident is closed; reopen it before filing another report."))
    if incident.reports.filter(kind=ReportKind.FINAL).exists():
        raise ValidationError(_("The final report has been filed; no further report can follow it."))
    kind = ReportKind.FINAL if final else ReportKind.FOLLOW_UP
    report = _new_report(actor=actor, incident=incident, kind=kind, content=content, reported_at=now)
    previous_level = incident.level
    _apply_level(incident, report, ruleset)
    reason = _("final report") if final else _("follow-up report")
    object_save(actor=actor, instance=incident, change_reason=reason)
    object_save(actor=actor, instance=report)
    sync_deadlines(incident, since=now, ruleset=ruleset)
    if final:
        incident.deadlines.filter(window=True, done_at__isnull=True).update(done_at=now, done_by=actor)
    if incident.level is not None and (previous_level is None or incident.level < previous_level):
        transaction.on_commit(lambda: _notify_serious(incident))
    return report


@transaction.atomic
def deadline_complete(
    *, actor, deadline: ReportDeadline, done_at: datetime | None = None, note: str = ""
) -> ReportDeadline:
    """Record that a required report was made (by phone, in writing …) and when."""
    deadline = ReportDeadline.objects.select_for_update().select_related("incident").get(pk=deadline.pk)
    ensure_in_scope(actor=actor, instance=deadline.incident, action="change")
    now = timezone.now()
    done_at = done_at or now
    if done_at > now:
        raise ValidationError({"done_at": _("A report cannot be made in the future.")})
    if deadline.done_at is not None:
        raise ValidationError(_("This report is already recorded as made."))
    if deadline.waived:
        raise ValidationError(_("This report is no longer required."))
    deadline.done_at, deadline.done_by, deadline.note = done_at, actor, note[:255]
    deadline._history_user = actor
    deadline.save()
    sync_deadlines(deadline.incident)
    return deadline


@transaction.atomic
def incident_close(*, actor, incident: Incident, now: datetime | None = None) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.reports.filter(kind=ReportKind.FINAL).exists():
        raise ValidationError(_("File the final report before closing the incident."))
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = now or timezone.now()
    return object_save(actor=actor, instance=incident, change_reason=_("closed"))


def sweep_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Alert on every report due soon or overdue, and escalate one level up when still not made.

    Idempotent: each stage of each deadline notifies once (``alert_stage`` and the notification key).
    """
    now = now or timezone.now()
    ruleset = active_ruleset()
    counts = {"due_soon": 0, "overdue": 0, "escalated": 0}
    open_deadlines = (
        ReportDeadline.objects.filter(
            done_at__isnull=True,
            waived=False,
            window=False,
            incident__status=IncidentStatus.OPEN,
            due_at__lte=now + ruleset.due_soon,
            incident__archived_at__isnull=True,
        )
        .select_related("incident__region")
        .order_by("due_at")
    )
    for deadline in open_deadlines:
        state = deadline.state(now=now, due_soon=ruleset.due_soon)
        incident = deadline.incident
        stages = []
        if state == DeadlineState.DUE_SOON and deadline.alert_stage == "":
            stages.append("due_soon")
        if state == DeadlineState.OVERDUE:
            if deadline.alert_stage in ("", "due_soon"):
                stages.append("overdue")
            if now > deadline.due_at + ruleset.escalate_after and deadline.alert_stage != "escalated":
                stages.append("escalated")
        for stage in stages:
            with transaction.atomic():
                locked = ReportDeadline.objects.select_for_update().get(pk=deadline.pk)
                if locked.done_at is not None:
                    break
                _alert(locked, incident, stage, now)
                locked.alert_stage = stage
                locked.save(update_fields=["alert_stage"])
                deadline.alert_stage = stage
            counts[stage] += 1
    return counts


def _alert(deadline: ReportDeadline, incident: Incident, stage: str, now: datetime) -> None:
    due = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
    if stage == "escalated":
        people = one_level_up(incident.region).people
        title = _("Escalated: report overdue — %(title)s") % {"title": incident.title}
        level = NotificationLevel.DANGER
    elif stage == "overdue":
        people = responsible_for(incident.region).people
        title = _("Report overdue — %(title)s") % {"title": incident.title}
        level = NotificationLevel.DANGER
    else:
        people = responsible_for(incident.region).people
        title = _("Report due soon — %(title)s") % {"title": incident.title}
        level = NotificationLevel.WARNING
    notify(
        recipients=people,
        title=title,
        body=_("%(requirement)s; due %(due)s.") % {"requirement": deadline.label, "due": due},
        url=incident.get_absolute_url(),
        level=level,
        target=incident,
        dedupe_key=f"deadline-{deadline.pk}-{stage}",
    )
