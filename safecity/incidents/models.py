"""Incidents: emergency events and work-safety accidents, their chain of reports and their deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safecity.core.fields import latitude_field, longitude_field
from safecity.core.models import BaseModel, ScopedModel

from .choices import Category, DeadlineState, IncidentStatus, Level, ReportKind, Subtype


class Incident(ScopedModel):
    """An emergency event or work-safety accident in a region.

    Its figures and level are those of the latest report (``IncidentReport``); every report is kept.
    """

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, db_index=True)
    subtype = models.CharField(_("subtype"), max_length=30, choices=Subtype.choices, default=Subtype.OTHER)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    occurred_at = models.DateTimeField(_("time of occurrence"), db_index=True)
    learned_at = models.DateTimeField(_("time learned"))
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("unit where it happened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    duty_log_entry = models.ForeignKey(
        "duty.DutyLogEntry",
        verbose_name=_("duty log entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        help_text=_("The call or event in the duty log this incident was opened from."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True, db_index=True)
    level_reason = models.CharField(_("reason for the level"), max_length=500, blank=True)
    # Figures of the latest report, kept here so lists and dashboards need no join.
    dead = models.PositiveIntegerField(_("dead"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    seriously_injured = models.PositiveIntegerField(_("seriously injured"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    direct_loss = models.DecimalField(_("estimated direct loss (yuan)"), max_digits=14, decimal_places=2, default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(learned_at__gte=models.F("occurred_at")), name="incidents_learned_after_occurred"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_report(self) -> IncidentReport | None:
        return self.reports.order_by("-sequence").first()


class IncidentReport(BaseModel):
    """One report in the chain initial → follow-up → final. Never edited: a correction is a new report."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind of report"), max_length=10, choices=ReportKind.choices)
    sequence = models.PositiveSmallIntegerField(_("number"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    # Decree 493 Art. 12: what a report contains.
    summary = models.TextField(_("brief course of events"))
    dead = models.PositiveIntegerField(_("dead"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    seriously_injured = models.PositiveIntegerField(_("seriously injured (incl. acute poisoning)"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    direct_loss = models.DecimalField(_("estimated direct loss (yuan)"), max_digits=14, decimal_places=2, default=0)
    measures = models.TextField(_("measures taken"), blank=True)
    trend = models.TextField(_("likely trend"), blank=True)
    leaders_on_site = models.CharField(_("leaders on site"), max_length=255, blank=True)
    requests = models.TextField(_("requests to higher levels"), blank=True)
    other = models.TextField(_("anything else"), blank=True)
    judged_level = models.PositiveSmallIntegerField(
        _("level judged by the reporter"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("For events whose level does not follow from the figures, or to raise it."),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)
    level_reason = models.CharField(_("reason for the level"), max_length=500, blank=True)

    scope_region_path = "incident__region"

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["incident", "sequence"]
        constraints = [models.UniqueConstraint(fields=["incident", "sequence"], name="incidents_report_sequence")]

    def __str__(self) -> str:
        return f"{self.incident} · {self.get_kind_display()} {self.sequence}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url() + f"#report-{self.sequence}"


class ReportDeadline(models.Model):
    """A report the rules require of an incident, with its due time and when it was made."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="deadlines"
    )
    rule = models.CharField(_("rule"), max_length=50)
    label = models.CharField(_("requirement"), max_length=200)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    window = models.BooleanField(_("window"), default=False)
    #: No longer required (the level went down); kept so nothing recorded is lost.
    waived = models.BooleanField(_("no longer required"), default=False)
    #: How far the sweep has gone: "" → "due_soon" → "overdue" → "escalated".
    alert_stage = models.CharField(_("alerts sent"), max_length=10, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "rule"], name="incidents_deadline_once_per_rule")]
        indexes = [models.Index(fields=["done_at", "waived", "due_at"], name="incidents_open_deadlines_idx")]

    def __str__(self) -> str:
        return f"{self.incident} · {self.label}"

    @property
    def display_label(self) -> str:
        """The requirement in the reader's language (from the rule table); the stored text if the rule is gone."""
        from .rules import active_ruleset

        rule = next((r for r in active_ruleset().deadlines if r.key == self.rule), None)
        return str(rule.label) if rule is not None else self.label

    def state(self, now=None, due_soon=None) -> DeadlineState:
        from .rules import active_ruleset

        now = now or timezone.now()
        due_soon = due_soon or active_ruleset().due_soon
        if self.done_at is not None:
            return DeadlineState.DONE if self.done_at <= self.due_at or self.window else DeadlineState.DONE_LATE
        if self.window:
            return DeadlineState.OPEN if now < self.due_at else DeadlineState.DONE
        if now > self.due_at:
            return DeadlineState.OVERDUE
        if now > self.due_at - due_soon:
            return DeadlineState.DUE_SOON
        return DeadlineState.OPEN
