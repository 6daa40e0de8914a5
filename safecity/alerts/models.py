"""Warnings received as CAP messages (预警信息): each message as received, and the warning it starts,
updates or lifts — with the regions of our city it covers."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.core.models import BaseModel, ScopedModel, reaching_q
from safecity.core.querysets import RestrictedQuerySet
from safecity.geo.codes import prefix_of

from .choices import Channel, Colour, Kind, Outcome, State
from .rules import COLOUR_RANK, PRACTICE_STATUSES, colour_in


def regions_reaching(scopes):
    """Rows of the warning–region table whose region is inside one of ``scopes`` or above it."""
    return WarningSignal.regions.through.objects.filter(reaching_q(scopes))


class WarningQuerySet(RestrictedQuerySet):
    def in_force(self, now: datetime | None = None) -> WarningQuerySet:
        """Real warnings neither lifted nor expired at ``now``."""
        now = now or timezone.now()
        return self.filter(
            Q(expires__isnull=True) | Q(expires__gt=now),
            lifted_at__isnull=True,
            exercise=False,
            archived_at__isnull=True,
        )

    def highest_first(self) -> WarningQuerySet:
        rank = models.Case(
            *(models.When(colour=c, then=models.Value(r)) for c, r in COLOUR_RANK.items()),
            default=models.Value(0),
        )
        return self.annotate(colour_rank=rank).order_by("-colour_rank", "-sent")


class WarningSignal(ScopedModel):
    """A warning in force for part of our city, as its messages say: started by an Alert, changed by
    Updates (a yellow typhoon signal raised to orange), lifted by a Cancel; expired when its time is up.

    ``region`` is the smallest region of our city containing every area the warning names; ``regions``
    are those areas. A warning of the whole city is seen by everyone in it; a county's warning by that
    county, the towns in it and the city — not by the other counties.
    """

    sender = models.CharField(_("issuer"), max_length=200)
    sender_name = models.CharField(_("issuer name"), max_length=200, blank=True)
    event = models.CharField(_("event"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, db_index=True)
    severity = models.CharField(_("severity"), max_length=10)
    urgency = models.CharField(_("urgency"), max_length=10)
    certainty = models.CharField(_("certainty"), max_length=10)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    area_description = models.TextField(pgettext_lazy("cap", "area"), blank=True)
    regions = models.ManyToManyField(
        "geo.Region", verbose_name=_("regions covered"), related_name="warning_signals", blank=True
    )
    sent = models.DateTimeField(_("issued at"), db_index=True, help_text=_("When its latest message was sent."))
    effective = models.DateTimeField(pgettext_lazy("cap", "effective"), null=True, blank=True)
    onset = models.DateTimeField(_("onset"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True, db_index=True)
    exercise = models.BooleanField(
        _("test or exercise"), default=False, help_text=_("Shown, never alerted or counted as in force.")
    )

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("cap", "warning")
        verbose_name_plural = _("warnings")
        ordering = ["-sent", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__in=[c.value for c in Colour]), name="alerts_warningsignal_colour_valid"
            ),
        ]

    def __str__(self) -> str:
        """The event, with its colour when the event does not say it ("Tropical Cyclone Alert · 蓝色预警")."""
        if self.colour == Colour.NONE or colour_in(self.event):
            return self.event
        return f"{self.event} · {self.get_colour_display()}"

    @classmethod
    def scope_q(cls, scopes) -> Q:
        """One of its regions is inside the user's scope or covers it: a city-wide warning reaches every county
        and town; a warning for Taishan and Enping reaches those two (and the city), not Xinhui."""
        return Q(Exists(regions_reaching(scopes).filter(warningsignal_id=OuterRef("pk"))))

    @property
    def area_names(self) -> str:
        """The regions covered, by name ("台山市、新会区") — prefetch ``regions`` for lists."""
        return "、".join(r.name for r in sorted(self.regions.all(), key=lambda r: r.code))

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.exercise:
            return State.EXERCISE
        if self.lifted_at is not None:
            return State.LIFTED
        if self.expires is not None and self.expires <= now:
            return State.EXPIRED
        return State.IN_FORCE

    def get_state_display(self) -> str:
        return State(self.state()).label


class CapMessage(BaseModel):
    """One CAP message exactly as received (the XML is kept), what reading it found and what it did."""

    identifier = models.CharField(_("identifier"), max_length=200)
    sender = models.CharField(_("sender"), max_length=200)
    sent = models.DateTimeField(pgettext_lazy("cap", "sent"), db_index=True)
    cap_status = models.CharField(_("CAP status"), max_length=10)
    msg_type = models.CharField(_("message type"), max_length=10)
    references = models.TextField(_("references"), blank=True)
    event = models.CharField(_("event"), max_length=200, blank=True)
    area_description = models.TextField(pgettext_lazy("cap", "area"), blank=True)
    raw = models.TextField(_("message (XML)"))
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(pgettext_lazy("cap", "outcome"), max_length=20, choices=Outcome.choices)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    signal = models.ForeignKey(
        WarningSignal,
        verbose_name=pgettext_lazy("cap", "warning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )

    scope_region_path = "signal__region"

    class Meta:
        verbose_name = _("CAP message")
        verbose_name_plural = _("CAP messages")
        ordering = ["-sent", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "identifier"], name="alerts_capmessage_unique_identifier"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} · {self.identifier}"

    @classmethod
    def scope_q(cls, scopes) -> Q:
        """As its warning; a message that concerns no area of ours is seen at city level only."""
        city_prefix = prefix_of(settings.SAFECITY["CITY_CODE"])
        q = Q(Exists(regions_reaching(scopes).filter(warningsignal_id=OuterRef("signal_id"))))
        if any(city_prefix.startswith(scope.prefix) for scope in scopes):
            q |= Q(signal__isnull=True)
        return q

    @property
    def is_practice(self) -> bool:
        return self.cap_status in PRACTICE_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("alerts:capmessage_detail", kwargs={"pk": self.pk})
