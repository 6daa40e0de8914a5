"""Contingency plans (应急预案), their documents, drills (应急演练) and the problems drills find."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.alerts.choices import Colour
from safecity.alerts.choices import Kind as WarningKind
from safecity.core.models import BaseModel, ScopedModel
from safecity.geo.choices import RegionLevel
from safecity.incidents.choices import Category
from safecity.tasks.choices import TaskPriority

from .choices import DrillKind, DrillRating, PlanStatus, PlanType, ProblemSeverity
from .rules import setting

#: The warning colours a plan's trigger may name (the lowest that activates it).
TRIGGER_COLOURS = [(c.value, c.label) for c in (Colour.BLUE, Colour.YELLOW, Colour.ORANGE, Colour.RED)]

#: The levels a plan is made at.
PLAN_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the month's last day (29 Feb → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class ContingencyPlan(ScopedModel):
    """A contingency plan: type and incident category, the level (its region: city, county or town),
    the owner unit, version, approval and next review date, status, its documents and its drills.

    The next review is due ``REVIEW_YEARS`` (3) after approval unless a date is given.
    """

    title = models.CharField(_("title"), max_length=200)
    plan_type = models.CharField(_("plan type"), max_length=20, choices=PlanType.choices, db_index=True)
    category = models.CharField(
        _("incident category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        db_index=True,
        help_text=_("Empty for an overall plan, which covers every category."),
    )
    owner = models.ForeignKey(
        "orgs.Organization", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="contingency_plans"
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    approved_on = models.DateField(_("approved on"))
    next_review_on = models.DateField(
        _("next review"), blank=True, db_index=True, help_text=_("Leave empty: 3 years after approval.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE, db_index=True
    )
    summary = models.TextField(_("scope and activation conditions"), blank=True)
    trigger_kind = models.CharField(
        _("activated by warnings of"),
        max_length=20,
        choices=WarningKind.choices,
        blank=True,
        help_text=_("Leave empty for a plan that is only activated by hand."),
    )
    trigger_colour = models.CharField(
        _("at or above"), max_length=10, choices=TRIGGER_COLOURS, blank=True, help_text=_("The lowest warning colour.")
    )

    class Meta:
        verbose_name = _("contingency plan")
        verbose_name_plural = _("contingency plans")
        ordering = ["region__code", "plan_type", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_on__gte=models.F("approved_on")), name="plans_plan_review_after_approval"
            ),
            models.CheckConstraint(
                condition=models.Q(trigger_kind="", trigger_colour="")
                | (~models.Q(trigger_kind="") & ~models.Q(trigger_colour="")),
                name="plans_plan_trigger_kind_and_colour_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）" if self.version else self.title

    def clean_fields(self, exclude=None):
        if self.next_review_on is None and self.approved_on is not None:
            years = setting("REVIEW_YEARS").get(self.plan_type, 3)
            self.next_review_on = add_months(self.approved_on, 12 * years)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.region_id and self.region.level not in PLAN_LEVELS:
            raise ValidationError({"region": _("A plan is made at city, county or town level.")})
        if self.approved_on and self.next_review_on and self.next_review_on < self.approved_on:
            raise ValidationError({"next_review_on": _("The next review comes after the approval.")})
        if bool(self.trigger_kind) != bool(self.trigger_colour):
            field = "trigger_colour" if self.trigger_kind else "trigger_kind"
            raise ValidationError({field: _("A warning trigger needs both the kind of warning and its lowest colour.")})

    @property
    def level(self):
        """City, county or town: the level of the plan's region."""
        return self.region.get_level_display() if self.region_id else ""

    def review_due(self, today: date | None = None) -> bool:
        """In force and the review date is within ``REVIEW_ALERT_DAYS`` (or past)."""
        today = today or timezone.localdate()
        return (
            self.status == PlanStatus.IN_FORCE
            and self.next_review_on is not None
            and (self.next_review_on - today).days <= setting("REVIEW_ALERT_DAYS")
        )

    def drill_interval_months(self) -> int:
        return setting("DRILL_MONTHS").get(self.plan_type, 36)

    def drill_overdue(self, last_drill_on: date | None, today: date | None = None) -> bool:
        """In force and no drill within the interval for its type (a plan approved more recently than that is not)."""
        today = today or timezone.localdate()
        since = add_months(today, -self.drill_interval_months())
        if self.status != PlanStatus.IN_FORCE or self.approved_on > since:
            return False
        return last_drill_on is None or last_drill_on < since


def document_path(instance, filename: str) -> str:  # the service passes a random name already
    return filename


class PlanDocument(BaseModel):
    """A document of a plan (the plan text, annexes, the evaluation report): a checked PDF or Word file
    stored under a random name, downloadable by those who may see the plan."""

    plan = models.ForeignKey(
        ContingencyPlan, verbose_name=_("contingency plan"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    scope_region_path = "plan__region"

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["plan", "-created_at"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("plans:document", kwargs={"pk": self.pk})


class Drill(ScopedModel):
    """A drill: of which plan (optional), what kind, when and where, organiser and participating units
    with the headcount, the scenario, and the evaluation (rating and text). Problems found become
    follow-up tasks. A drill of a plan is held within the plan's area."""

    plan = models.ForeignKey(
        ContingencyPlan,
        verbose_name=_("contingency plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("drill kind"), max_length=20, choices=DrillKind.choices, db_index=True)
    held_on = models.DateField(_("held on"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_drills"
    )
    participants = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("participating units"), blank=True, related_name="drills"
    )
    headcount = models.PositiveIntegerField(_("participants (people)"), default=0)
    scenario = models.TextField(_("scenario"), blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=DrillRating.choices, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on:%Y-%m-%d}）" if self.held_on else self.title

    def clean(self):
        super().clean()
        if self.plan_id and self.region_id and not self.region.prefix.startswith(self.plan.region.prefix):
            raise ValidationError(
                {
                    "region": _("A drill of this plan is held in the plan's area (%(area)s).")
                    % {"area": self.plan.region}
                }
            )
        if self.held_on and self.held_on > timezone.localdate() and self.rating:
            raise ValidationError({"rating": _("A drill is rated after it has been held.")})


class DrillProblem(BaseModel):
    """A problem a drill found (演练发现问题): what, how severe, which unit fixes it by when — and the
    follow-up task created for it in the same transaction."""

    drill = models.ForeignKey(Drill, verbose_name=_("drill"), on_delete=models.PROTECT, related_name="problems")
    description = models.TextField(_("problem found"))
    severity = models.CharField(
        _("severity"), max_length=10, choices=ProblemSeverity.choices, default=ProblemSeverity.MINOR
    )
    responsible_organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("follow-up task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="drill_problem",
    )

    scope_region_path = "drill__region"

    class Meta:
        verbose_name = _("drill problem")
        verbose_name_plural = _("drill problems")
        ordering = ["drill", "id"]

    def __str__(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 60 else f"{text[:59]}…"

    def get_absolute_url(self) -> str:
        return f"{self.drill.get_absolute_url()}#problem-{self.pk}"


class PlanAction(BaseModel):
    """A task the plan hands out when it is activated (预案启动后的任务分工): what, which unit, within how
    many days, how urgent. Activation creates one tracked task per action."""

    plan = models.ForeignKey(
        ContingencyPlan, verbose_name=_("contingency plan"), on_delete=models.PROTECT, related_name="actions"
    )
    description = models.CharField(_("task"), max_length=200)
    responsible_organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="plan_actions"
    )
    days = models.PositiveSmallIntegerField(_("days to complete"), default=0, help_text=_("0: the same day."))
    priority = models.CharField(_("priority"), max_length=12, choices=TaskPriority.choices, default=TaskPriority.URGENT)

    scope_region_path = "plan__region"

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "days", "id"]

    def __str__(self) -> str:
        return self.description


class PlanActivation(BaseModel):
    """One activation of a plan (预案启动): by a warning that met its trigger, or by hand with the reason —
    and the tasks it handed out (tasks whose source is this activation)."""

    plan = models.ForeignKey(
        ContingencyPlan, verbose_name=_("contingency plan"), on_delete=models.PROTECT, related_name="activations"
    )
    warning = models.ForeignKey(
        "alerts.WarningSignal",
        verbose_name=_("warning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_activations",
    )
    activated_at = models.DateTimeField(_("activated at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300)

    scope_region_path = "plan__region"

    class Meta:
        verbose_name = _("plan activation")
        verbose_name_plural = _("plan activations")
        ordering = ["-activated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "warning"],
                condition=models.Q(warning__isnull=False),
                name="plans_activation_once_per_warning",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.activated_at:%Y-%m-%d %H:%M}" if self.activated_at else str(self.plan)

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#activation-{self.pk}"
