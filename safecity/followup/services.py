"""State changes of follow-up: make a management plan from the protocol, record follow-ups and tests,
end a plan, convert a symptomatic or positive person to a case, and the periodic sweep.

Every function is keyword-only, atomic and writes history through :func:`safecity.core.services.object_save`
(scope re-checked inside the transaction).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import object_save
from safecity.epidemic.choices import CaseSource, Classification
from safecity.epidemic.protocols import measures_for, protocol_for, schedule

from . import selectors
from .choices import PERSON_CLASS_CHOICES, FollowUpResult, PlanStatus, RequestStatus, TestOutcome
from .models import AssistRequest, FollowUp, ManagementPlan, PlanStep, TestResult
from .rules import rule

CLASS_LABELS = dict(PERSON_CLASS_CHOICES)


def _staff_for(region) -> list:
    """The staff who answer for ``region`` (on duty at its post, or the closest county/town staff)."""
    from safecity.incidents.selectors import responsible_for

    return list(responsible_for(region).people) if region is not None else []


def _start_of(day: dt.date) -> dt.datetime:
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def plan_create(
    *,
    actor,
    person,
    person_class: str = "",
    contact=None,
    start: dt.date | None = None,
    disease=None,
    assigned_to=None,
    notes: str = "",
) -> ManagementPlan:
    """Make ``person``'s management plan from the protocol version in force on ``start`` (default today).

    For a contact, the class and the disease come from the contact row; for an arrival or a person of an
    assist-investigation request, give ``person_class`` and ``disease``. The plan keeps that protocol
    version for good. Its steps and test dates are materialised now; the grid worker of the person's
    grid is assigned unless ``assigned_to`` is given; the contact is marked put under control.
    """
    start = start or timezone.localdate()
    if contact is not None:
        if contact.person_id != person.pk:
            raise ValidationError({"contact": _("The contact record is of another person.")})
        person_class = person_class or contact.contact_class
        disease = disease or contact.case.disease
    if person_class not in CLASS_LABELS:
        raise ValidationError({"person_class": _("Choose whom the person is managed as.")})
    if disease is None:
        raise ValidationError({"disease": _("Choose the disease.")})
    if start > timezone.localdate():
        raise ValidationError(
            {"start_date": _("A plan starts today or earlier: it starts when the person is put under control.")}
        )
    protocol = protocol_for(disease, start) or (contact.protocol if contact is not None else None)
    if protocol is None:
        raise ValidationError(
            {
                "start_date": _("No protocol of %(disease)s was in force on %(date)s.")
                % {"disease": disease, "date": f"{start:%Y-%m-%d}"}
            }
        )
    measures = measures_for(protocol, person_class)
    if not measures:
        raise ValidationError(
            {
                "person_class": _("%(protocol)s prescribes no measures for a %(class)s: no plan is needed.")
                % {"protocol": protocol, "class": CLASS_LABELS[person_class]}
            }
        )
    if ManagementPlan.objects.filter(person=person, status=PlanStatus.ACTIVE, archived_at__isnull=True).exists():
        raise ValidationError({"person": _("%(person)s already has an active management plan.") % {"person": person}})
    steps = schedule(measures, start)
    plan = ManagementPlan(
        person=person,
        contact=contact,
        person_class=person_class,
        protocol=protocol,
        start_date=start,
        end_date=steps[-1].end,
        assigned_to=assigned_to if assigned_to is not None else selectors.grid_worker_for(person.region),
        notes=notes,
    )
    object_save(actor=actor, instance=plan, change_reason="plan made from the protocol")
    for step in steps:
        object_save(
            actor=actor,
            instance=PlanStep(
                plan=plan,
                step=step.step,
                measure=step.measure,
                start_date=step.start,
                end_date=step.end,
                test_dates=[d.isoformat() for d in step.test_dates],
            ),
        )
    if contact is not None and contact.controlled_at is None:
        # The start of the first measure ends the window in which the contact's own contacts become
        # secondary; the epidemic service re-classifies them in this transaction.
        from safecity.epidemic.services import contact_mark_controlled

        contact_mark_controlled(actor=actor, contact=contact, controlled_at=_start_of(start))
    if plan.assigned_to is not None:
        notify(
            recipients=[plan.assigned_to],
            title=_("New person to follow up: %(person)s (%(class)s)")
            % {"person": person, "class": CLASS_LABELS[person_class]},
            body=_("From %(start)s to %(end)s.")
            % {"start": f"{plan.start_date:%Y-%m-%d}", "end": f"{plan.end_date:%Y-%m-%d}"},
            url=plan.get_absolute_url(),
            target=plan,
            dedupe_key=f"followup-plan-assigned-{plan.pk}-{plan.assigned_to.pk}",
        )
    return plan


def _require_active(plan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            _("The plan is %(status)s; nothing more can be recorded on it.") % {"status": plan.get_status_display()}
        )


@transaction.atomic
def plan_end(*, actor, plan: ManagementPlan, reason: str) -> ManagementPlan:
    """End an active plan before its last day (moved away, died, sent to hospital …), with the reason."""
    plan = ManagementPlan.objects.select_for_update().get(pk=plan.pk)
    _require_active(plan)
    if not reason.strip():
        raise ValidationError({"end_reason": _("Give the reason for ending the plan early.")})
    plan.status = PlanStatus.ENDED_EARLY
    plan.ended_at = timezone.now()
    plan.end_reason = reason.strip()[:300]
    return object_save(actor=actor, instance=plan, change_reason="ended early")


@transaction.atomic
def plan_complete(*, actor, plan: ManagementPlan) -> ManagementPlan:
    """Mark a plan whose last day has passed as completed."""
    plan = ManagementPlan.objects.select_for_update().get(pk=plan.pk)
    _require_active(plan)
    if plan.end_date >= timezone.localdate():
        raise ValidationError(_("The plan runs until %(end)s.") % {"end": f"{plan.end_date:%Y-%m-%d}"})
    plan.status = PlanStatus.COMPLETED
    plan.ended_at = timezone.now()
    return object_save(actor=actor, instance=plan, change_reason="completed")


def _alert_symptoms(plan: ManagementPlan, title: str, key: str) -> None:
    recipients = _staff_for(plan.person.region)
    if plan.assigned_to is not None:
        recipients.append(plan.assigned_to)
    notify(
        recipients=recipients,
        title=title,
        body=_("Consider converting the person to a case from the plan's page."),
        url=plan.get_absolute_url(),
        level=NotificationLevel.DANGER,
        target=plan,
        dedupe_key=key,
    )


@transaction.atomic
def followup_record(
    *, actor, plan: ManagementPlan, day: dt.date | None = None, result: str, temperature=None, note: str = ""
) -> FollowUp:
    """Record (or correct) the follow-up of ``plan`` on ``day`` (default today). A fever turns "well" into
    "symptomatic"; a symptomatic follow-up alerts the staff of the person's region."""
    day = day or timezone.localdate()
    _require_active(plan)
    if result not in FollowUpResult.values:
        raise ValidationError({"result": _("Choose a result.")})
    if temperature not in (None, ""):
        temperature = Decimal(str(temperature))
        if temperature >= Decimal(str(rule("FEVER_CELSIUS"))) and result == FollowUpResult.WELL:
            result = FollowUpResult.SYMPTOMATIC
    else:
        temperature = None
    followup = FollowUp.objects.filter(plan=plan, day=day).first() or FollowUp(plan=plan, day=day)
    followup.result = result
    followup.temperature = temperature
    followup.note = note[:500]
    followup.recorded_by = actor
    object_save(actor=actor, instance=followup)
    if result == FollowUpResult.SYMPTOMATIC:
        _alert_symptoms(
            plan,
            _("Symptoms: %(person)s under management (%(day)s)") % {"person": plan.person, "day": f"{day:%m-%d}"},
            f"followup-symptomatic-{plan.pk}-{day.isoformat()}",
        )
    return followup


@transaction.atomic
def test_record(
    *, actor, plan: ManagementPlan, sampled_on: dt.date, result: str = TestOutcome.PENDING, note: str = "", test=None
) -> TestResult:
    """Record a test sampled on ``sampled_on`` (or the result of ``test``). A positive result alerts the staff."""
    if result not in TestOutcome.values:
        raise ValidationError({"result": _("Choose a result.")})
    if test is None:
        _require_active(plan)
        test = TestResult(plan=plan, sampled_on=sampled_on)
    elif test.result != TestOutcome.PENDING and result == TestOutcome.PENDING:
        raise ValidationError({"result": _("A result once given cannot go back to pending.")})
    test.result = result
    test.note = note[:500]
    if result != TestOutcome.PENDING and test.result_at is None:
        test.result_at = timezone.now()
    object_save(actor=actor, instance=test)
    if result == TestOutcome.POSITIVE:
        _alert_symptoms(
            plan,
            _("Positive test: %(person)s under management (sampled %(day)s)")
            % {"person": plan.person, "day": f"{test.sampled_on:%m-%d}"},
            f"followup-positive-{test.pk}",
        )
    return test


def conversion_grounds(plan: ManagementPlan) -> list[str]:
    """Why the person may be converted to a case: symptomatic follow-ups and positive tests."""
    grounds = [
        _("symptomatic on %(day)s") % {"day": f"{f.day:%m-%d}"}
        for f in plan.followups.filter(result=FollowUpResult.SYMPTOMATIC, archived_at__isnull=True)
    ]
    grounds += [
        _("positive test sampled on %(day)s") % {"day": f"{t.sampled_on:%m-%d}"}
        for t in plan.tests.filter(result=TestOutcome.POSITIVE, archived_at__isnull=True)
    ]
    return grounds


@transaction.atomic
def plan_convert_to_case(
    *,
    actor,
    plan: ManagementPlan,
    classification: str = Classification.SUSPECTED,
    onset_at: dt.datetime | None = None,
    place: str = "",
):
    """Convert a symptomatic or positive person under management to a case in one step.

    The case is created by the epidemic app's ``case_create`` (source: close-contact management, the
    plan's disease and the person's region); the plan becomes "converted" and points to the case.
    Nothing is copied or moved: the person row, the contact row and every exposure stay as they are.
    """
    from safecity.epidemic.services import case_create

    plan = ManagementPlan.objects.select_for_update().select_related("person", "protocol__disease").get(pk=plan.pk)
    _require_active(plan)
    if not conversion_grounds(plan):
        raise ValidationError(
            _("Only a person with a symptomatic follow-up or a positive test can be converted; record it first.")
        )
    if classification not in Classification.values or classification == Classification.EXCLUDED:
        raise ValidationError({"classification": _("Choose the case classification.")})
    now = timezone.now()
    case = case_create(
        actor=actor,
        person=plan.person,
        disease=plan.protocol.disease,
        classification=classification,
        source=CaseSource.CONTACT_MANAGEMENT,
        region=plan.person.region,
        onset_at=onset_at,
        detected_at=now,
        isolated_at=now if plan.steps.filter(measure__in=["facility_quarantine", "home_quarantine"]).exists() else None,
        place=place,
    )
    plan.status = PlanStatus.CONVERTED
    plan.case = case
    plan.ended_at = now
    plan.end_reason = _("converted to case %(number)s") % {"number": case.number}
    object_save(actor=actor, instance=plan, change_reason="converted to a case")
    return case


def sweep(today: dt.date | None = None) -> dict[str, int]:
    """Flag overdue follow-ups and missed tests (one notification per plan and day, to the grid worker or,
    without one, the staff of the region), flag overdue assist-investigation requests, and complete plans
    whose last day has passed. Idempotent: dedupe keys make a second run send nothing."""
    today = today or timezone.localdate()
    counts = {"overdue_followups": 0, "missed_tests": 0, "overdue_requests": 0, "completed": 0}
    for flag in selectors.flags(ManagementPlan.objects.all(), today, look_back=rule("FLAG_LOOK_BACK_DAYS")):
        plan = flag.plan
        recipients = [plan.assigned_to] if plan.assigned_to is not None else _staff_for(plan.person.region)
        if flag.kind == "followup":
            title = _("Follow-up overdue: %(person)s, %(day)s") % {"person": plan.person, "day": f"{flag.day:%Y-%m-%d}"}
            key = f"followup-overdue-{plan.pk}-{flag.day.isoformat()}"
        else:
            title = _("Test missed: %(person)s, planned %(day)s") % {
                "person": plan.person,
                "day": f"{flag.day:%Y-%m-%d}",
            }
            key = f"followup-missed-test-{plan.pk}-{flag.day.isoformat()}"
        if notify(
            recipients=recipients,
            title=title,
            url=plan.get_absolute_url(),
            level=NotificationLevel.WARNING,
            target=plan,
            dedupe_key=key,
        ):
            counts["overdue_followups" if flag.kind == "followup" else "missed_tests"] += 1
    now = timezone.now()
    for request in AssistRequest.objects.filter(
        archived_at__isnull=True, deadline__lt=now, status__in=[RequestStatus.OPEN, RequestStatus.IN_PROGRESS]
    ).select_related("region"):
        if notify(
            recipients=_staff_for(request.region),
            title=_("Assist-investigation request overdue: %(request)s") % {"request": request},
            url=request.get_absolute_url(),
            level=NotificationLevel.DANGER,
            target=request,
            dedupe_key=f"assist-overdue-{request.pk}",
        ):
            counts["overdue_requests"] += 1
    cutoff = today - dt.timedelta(days=rule("COMPLETE_AFTER_DAYS"))
    for plan in ManagementPlan.objects.filter(status=PlanStatus.ACTIVE, end_date__lt=cutoff, archived_at__isnull=True):
        plan.status = PlanStatus.COMPLETED
        plan.ended_at = now
        plan._change_reason = "completed"
        plan.save()
        counts["completed"] += 1
    return counts
