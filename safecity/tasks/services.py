"""Tracked tasks as services: create → (assign) → start → feedback … → complete, or cancel; re-open.

Every step is keyword-only and atomic, saves through ``object_save`` with a change reason (so the
task's history is its step log) and refuses what the transition table in :mod:`.rules` does not
allow, with a reason the page and the API show as it is. The overdue sweep notifies once per
deadline and escalates once after the grace period.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import object_save

from . import attachments
from .choices import TaskStatus
from .models import Task, TaskFeedback
from .rules import (
    REFUSALS,
    RESPONSIBLE,
    STAND_IN_STEPS,
    STEP_SIDES,
    SUPERVISING,
    SUPERVISING_ROLES,
    TARGET_STATUS,
    TRANSITIONS,
    setting,
)


class StepRefused(PermissionDenied):
    """The user is not on a side that may take the step (:data:`.rules.STEP_SIDES`); nothing changed."""

    def __init__(self, message: str, step: str) -> None:
        super().__init__(message)
        self.message, self.step = message, step


def _responsible_side_has_nobody(task: Task) -> bool:
    return task.responsible_person_id is None and not _doers(task)


def sides_of(user, task: Task) -> set[str]:
    """The sides of ``task`` that ``user`` stands on (the system, ``None``, stands on both)."""
    if user is None:
        return {RESPONSIBLE, SUPERVISING}
    sides = set()
    if user.pk == task.responsible_person_id or (
        getattr(user, "department_id", None) and user.department_id == task.responsible_organization_id
    ):
        sides.add(RESPONSIBLE)
    if (
        user.is_superuser
        or user.pk in (task.supervisor_id, task.created_by_id)
        or user.groups.filter(name__in=SUPERVISING_ROLES).exists()
    ):
        sides.add(SUPERVISING)
    return sides


def may(user, task: Task, step: str) -> bool:
    """Whether ``user`` is on a side that may take ``step`` on ``task`` (whatever its status)."""
    sides = sides_of(user, task)
    if sides & set(STEP_SIDES[step]):
        return True
    return step in STAND_IN_STEPS and SUPERVISING in sides and _responsible_side_has_nobody(task)


def require_side(user, task: Task, step: str) -> None:
    """Refuse (:class:`StepRefused`, with the reason) a step the user's side may not take."""
    if not may(user, task, step):
        raise StepRefused(str(REFUSALS[step]), step)


def allowed(task: Task, step: str, user=None, *, check_user: bool = False) -> bool:
    """Whether ``step`` may be taken from the task's current status (archived tasks take none) and,
    with ``check_user``, by ``user``'s side."""
    if task.archived_at is not None or task.status not in TRANSITIONS[step]:
        return False
    return not check_user or may(user, task, step)


def _require(task: Task, step: str, actor=None) -> None:
    """The step must be possible from the task's status, and ``actor``'s side must be allowed to take it."""
    if task.archived_at is not None:
        raise ValidationError(_("The task is archived."), code="archived")
    if task.status not in TRANSITIONS[step]:
        if step in ("start", "feedback") and task.is_finished:
            message = _("The task is %(status)s; re-open it first.")
        else:
            message = _("Not possible while the task is %(status)s.")
        raise ValidationError(message % {"status": task.get_status_display()}, code="wrong_status")
    require_side(actor, task, step)


def _check_person_sees_task(task: Task) -> None:
    """The responsible person must be able to open the task (their scope covers its region)."""
    person = task.responsible_person
    if person is not None and not Task.objects.restrict(person, "view").filter(pk=task.pk).exists():
        raise ValidationError(
            {
                "responsible_person": _("%(person)s cannot see tasks of %(org)s: choose someone working there.")
                % {"person": person, "org": task.responsible_organization}
            },
            code="person_out_of_scope",
        )


def _notify_assigned(task: Task) -> None:
    person = task.responsible_person
    if person is None:
        return
    deadline = task.deadline
    transaction.on_commit(
        lambda: notify(
            recipients=[person],
            title=_("New task, due %(date)s: %(title)s") % {"date": deadline, "title": task.title},
            body=task.detail,
            url=task.get_absolute_url(),
            level=NotificationLevel.WARNING if task.priority != "normal" else NotificationLevel.INFO,
            target=task,
            dedupe_key=f"task-assigned-{task.pk}-{person.pk}-{deadline}",
        )
    )


@transaction.atomic
def task_create(*, actor, task: Task, source: models.Model | None = None) -> Task:
    """Record a new task (status *open*), linked to what produced it; the responsible person is notified."""
    if source is not None:
        if source.pk is None:
            raise ValueError("save the source before creating its task")
        task.source_type = ContentType.objects.get_for_model(type(source))
        task.source_id = source.pk
    task.status = TaskStatus.OPEN
    if task.supervisor_id is None and actor is not None and actor.is_authenticated:
        task.supervisor = actor
    object_save(actor=actor, instance=task, change_reason="created")
    _check_person_sees_task(task)
    _notify_assigned(task)
    return task


@transaction.atomic
def task_assign(
    *, actor, task: Task, responsible_organization, responsible_person=None, deadline: date | None = None
) -> Task:
    """(Re-)assign an unfinished task: responsible unit, person, and optionally a new deadline."""
    _require(task, "assign", actor)
    before = (task.responsible_person_id, task.deadline)
    task.responsible_organization = responsible_organization
    task.responsible_person = responsible_person
    if deadline is not None:
        task.deadline = deadline
    object_save(actor=actor, instance=task, change_reason="assigned")
    _check_person_sees_task(task)
    if responsible_person is not None and (responsible_person.pk, task.deadline) != before:
        _notify_assigned(task)
    return task


def task_start(*, actor, task: Task) -> Task:
    """The responsible side starts work (open → in progress)."""
    _require(task, "start", actor)
    task.status = TARGET_STATUS["start"]
    task.started_at = timezone.now()
    return object_save(actor=actor, instance=task, change_reason="started")


@transaction.atomic
def task_feedback(*, actor, task: Task, text: str, percent: int) -> TaskFeedback:
    """A progress report. Reporting on an open task starts it."""
    _require(task, "feedback", actor)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Describe the progress.")
    if percent is None or not 0 <= int(percent) <= 100:
        errors["percent"] = _("Progress is a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors, code="invalid_feedback")
    feedback = object_save(
        actor=actor,
        instance=TaskFeedback(task=task, author=actor, text=text, percent=int(percent)),
        change_reason="feedback",
    )
    if task.status == TaskStatus.OPEN:
        task.started_at = timezone.now()
    task.status = TARGET_STATUS["feedback"]
    task.progress = int(percent)
    object_save(actor=actor, instance=task, change_reason="feedback")
    return feedback


def task_complete(*, actor, task: Task, result: str, evidence: str = "", attachment=None) -> Task:
    """Report the task done, with its result (required) and evidence (text and/or one attached file)."""
    _require(task, "complete", actor)
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Describe the result before reporting the task done.")}, code="no_result")
    kind = None
    if attachment is not None:
        kind = attachments.check_upload(
            attachment, kinds=attachments.EVIDENCE_KINDS, max_bytes=setting("ATTACHMENT_MAX_BYTES")
        )
    with transaction.atomic():
        task.status = TARGET_STATUS["complete"]
        task.result = result
        task.evidence = (evidence or "").strip()
        task.completed_at = timezone.now()
        task.completed_by = actor
        task.progress = 100
        if task.started_at is None:
            task.started_at = task.completed_at
        if kind is not None:
            attachment.seek(0)
            task.evidence_file.save(
                attachments.random_name("tasks/evidence", kind), ContentFile(attachment.read()), save=False
            )
            task.evidence_filename = attachments.clean_filename(attachment.name)
        stored = task.evidence_file.name if kind is not None else None
        try:
            object_save(actor=actor, instance=task, change_reason="done")
        except Exception:
            if stored:
                task.evidence_file.storage.delete(stored)
            raise
    return task


def task_cancel(*, actor, task: Task, reason: str) -> Task:
    """Cancel an unfinished task; the reason is required and kept."""
    _require(task, "cancel", actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")}, code="no_reason")
    task.status = TARGET_STATUS["cancel"]
    task.cancel_reason = reason
    task.cancelled_at = timezone.now()
    return object_save(actor=actor, instance=task, change_reason="cancelled")


def task_reopen(*, actor, task: Task, reason: str) -> Task:
    """Re-open a done or cancelled task (the only way back): in progress if it was started, else open.

    The previous result stays in the history; the task takes a new one when done again.
    """
    _require(task, "reopen", actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for re-opening.")}, code="no_reason")
    task.status = TaskStatus.IN_PROGRESS if task.started_at else TaskStatus.OPEN
    task.result = ""
    task.completed_at = None
    task.completed_by = None
    task.cancel_reason = ""
    task.cancelled_at = None
    task.reopened_count += 1
    return object_save(actor=actor, instance=task, change_reason=f"re-opened: {reason}"[:100])


# ---- the overdue sweep -----------------------------------------------------------------------------


def _doers(task: Task) -> list:
    """Who must do the task: the responsible person, or else the responsible organization's staff."""
    if task.responsible_person is not None:
        return [task.responsible_person]
    return list(
        get_user_model().objects.filter(
            is_active=True, department_id=task.responsible_organization_id, archived_at__isnull=True
        )
    )


def sweep_overdue(*, today: date | None = None) -> dict[str, int]:
    """Overdue tasks: tell those who must do it once per deadline; after the grace period
    (``ESCALATE_AFTER_DAYS_OVERDUE``) alert the supervisor (or the creator) once. Idempotent."""
    today = today or timezone.localdate()
    grace = setting("ESCALATE_AFTER_DAYS_OVERDUE")
    counts = {"notified": 0, "escalated": 0}
    overdue = (
        Task.objects.overdue(today)
        .filter(archived_at__isnull=True)
        .select_related("responsible_person", "responsible_organization", "supervisor", "created_by")
    )
    for task in overdue.iterator(chunk_size=500):
        days = (today - task.deadline).days
        title = _("Task overdue by %(days)d days: %(title)s") % {"days": days, "title": task.title}
        counts["notified"] += len(
            notify(
                recipients=_doers(task),
                title=title,
                body=_("Deadline %(date)s, %(org)s.") % {"date": task.deadline, "org": task.responsible_organization},
                url=task.get_absolute_url(),
                level=NotificationLevel.WARNING,
                target=task,
                dedupe_key=f"task-overdue-{task.pk}-{task.deadline}",
            )
        )
        if days >= grace:
            counts["escalated"] += len(
                notify(
                    recipients=[task.supervisor or task.created_by],
                    title=_("Supervision: task overdue by %(days)d days: %(title)s")
                    % {"days": days, "title": task.title},
                    body=_("Deadline %(date)s, %(org)s.")
                    % {"date": task.deadline, "org": task.responsible_organization},
                    url=task.get_absolute_url(),
                    level=NotificationLevel.DANGER,
                    target=task,
                    dedupe_key=f"task-escalated-{task.pk}-{task.deadline}",
                )
            )
    return counts
