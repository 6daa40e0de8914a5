"""Plans and drills as services: attaching checked documents, recording a drill's problems with their
follow-up tasks (one transaction), and the review sweep."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import ensure_in_scope, object_save
from safecity.tasks import attachments
from safecity.tasks.models import Task
from safecity.tasks.services import task_create

from .models import ContingencyPlan, Drill, DrillProblem, PlanDocument
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
