"""Flood and typhoon response: the vessels of the coast, the responses to a typhoon with their deadlines, and
the check of each vessel in each response (back in port? crew ashore?)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.core.models import BaseModel, ScopedModel, reaching_q
from safecity.core.querysets import RestrictedQuerySet
from safecity.core.validators import to_halfwidth, validate_phone

from .choices import Position, VesselKind
from .rules import RESPONSE_LEVELS, VESSEL_LEVELS


def normalize_registration(value: str) -> str:
    """A registration number as registers write it: half-width, no spaces, Latin letters upper-case."""
    return "".join(to_halfwidth(value or "").split()).upper()


class Vessel(ScopedModel):
    """A vessel (fishing, transport) or fish raft of a town or village, with its crew and owner."""

    name = models.CharField(_("vessel name"), max_length=100)
    registration_number = models.CharField(
        _("registration number"), max_length=50, help_text=_("As on the certificate, e.g. 粤江台渔12345.")
    )
    kind = models.CharField(_("vessel kind"), max_length=20, choices=VesselKind.choices, db_index=True)
    home_port = models.CharField(_("home port"), max_length=100, blank=True)
    length_m = models.DecimalField(
        _("length (m)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    crew_count = models.PositiveIntegerField(_("crew"), default=0)
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    owner_phone = models.CharField(_("owner phone"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("vessel")
        verbose_name_plural = _("vessels")
        ordering = ["region__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=Q(archived_at__isnull=True),
                name="typhoon_vessel_registration_unique_active",
                violation_error_message=_("A vessel with this registration number is already registered."),
            ),
            models.CheckConstraint(condition=Q(length_m__gte=0), name="typhoon_vessel_length_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.registration_number}）"

    def clean_fields(self, exclude=None):
        self.registration_number = normalize_registration(self.registration_number)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.region_id and self.region.level not in VESSEL_LEVELS:
            raise ValidationError({"region": _("A vessel belongs to a town or a village.")})


class ResponseQuerySet(RestrictedQuerySet):
    def ongoing(self):
        """Responses neither ended nor archived."""
        return self.filter(ended_at__isnull=True, archived_at__isnull=True)


class TyphoonResponse(ScopedModel):
    """A response to a typhoon (防御台风"摩羯"), for the city or a county: when it started, by when vessels must
    be back in port and crews ashore, and when it ended. The warning it answers is optional.

    Seen by everyone inside its region (town staff check their vessels against the county's response) and by
    those above it; changed and ended only by the supervising side (see ``rules``).
    """

    title = models.CharField(_("title"), max_length=200)
    warning = models.ForeignKey(
        "alerts.WarningSignal",
        verbose_name=pgettext_lazy("cap", "warning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="typhoon_responses",
    )
    started_at = models.DateTimeField(pgettext_lazy("typhoon", "started at"), default=timezone.now, db_index=True)
    port_deadline = models.DateTimeField(
        _("vessels back in port by"),
        null=True,
        blank=True,
        help_text=_("Left empty: the default for the warning's colour, if any."),
    )
    ashore_deadline = models.DateTimeField(
        _("crews ashore by"), null=True, blank=True, help_text=_("Left empty: the default for the warning's colour.")
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False, db_index=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("typhoon response")
        verbose_name_plural = _("typhoon responses")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(port_deadline__isnull=True) | Q(port_deadline__gte=models.F("started_at")),
                name="typhoon_response_port_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ashore_deadline__isnull=True) | Q(ashore_deadline__gte=models.F("started_at")),
                name="typhoon_response_ashore_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="typhoon_response_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scopes) -> Q:
        """Inside the user's scope, or above it: a county's response reaches its towns."""
        return reaching_q(scopes)

    def clean(self):
        super().clean()
        errors = {}
        if self.region_id and self.region.level not in RESPONSE_LEVELS:
            errors["region"] = _("A typhoon response is started for the city or a county.")
        if self.started_at:
            for name in ("port_deadline", "ashore_deadline"):
                deadline = getattr(self, name)
                if deadline is not None and deadline < self.started_at:
                    errors[name] = _("The deadline comes after the start of the response.")
        if errors:
            raise ValidationError(errors)

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None and self.archived_at is None

    def port_deadline_passed(self, now: datetime | None = None) -> bool:
        return self.port_deadline is not None and self.port_deadline <= (now or timezone.now())

    def ashore_deadline_passed(self, now: datetime | None = None) -> bool:
        return self.ashore_deadline is not None and self.ashore_deadline <= (now or timezone.now())


class VesselCheck(BaseModel):
    """The current check of one vessel in one response: where it is and whether its crew is ashore. One row per
    (response, vessel), updated in place — every earlier state is in its history. Seen by whoever sees the
    vessel (the town staff who check it, and everyone above)."""

    response = models.ForeignKey(
        TyphoonResponse, verbose_name=_("typhoon response"), on_delete=models.PROTECT, related_name="checks"
    )
    vessel = models.ForeignKey(Vessel, verbose_name=_("vessel"), on_delete=models.PROTECT, related_name="checks")
    status = models.CharField(_("position"), max_length=20, choices=Position.choices, db_index=True)
    crew_ashore = models.BooleanField(_("crew ashore"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_region_path = "vessel__region"

    class Meta:
        verbose_name = _("vessel check")
        verbose_name_plural = _("vessel checks")
        ordering = ["response", "vessel"]
        constraints = [
            models.UniqueConstraint(fields=["response", "vessel"], name="typhoon_vesselcheck_one_per_vessel"),
        ]

    def __str__(self) -> str:
        return f"{self.vessel} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("typhoon:vessel_check", kwargs={"pk": self.response_id, "vessel": self.vessel_id})
