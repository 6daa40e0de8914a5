"""Training of the reserve forces (后备力量培训): courses, who attended and passed, and their certificates.

A certificate's or attendance's *holder* is one of: a volunteer, an expert of the expert pool, a rescue team's
member, or another person (name, identity number, phone). Passing a course issues the certificate through
:func:`safecity.training.services.record_result`; its expiry follows the course's (or the topic's) validity.
A certificate belongs to the holder's region, so a county sees the certificates of its own people.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import validate_id_number, validate_phone

from . import rules
from .choices import HolderKind

HOLDER_FIELDS = {
    HolderKind.VOLUNTEER: "volunteer",
    HolderKind.EXPERT: "expert",
    HolderKind.TEAM_MEMBER: "team_member",
}


def _holder_check(prefix: str) -> list[models.CheckConstraint]:
    """Exactly the field of the holder's kind is filled (a person has a name and no linked record)."""
    none = {"volunteer__isnull": True, "expert__isnull": True, "team_member__isnull": True}
    rules_ = Q(holder_kind=HolderKind.PERSON, **none) & ~Q(person_name="")
    for kind, field in HOLDER_FIELDS.items():
        others = {k: v for k, v in none.items() if not k.startswith(field + "__")}
        rules_ |= Q(holder_kind=kind, **{f"{field}__isnull": False}, **others)
    return [models.CheckConstraint(condition=rules_, name=f"training_{prefix}_one_holder")]


class Topic(models.Model):
    """One training topic of the taxonomy, with the validity of its certificates (months; empty: no expiry)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    validity_months = models.PositiveSmallIntegerField(_("certificate validity (months)"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class HolderMixin(models.Model):
    """Who: a volunteer, an expert, a rescue team member, or another person given by name."""

    holder_kind = models.CharField(_("holder kind"), max_length=15, choices=HolderKind.choices, db_index=True)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_records",
    )
    expert = models.ForeignKey(
        "resources.Expert",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_records",
    )
    team_member = models.ForeignKey(
        "resources.TeamMember",
        verbose_name=_("rescue team member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_records",
    )
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    person_id_number = models.CharField(
        _("identity number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    person_phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        abstract = True

    @property
    def holder(self):
        field = HOLDER_FIELDS.get(self.holder_kind)
        return getattr(self, field) if field else None

    @property
    def holder_name(self) -> str:
        holder = self.holder
        return holder.name if holder is not None else self.person_name

    def holder_region(self):
        """The region the holder belongs to (none for another person)."""
        if self.holder_kind == HolderKind.TEAM_MEMBER and self.team_member_id:
            return self.team_member.team.region
        holder = self.holder
        return holder.region if holder is not None else None

    def clean_holder(self) -> None:
        field = HOLDER_FIELDS.get(self.holder_kind)
        errors = {}
        for other in HOLDER_FIELDS.values():
            if other != field:
                setattr(self, other, None)
        if field and getattr(self, f"{field}_id") is None:
            errors[field] = _("Choose the %(kind)s.") % {"kind": HolderKind(self.holder_kind).label}
        if self.holder_kind == HolderKind.PERSON:
            if not self.person_name.strip():
                errors["person_name"] = _("Give the person's name.")
        elif self.holder_kind:
            self.person_name = self.person_id_number = self.person_phone = ""
        if errors:
            raise ValidationError(errors)


class Course(ScopedModel):
    """A training course (培训班) organised in a region: topic, dates, hours, place and certificate validity."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="courses")
    organiser = models.CharField(_("organiser"), max_length=200)
    starts_on = models.DateField(_("starts on"), db_index=True)
    ends_on = models.DateField(_("ends on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    place = models.CharField(_("place"), max_length=255, blank=True)
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Left empty: the topic's validity."),
    )
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="training_course_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_course_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The course cannot end before it starts.")})

    @property
    def certificate_validity(self) -> int | None:
        """Months a certificate of this course is valid (the course's own figure, else the topic's)."""
        if self.validity_months:
            return self.validity_months
        return self.topic.validity_months if self.topic_id else None


class Attendance(HolderMixin, BaseModel):
    """One attendee of a course and the result: passed or not (empty until assessed), and the score."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="attendances")
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    scope_region_path = "course__region"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["course", "pk"]
        constraints = [
            *_holder_check("attendance"),
            models.UniqueConstraint(
                fields=["course", "volunteer"], condition=Q(volunteer__isnull=False), name="training_attend_once_vol"
            ),
            models.UniqueConstraint(
                fields=["course", "expert"], condition=Q(expert__isnull=False), name="training_attend_once_expert"
            ),
            models.UniqueConstraint(
                fields=["course", "team_member"],
                condition=Q(team_member__isnull=False),
                name="training_attend_once_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.holder_name}"

    def clean(self) -> None:
        super().clean()
        self.clean_holder()


class Certificate(HolderMixin, ScopedModel):
    """A certificate (证书) held by a person: number, topic, issue and expiry dates, issuing body.

    Its status (valid / expiring soon / expired) is derived from the expiry date by ``rules.certificate_status``.
    Its region is the holder's (for another person: the region that registers it).
    """

    number = models.CharField(_("certificate number"), max_length=50, unique=True)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    attendance = models.OneToOneField(
        Attendance,
        verbose_name=_("attendance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="certificate",
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["expires_on", "pk"]
        constraints = [
            *_holder_check("certificate"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="training_certificate_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.holder_name} ({self.number})"

    def clean(self) -> None:
        super().clean()
        self.clean_holder()
        region = self.holder_region()
        if region is not None:
            self.region = region
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("A certificate cannot expire before it is issued.")})

    def status_on(self, today: date) -> str:
        return rules.certificate_status(self.expires_on, today)

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def days_left(self) -> int | None:
        return None if self.expires_on is None else (self.expires_on - timezone.localdate()).days
