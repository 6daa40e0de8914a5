"""Tracked tasks (工作任务 / 督办): who must do what by when, their progress reports, and where the task came from."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.querysets import RestrictedQuerySet

from .choices import ACTIVE_STATUSES, TaskPriority, TaskStatus


class TaskQuerySet(RestrictedQuerySet):
    def unfinished(self) -> TaskQuerySet:
        """Open or in progress (not done, not cancelled)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, today: date | None = None) -> TaskQuerySet:
        """Unfinished with the deadline passed."""
        return self.unfinished().filter(deadline__lt=today or timezone.localdate())

    def for_user(self, user) -> TaskQuerySet:
        """Assigned to ``user`` or to the user's organization (department)."""
        q = Q(responsible_person=user)
        if getattr(user, "department_id", None):
            q |= Q(responsible_organization_id=user.department_id)
        return self.filter(q)


class Task(ScopedModel):
    """A tracked task: a responsible organization (and optionally person) must do it by the deadline.

    Its region is the responsible organization's region, so the task is visible where the work is done
    (a task the city gives a county bureau is the county's too) and above. It may come from something
    that produced it — a drill problem now, a meeting decision later — shown as a link. The status moves
    only through :mod:`safecity.tasks.services`; *overdue* is derived (unfinished, deadline passed).
    """

    title = models.CharField(_("task"), max_length=200)
    detail = models.TextField(_("requirements"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=12, choices=TaskPriority.choices, default=TaskPriority.NORMAL, db_index=True
    )
    # Where it came from (a drill problem, a meeting decision …): a generic link.
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("source type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True, editable=False)
    source = GenericForeignKey("source_type", "source_id")
    # Responsibility
    responsible_organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="tasks"
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_tasks",
        help_text=_("Alerted when the task is overdue past the grace period (default: whoever created it)."),
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    # Progress
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN, editable=False, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, editable=False, validators=[MaxValueValidator(100)]
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    result = models.TextField(_("result"), blank=True, editable=False)
    evidence = models.TextField(_("evidence"), blank=True, editable=False)
    evidence_file = models.FileField(_("evidence file"), blank=True, editable=False, max_length=255)
    evidence_filename = models.CharField(_("evidence file name"), max_length=200, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    reopened_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="tasks_task_status_deadline"),
            models.Index(fields=["source_type", "source_id"], name="tasks_task_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="done") | ~Q(result=""), name="tasks_task_done_needs_result"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="tasks_task_cancel_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean_fields(self, exclude=None):
        # A task lives where its responsible organization is.
        if self.responsible_organization_id:
            self.region_id = self.responsible_organization.region_id
        super().clean_fields(exclude=exclude)

    @property
    def is_finished(self) -> bool:
        return self.status not in ACTIVE_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.is_finished and self.deadline < (today or timezone.localdate())

    def days_overdue(self, today: date | None = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.deadline).days) if not self.is_finished else 0

    def is_due_soon(self, today: date | None = None) -> bool:
        from .rules import setting

        today = today or timezone.localdate()
        return not self.is_finished and 0 <= (self.deadline - today).days <= setting("DUE_SOON_DAYS")

    @property
    def finished_late(self) -> bool:
        return (
            self.status == TaskStatus.DONE
            and self.completed_at is not None
            and (timezone.localtime(self.completed_at).date() > self.deadline)
        )


class TaskFeedback(BaseModel):
    """A progress report (反馈) on a task: who, when, what was done, how far along. The task's timeline."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress report"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])

    scope_region_path = "task__region"

    class Meta:
        verbose_name = _("task feedback")
        verbose_name_plural = _("task feedback")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task} · {self.percent}%"
