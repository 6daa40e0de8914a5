"""Plans and drills as services: attaching checked documents, recording a drill's problems with their
follow-up tasks (one transaction), and the review sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel, reaching_q
from safecity.core.notifications import notify
from safecity.core.services import ensure_in_scope, object_save
from safecity.tasks import attachments
from safecity.tasks.models import Task
from safecity.tasks.services import task_create

from .choices import PlanStatus
from .models import ContingencyPlan, Drill, DrillProblem, PlanAction, PlanActivation, PlanDocument
from .rules import setting
from .selectors import review_due_q


def plan_attach_documents(*, actor, plan: ContingencyPlan, uploads, description: str = "") -> list[PlanDocument]:
    """Attach PDF/Word files to a plan. Every file is checked first; one refused file stores nothing."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"files": _("Choose at least one file.")}, code="no_files")
    kinds = attachments.check_uploads(
        uploads, kinds=attachments.DOCUMENT_KINDS, max_bytes=setting("DOCUMENT_MAX_BYTES")
    )
    stored: list[str] = []
    created = []
    try:
        with transaction.atomic():
            ensure_in_scope(actor=actor, instance=plan, action="change")
            for upload, kind in zip(uploads, kinds, strict=True):
                upload.seek(0)
                document = PlanDocument(
                    plan=plan,
                    filename=attachments.clean_filename(upload.name),
                    kind=kind.key,
                    size=upload.size,
                    description=description[:200],
                )
                document.file.save(
                    attachments.random_name("plans/documents", kind), ContentFile(upload.read()), save=False
                )
                stored.append(document.file.name)
                created.append(object_save(actor=actor, instance=document, change_reason="uploaded"))
    except Exception:
        for name in stored:
            PlanDocument.file.field.storage.delete(name)
        raise
    return created


@transaction.atomic
def drill_problem_add(
    *,
    actor,
    drill: Drill,
    description: str,
    severity: str,
    responsible_organization,
    deadline: date,
    responsible_person=None,
) -> DrillProblem:
    """Record a problem found in a drill and create its follow-up task (source: the problem) in the
    same transaction: either both exist or neither."""
    if drill.archived_at is not None:
        raise ValidationError(_("The drill is archived."), code="archived")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the problem.")}, code="no_description")
    problem = object_save(
        actor=actor,
        instance=DrillProblem(
            drill=drill,
            description=description,
            severity=severity,
            responsible_organization=responsible_organization,
            deadline=deadline,
        ),
        change_reason="found in drill",
    )
    title = " ".join(description.split())
    task = task_create(
        actor=actor,
        task=Task(
            title=_("Drill follow-up: %(problem)s") % {"problem": title[:150]},
            detail=_("Found in the drill %(drill)s (%(kind)s, %(place)s).\n%(problem)s")
            % {
                "drill": drill,
                "kind": drill.get_kind_display(),
                "place": drill.place or drill.region,
                "problem": description,
            },
            priority=setting("PROBLEM_PRIORITY").get(severity, "normal"),
            responsible_organization=responsible_organization,
            responsible_person=responsible_person,
            deadline=deadline,
        ),
        source=problem,
    )
    problem.task = task
    return object_save(actor=actor, instance=problem, change_reason="follow-up task created")


def _review_recipients(plan: ContingencyPlan) -> list:
    people = list(
        get_user_model().objects.filter(is_active=True, department_id=plan.owner_id, archived_at__isnull=True)
    )
    if plan.created_by is not None:
        people.append(plan.created_by)
    if not people:
        from safecity.incidents.selectors import responsible_for

        people = list(responsible_for(plan.region).people)
    return people


def sweep_reviews(*, today: date | None = None) -> dict[str, int]:
    """Plans in force whose review is due within ``REVIEW_ALERT_DAYS`` (or past): notify the owner unit's
    staff and the plan's author once per review date. Idempotent."""
    today = today or timezone.localdate()
    counts = {"notified": 0}
    due = (
        ContingencyPlan.objects.filter(review_due_q(today), archived_at__isnull=True)
        .select_related("owner", "region", "created_by")
        .order_by("pk")
    )
    for plan in due.iterator(chunk_size=500):
        late = plan.next_review_on < today
        title = (
            _("Plan review overdue since %(date)s: %(plan)s") if late else _("Plan review due by %(date)s: %(plan)s")
        ) % {"date": plan.next_review_on, "plan": plan}
        counts["notified"] += len(
            notify(
                recipients=_review_recipients(plan),
                title=title,
                body=_("Evaluate the plan and revise it if needed; record the new version and approval date."),
                url=plan.get_absolute_url(),
                level=NotificationLevel.DANGER if late else NotificationLevel.WARNING,
                target=plan,
                dedupe_key=f"plan-review-{plan.pk}-{plan.next_review_on}",
            )
        )
    return counts


# ---- activation: a plan's tasks handed out when a warning meets its trigger, or by hand ------------------


@transaction.atomic
def plan_action_add(*, actor, plan: ContingencyPlan, **fields) -> PlanAction:
    """Add a task the plan hands out when activated (the responsible unit must be one the actor may see)."""
    if plan.archived_at is not None:
        raise ValidationError(_("The plan is archived."), code="archived")
    ensure_in_scope(actor=actor, instance=plan, action="change")
    return object_save(actor=actor, instance=PlanAction(plan=plan, **fields), change_reason="plan task added")


@transaction.atomic
def plan_activate(
    *, actor, plan: ContingencyPlan, reason: str, warning=None, at: datetime | None = None
) -> PlanActivation:
    """Activate ``plan``: record the activation and create one tracked task per plan task (source: the
    activation), each due ``days`` after today. A plan activated by a warning is activated once per warning."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the plan is activated.")}, code="no_reason")
    if plan.status != PlanStatus.IN_FORCE or plan.archived_at is not None:
        raise ValidationError(_("Only a plan in force can be activated."), code="not_in_force")
    if not plan.actions.filter(archived_at__isnull=True).exists():
        raise ValidationError(_("The plan has no tasks to hand out; add them on the plan's page first."))
    at = at or timezone.now()
    activation = object_save(
        actor=actor,
        instance=PlanActivation(plan=plan, warning=warning, activated_at=at, reason=reason[:300]),
        change_reason="activated",
    )
    today = timezone.localdate(at)
    for action in plan.actions.filter(archived_at__isnull=True).select_related("responsible_organization"):
        task_create(
            actor=actor,
            task=Task(
                title=_("%(plan)s: %(task)s") % {"plan": plan.title, "task": action.description},
                detail=_("Handed out by the activation of %(plan)s: %(reason)s") % {"plan": plan, "reason": reason},
                priority=action.priority,
                responsible_organization=action.responsible_organization,
                deadline=today + timedelta(days=action.days),
            ),
            source=activation,
        )
    return activation


def plans_triggered_by(warning) -> list[ContingencyPlan]:
    """Plans in force whose trigger the warning meets — its kind, at or above the trigger's colour — and whose
    area overlaps the warning's (a county's plan for a warning over the county or the whole city; the city's
    plan for a warning over any part of it), not yet activated by this warning."""
    from safecity.alerts.rules import COLOUR_RANK

    colours = [c for c, rank in COLOUR_RANK.items() if 0 < rank <= COLOUR_RANK.get(warning.colour, 0)]
    return list(
        ContingencyPlan.objects.filter(
            reaching_q(warning.regions.all()),  # the plan's area is inside a region the warning covers, or above it
            status=PlanStatus.IN_FORCE,
            archived_at__isnull=True,
            trigger_kind=warning.kind,
            trigger_colour__in=colours,
        )
        .exclude(activations__warning=warning)
        .select_related("region")
        .order_by("region__code", "title")
    )


def activate_for_warning(*, actor, warning) -> list[str]:
    """The ``alerts`` listener: activate every plan the warning triggers. A plan that cannot be activated
    (no tasks; a task for a unit the receiver may not give tasks to) undoes only itself; its reason is
    returned, to be recorded with the message."""
    refused = []
    for plan in plans_triggered_by(warning):
        try:
            with transaction.atomic():
                reason = _("%(warning)s (%(area)s)") % {"warning": warning, "area": warning.region}
                plan_activate(actor=actor, plan=plan, reason=reason, warning=warning)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append(_("%(plan)s was not activated: %(reason)s") % {"plan": plan, "reason": text})
    return refused
