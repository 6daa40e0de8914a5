"""Inspection targets (key sites), hazards and their rectification loop."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safecity.core.models import ScopedModel
from safecity.core.querysets import RestrictedQuerySet
from safecity.core.validators import validate_phone

from .choices import HazardLevel, HazardStatus, RiskGrade, SupervisionLevel, TargetCategory
from .rules import MAJOR_PLAN_ELEMENTS, RECTIFYING_STATUSES, REVIEW_DAYS_AFTER_APPLICATION


class InspectionTarget(ScopedModel):
    """An inspection target (key site): a place or unit that inspections visit, by category."""

    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=TargetCategory.choices, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    responsible_unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_targets",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(
        _("responsible person's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    risk_grade = models.CharField(
        _("risk grade"), max_length=10, choices=RiskGrade.choices, default=RiskGrade.LOW, db_index=True
    )
    last_inspected_at = models.DateTimeField(_("last inspected"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "name"], name="hazards_target_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Hazard(ScopedModel):
    """A hazard found at a target and driven through rectification to closure.

    The region is always the target's. Closing needs a passed re-inspection by someone other than
    the rectifier (a database constraint as well as the service's rule); a major hazard also needs
    its six-element remediation plan and, after the application to resume, the acceptance review.
    """

    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("inspection target"), on_delete=models.PROTECT, related_name="hazards"
    )
    inspection = models.ForeignKey(
        "Inspection",
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        editable=False,
    )
    title = models.CharField(_("hazard"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(
        _("hazard level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.ORDINARY, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.FOUND, editable=False
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Assignment (一单四制: the list, the assignment)
    responsible_unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        editable=False,
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True, editable=False)
    measures = models.TextField(_("rectification measures"), blank=True, editable=False)
    # Rectification
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True, editable=False)
    rectification_note = models.TextField(_("rectification evidence"), blank=True, editable=False)
    # Re-inspection / acceptance
    reinspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-inspected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reinspected_at = models.DateTimeField(_("re-inspected at"), null=True, blank=True, editable=False)
    reinspection_note = models.TextField(_("re-inspection remarks"), blank=True, editable=False)
    reopened_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Major hazards: the six-element remediation plan, listed supervision, application and review
    supervision_level = models.CharField(
        _("listed supervision"), max_length=10, choices=SupervisionLevel.choices, blank=True, default=""
    )
    plan_goals = models.TextField(_("goals and tasks"), blank=True)
    plan_methods = models.TextField(_("methods and measures"), blank=True)
    plan_funds = models.TextField(_("funds and materials"), blank=True)
    plan_people = models.TextField(_("body and people in charge"), blank=True)
    plan_deadline = models.TextField(_("deadline and requirements"), blank=True)
    plan_safety = models.TextField(_("safety measures and contingency plan"), blank=True)
    applied_at = models.DateTimeField(_("application to resume filed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (
                    models.Q(reinspected_by__isnull=False)
                    & (models.Q(rectified_by__isnull=True) | ~models.Q(reinspected_by=models.F("rectified_by")))
                ),
                name="hazards_hazard_closed_needs_independent_reinspection",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean_fields(self, exclude=None):
        if self.target_id:
            self.region_id = self.target.region_id
        # Recorded through the generic add page or the API: whoever records it found it.
        if self._state.adding and self.found_by_id is None and self.created_by_id is not None:
            self.found_by_id = self.created_by_id
        super().clean_fields(exclude=exclude)

    @property
    def is_open(self) -> bool:
        return self.status != HazardStatus.CLOSED

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.deadline is not None and self.status in RECTIFYING_STATUSES and self.deadline < today

    def missing_plan_elements(self) -> list[str]:
        """Labels of the six remediation-plan elements still empty (major hazards)."""
        return [str(self._meta.get_field(name).verbose_name) for name in MAJOR_PLAN_ELEMENTS if not getattr(self, name)]

    @property
    def review_due_at(self):
        """The on-site review is due within 10 days of the application to resume."""
        if self.applied_at is None:
            return None
        return self.applied_at + timedelta(days=REVIEW_DAYS_AFTER_APPLICATION)


class Checklist(models.Model):
    """The checklist of one target category: configuration for the whole city, edited by the city HQ.

    Inspections keep a snapshot of the items they were answered against (text, clause, what counts as a
    hazard), so editing a checklist never changes an inspection already done. Every edit is in the history.
    """

    category = models.CharField(_("category"), max_length=30, choices=TargetCategory.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    standard = models.CharField(_("standard"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["category"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist: what to check, the clause it comes from and what counts as a hazard."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("check"), max_length=300)
    clause = models.CharField(_("standard clause"), max_length=100, blank=True)
    hazard_when = models.CharField(_("counts as a hazard when"), max_length=300, blank=True)
    major = models.BooleanField(_("a finding is a major hazard"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class InspectionTeam(ScopedModel):
    """A cross-inspection team; its region is its home county (it never inspects there)."""

    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="inspection_teams"
    )

    class Meta:
        verbose_name = _("inspection team")
        verbose_name_plural = _("inspection teams")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


def area_overlap_q(prefixes) -> models.Q:
    """Campaigns whose area overlaps any of the region ``prefixes``: an area region inside one of them,
    or one of them inside an area region (a city-wide campaign touches every county)."""
    cond = models.Q(pk__in=[])
    for prefix in prefixes:
        ancestors = [prefix[:n] for n in PREFIX_LENGTHS if n < len(prefix)]
        cond |= models.Q(region__prefix__startswith=prefix) | models.Q(region__prefix__in=ancestors)
    through = Campaign.regions.through.objects.filter(cond).values("campaign_id")
    return models.Q(pk__in=through)


#: Lengths of the significant code prefix from province down to grid (``geo.codes``).
PREFIX_LENGTHS = (2, 4, 6, 9, 12, 15)


def common_region(regions):
    """The lowest region containing every one of ``regions`` (itself when there is one)."""
    from safecity.geo.models import Region

    prefixes = [r.prefix for r in regions]
    if not prefixes:
        return None
    best = ""
    for n in PREFIX_LENGTHS:
        head = prefixes[0][:n]
        if all(len(p) >= n and p[:n] == head for p in prefixes):
            best = head
        else:
            break
    return Region.objects.filter(prefix=best).first() if best else None


class CampaignQuerySet(RestrictedQuerySet):
    """Campaign reads: a campaign is *seen* by everyone whose scope overlaps its area (a county sees the
    city's campaign touching it); it is *changed* only within the scope of its organising region."""

    def restrict(self, user, action: str = "view"):
        from safecity.core.querysets import permission_name
        from safecity.core.scoping import get_scopes

        if action != "view":
            return super().restrict(user, action)
        if user is None or not user.is_authenticated or not user.has_perm(permission_name(self.model, action)):
            return self.none()
        scopes = get_scopes(user)
        if scopes.unrestricted:
            return self
        if not scopes.scopes:
            return self.none()
        return self.filter(area_overlap_q(scopes.prefixes) | Campaign.scope_q(scopes.scopes))


class Campaign(ScopedModel):
    """A campaign (专项整治 / 大排查): a period, the categories inspected, its area (one or more regions,
    each with everything below it) and the teams that cross-inspect. Its ``region`` is the organising
    level, derived as the lowest region containing the whole area: only users whose scope covers it may
    change the campaign or plan it; users whose scope overlaps the area see it."""

    name = models.CharField(_("name"), max_length=200)
    regions = models.ManyToManyField(
        "geo.Region", verbose_name=_("area"), related_name="+", help_text=_("The campaign covers these regions.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    categories = models.JSONField(_("categories"), default=list, blank=True)
    teams = models.ManyToManyField(
        InspectionTeam, verbose_name=_("inspection teams"), blank=True, related_name="campaigns"
    )
    blind_spot_days = models.PositiveSmallIntegerField(_("blind spot after days without inspection"), default=90)
    notes = models.TextField(_("notes"), blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="hazards_campaign_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        valid = set(TargetCategory.values)
        bad = [c for c in self.categories or [] if c not in valid]
        if bad:
            raise ValidationError({"categories": _("Unknown categories: %(items)s") % {"items": ", ".join(bad)}})


class CampaignAssignment(models.Model):
    """The planner's result for one target of a campaign: its team, or why none could take it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("inspection target"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        InspectionTeam,
        verbose_name=_("inspection team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("why not assigned"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("campaign assignment")
        verbose_name_plural = _("campaign assignments")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="hazards_assignment_unique_target"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} → {self.team_id or self.reason}"


class Inspection(ScopedModel):
    """One inspection of a target: the checklist walked item by item, where and when. Its region is the target's."""

    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("inspection target"), on_delete=models.PROTECT, related_name="inspections"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    inspected_at = models.DateTimeField(_("inspected at"), default=timezone.now)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    #: ``[{"item": id, "text": …, "clause": …, "hazard_when": …, "major": bool, "result": "pass"|"hazard"|"na",
    #: "note": …}, …]`` — a snapshot of the items as answered; checklist edits later do not change it.
    results = models.JSONField(_("results"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    #: Generated by the form when it opens: a resubmitted form (flaky network) is recognised, not saved twice.
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at"]

    def __str__(self) -> str:
        return f"{self.target} {timezone.localtime(self.inspected_at):%Y-%m-%d}"

    def clean_fields(self, exclude=None):
        if self.target_id:
            self.region_id = self.target.region_id
        super().clean_fields(exclude=exclude)

    @property
    def hazard_count(self) -> int:
        return sum(1 for r in self.results if r.get("result") == "hazard")


class HazardPhoto(models.Model):
    """A photo of a hazard as found, or of its rectification (evidence). Stored under MEDIA_ROOT with a
    random name; served only through the hazard's scope (see ``views.photo``)."""

    class Stage(models.TextChoices):
        FOUND = "found", _("as found")
        RECTIFIED = "rectified", _("rectification evidence")

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FOUND)
    image = models.FileField(_("photo"), upload_to="hazards/photos/", max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to="hazards/thumbs/", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.image.name
