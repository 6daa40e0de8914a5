"""Follow-up of contacts and arrivals (落地管控) and assist-investigation requests (协查).

A :class:`ManagementPlan` is what the protocol prescribes for one person of one class (close contact,
secondary contact, arrival from a risk area), dated from its start: its :class:`PlanStep` rows are
materialised from the protocol's measures when the plan is made, and the plan keeps the protocol
version it was made under. The grid worker of the person's grid records a :class:`FollowUp` each
day; :class:`TestResult` rows hold the tests. Everything is scoped through the person's region.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import validate_id_number, validate_phone
from safecity.epidemic.choices import MeasureKind

from .choices import PERSON_CLASS_CHOICES, Direction, FollowUpResult, ItemResult, PlanStatus, RequestStatus, TestOutcome


class ManagementPlan(BaseModel):
    """A person's management plan (管理方案) made from a protocol version: measures from a start date,
    planned test dates, the grid worker who follows them up, and how it ended."""

    person = models.ForeignKey(
        "epidemic.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="management_plans"
    )
    contact = models.ForeignKey(
        "epidemic.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="management_plans",
        help_text=_("The contact record the plan is for (empty for arrivals and assist-request persons)."),
    )
    person_class = models.CharField(_("managed as"), max_length=20, choices=PERSON_CLASS_CHOICES, db_index=True)
    protocol = models.ForeignKey(
        "epidemic.Protocol", verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="management_plans"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE, db_index=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="management_plans",
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    case = models.ForeignKey(
        "epidemic.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="management_plans",
        help_text=_("The case the person was converted to."),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_region_path = "person__region"

    class Meta:
        verbose_name = _("management plan")
        verbose_name_plural = _("management plans")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "assigned_to"], name="followup_plan_status_worker")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_person_class_display()} · {self.start_date:%Y-%m-%d}"

    def day_number(self, on: date) -> int:
        """Day ``on`` counted from the start (the start date is day 1)."""
        return (on - self.start_date).days + 1


class PlanStep(BaseModel):
    """One dated step of a management plan (e.g. facility quarantine from the 3rd to the 9th, tests on
    the 3rd, 4th, 5th, 7th and 9th), materialised from the protocol measure when the plan was made."""

    plan = models.ForeignKey(
        ManagementPlan, verbose_name=_("management plan"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    measure = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    test_dates = models.JSONField(_("planned test dates"), default=list, blank=True)

    scope_region_path = "plan__person__region"

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "step"]
        constraints = [models.UniqueConstraint(fields=["plan", "step"], name="followup_step_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.start_date:%m-%d}–{self.end_date:%m-%d}"

    @property
    def test_dates_as_dates(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.test_dates]


class FollowUp(BaseModel):
    """One day's follow-up (随访) of a person under a management plan: seen and well, symptomatic, or
    not reached; temperature if taken. One record per plan and day; a correction is an edit (history)."""

    plan = models.ForeignKey(
        ManagementPlan, verbose_name=_("management plan"), on_delete=models.PROTECT, related_name="followups"
    )
    day = models.DateField(_("day"), db_index=True)
    result = models.CharField(_("result"), max_length=20, choices=FollowUpResult.choices)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_region_path = "plan__person__region"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "day"], name="followup_once_per_plan_and_day")]

    def __str__(self) -> str:
        return f"{self.plan.person} · {self.day:%Y-%m-%d} · {self.get_result_display()}"

    def clean(self) -> None:
        super().clean()
        if self.plan_id and self.day:
            plan = self.plan
            if not plan.start_date <= self.day <= plan.end_date:
                raise ValidationError(
                    {
                        "day": _("The plan runs from %(start)s to %(end)s.")
                        % {"start": f"{plan.start_date:%Y-%m-%d}", "end": f"{plan.end_date:%Y-%m-%d}"}
                    }
                )
        if self.day and self.day > timezone.localdate():
            raise ValidationError({"day": _("A follow-up cannot be recorded for a future day.")})
        if self.temperature is not None and not 30 <= self.temperature <= 45:
            raise ValidationError({"temperature": _("Enter a body temperature between 30 and 45 °C.")})


class TestResult(BaseModel):
    """A nucleic-acid (or other) test of a person under a management plan: when sampled and the result."""

    plan = models.ForeignKey(
        ManagementPlan, verbose_name=_("management plan"), on_delete=models.PROTECT, related_name="tests"
    )
    sampled_on = models.DateField(_("sampled on"), db_index=True)
    result = models.CharField(_("result"), max_length=10, choices=TestOutcome.choices, default=TestOutcome.PENDING)
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_region_path = "plan__person__region"

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        ordering = ["-sampled_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.person} · {self.sampled_on:%Y-%m-%d} · {self.get_result_display()}"

    def clean(self) -> None:
        super().clean()
        if self.sampled_on and self.sampled_on > timezone.localdate():
            raise ValidationError({"sampled_on": _("A sample cannot be taken in the future.")})


class AssistRequest(ScopedModel):
    """An assist-investigation request (协查函): a list of persons sent to us by another region (incoming)
    or by us to another (outgoing), with a deadline. ``region`` is the county handling it."""

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, db_index=True)
    counterpart = models.CharField(_("counterpart"), max_length=200, help_text=_("The other region or agency."))
    reference_number = models.CharField(_("reference number"), max_length=100)
    disease = models.ForeignKey(
        "epidemic.Disease", verbose_name=_("disease"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person_class = models.CharField(
        _("persons to trace"),
        max_length=20,
        choices=PERSON_CLASS_CHOICES,
        blank=True,
        help_text=_("The class of the persons listed; it sets the default deadline."),
    )
    received_at = models.DateTimeField(_("received or sent at"), default=timezone.now)
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("Empty: the default for the class.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("assist-investigation request")
        verbose_name_plural = _("assist-investigation requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "counterpart", "reference_number"], name="followup_assist_request_unique_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.counterpart} {self.reference_number}"

    def save(self, *args, **kwargs):
        if self.deadline is None and self.received_at is not None:
            from datetime import timedelta

            from .rules import assist_deadline_hours

            self.deadline = self.received_at + timedelta(hours=assist_deadline_hours(self.person_class))
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.status != RequestStatus.DONE and self.deadline is not None and self.deadline < timezone.now()


class AssistRequestItem(BaseModel):
    """One person of an assist-investigation request, as the other side gave them, the person of our
    index they were matched to, and what we found and did."""

    request = models.ForeignKey(
        AssistRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, blank=True, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    person_class = models.CharField(_("class"), max_length=20, choices=PERSON_CLASS_CHOICES, blank=True)
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, help_text=_("Why the person is traced (exposure).")
    )
    address = models.CharField(_("last known address"), max_length=255, blank=True)
    person = models.ForeignKey(
        "epidemic.Person",
        verbose_name=_("matched person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assist_items",
    )
    result = models.CharField(
        _("result"), max_length=20, choices=ItemResult.choices, default=ItemResult.PENDING, db_index=True
    )
    left_for = models.CharField(_("left for"), max_length=200, blank=True)
    measures = models.CharField(_("measures taken"), max_length=500, blank=True)
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)

    scope_region_path = "request__region"

    class Meta:
        verbose_name = _("assist-request person")
        verbose_name_plural = _("assist-request persons")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        from safecity.core.masking import mask_name

        return mask_name(self.name)
