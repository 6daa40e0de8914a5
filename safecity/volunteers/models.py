"""Emergency volunteers (应急救援志愿者): registration with consent, skills, teams, deployments and hours.

A volunteer is registered only with their consent to the processing of their personal data (PIPL):
``consent_at`` and ``consent_version`` are set by the registration form, the API or the import and the
model refuses a row without them. Status changes (active ↔ inactive, with the reason) go through
:mod:`.services`, so the volunteer's history is the status log. Hours are :class:`Participation` rows of a
:class:`Deployment`, bounded by the deployment's time window.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import parse_id_number, validate_id_number, validate_phone

from .choices import DeploymentKind, MembershipRole, Sex, VolunteerStatus


class Skill(models.Model):
    """One entry of the volunteers' skill taxonomy (first aid, rescue, driving, interpreting …)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Volunteer(ScopedModel):
    """A registered emergency volunteer (应急志愿者), kept by the region where they registered.

    The consent and status fields are left out of every form (status changes through ``services.set_status``)
    but stay editable fields so that the history page shows their changes.
    """

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("identity number"), max_length=18, blank=True, db_index=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=30, validators=[validate_phone])
    sex = models.CharField(
        _("sex"), max_length=10, choices=Sex.choices, blank=True, help_text=_("Taken from the identity number.")
    )
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, help_text=_("Taken from the identity number.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    employer = models.CharField(_("employer or school"), max_length=200, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="volunteers")
    consent_at = models.DateTimeField(_("consent given at"), null=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.ACTIVE,
        db_index=True,
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_since = models.DateTimeField(_("since"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["region__code", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="volunteers_volunteer_unique_id_number"
            ),
            models.CheckConstraint(condition=Q(consent_at__isnull=False), name="volunteers_volunteer_has_consent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        """Active volunteers may be sent out (not named ``is_active``: archiving would overwrite it)."""
        return self.status == VolunteerStatus.ACTIVE

    def derive_from_id_number(self) -> None:
        """Sex and birth date come from a valid identity number (normalised to 18 characters)."""
        if not self.id_number:
            return
        try:
            info = parse_id_number(self.id_number)
        except ValidationError:
            return  # the field validator reports it
        self.id_number = info.number
        self.sex = info.sex
        self.birth_date = info.birth_date

    def clean(self) -> None:
        super().clean()
        self.derive_from_id_number()
        if self.consent_at is None:
            raise ValidationError(
                _("A volunteer can be registered only with their consent to the processing of their personal data.")
            )

    def prepare_for_bulk(self) -> None:
        self.derive_from_id_number()


class VolunteerTeam(ScopedModel):
    """A volunteer team (志愿者队伍): its members with their roles, joined and left dates."""

    name = models.CharField(_("name"), max_length=200)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    members = models.ManyToManyField(
        Volunteer, through="TeamMembership", verbose_name=_("members"), related_name="teams", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="volunteers_team_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def current_memberships(self):
        return self.memberships.filter(left_on__isnull=True).select_related("volunteer")

    @property
    def leader(self) -> Volunteer | None:
        """The current team leader (the member whose role is leader), if any."""
        row = self.current_memberships().filter(role=MembershipRole.LEADER).first()
        return row.volunteer if row else None


class TeamMembership(BaseModel):
    """A volunteer's membership of a team: role, joined on, left on (empty while a member)."""

    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("volunteer team"), on_delete=models.PROTECT, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    scope_region_path = "team__region"

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "role", "volunteer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(left_on__isnull=True),
                name="volunteers_membership_once_while_member",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="volunteers_membership_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"


class Deployment(ScopedModel):
    """Volunteers sent to an activity or an incident: when (the time window), where, and which team."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DeploymentKind.choices, db_index=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_deployments",
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("volunteer team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="volunteers_deployment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})" if self.starts_at else self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    @property
    def window_hours(self) -> Decimal:
        """The length of the deployment window in hours (the most anyone can serve in it)."""
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class Participation(BaseModel):
    """One volunteer in one deployment: checked in and out, and the service hours confirmed by staff."""

    deployment = models.ForeignKey(
        Deployment, verbose_name=_("deployment"), on_delete=models.PROTECT, related_name="participations"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="participations"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=1, default=Decimal("0"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    scope_region_path = "deployment__region"

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["deployment", "volunteer__name"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "volunteer"], name="volunteers_participation_once"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="volunteers_participation_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
                name="volunteers_participation_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.deployment.title}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
