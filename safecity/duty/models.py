"""Duty (值班值守): duty posts, their shifts (the duty roster), shift swaps, the duty log and handovers.

Every record belongs to a duty post, and a duty post to a region: a county user sees and files only
their county's posts, shifts, log entries, swaps and handovers (``scope_region_path``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import validate_phone

from . import rules
from .choices import DutyPostKind, SwapStatus


class DutyPost(ScopedModel):
    """A duty post (值班室): a room kept on 24-hour duty for a region — the city's emergency duty room,
    each county's and town's room, or a department's. Its shifts form the duty roster."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DutyPostKind.choices, db_index=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_posts",
        help_text=_("The department or government body that keeps this duty room, if any."),
    )
    phone = models.CharField(
        _("duty phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("The duty room's published line."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="duty_dutypost_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pattern(self) -> rules.ShiftPattern:
        return rules.shift_pattern(self.kind)


class Shift(BaseModel):
    """One shift (班次) at a duty post: from when to when, the duty officers on it and the leader on shift.

    A post's shifts in a month are its duty roster (排班表). Changes of the officers are recorded in
    the shift's history like any other field (see :meth:`set_officers`).
    """

    post = models.ForeignKey(DutyPost, verbose_name=_("duty post"), on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader on shift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_shifts_led",
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("duty officers"), blank=True, related_name="duty_shifts"
    )
    phone = models.CharField(
        _("duty phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("Leave empty to use the duty post's line."),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_region_path = "post__region"
    #: Officers are versioned with the shift (django-simple-history m2m tracking).
    _history_m2m_fields = ["officers"]

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["-starts_at", "post_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="duty_shift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["post", "starts_at"],
                condition=Q(archived_at__isnull=True),
                name="duty_shift_one_per_start",
                violation_error_message=_("This duty post already has a shift starting at this time."),
            ),
        ]
        indexes = [models.Index(fields=["post", "starts_at", "ends_at"], name="duty_shift_post_time_idx")]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at) if self.starts_at else None
        return f"{self.post} {start:%Y-%m-%d %H:%M}" if start else str(self.post)

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > rules.MAX_SHIFT_LENGTH:
            raise ValidationError(
                {
                    "ends_at": _("A shift may last at most %(hours)s hours.")
                    % {"hours": int(rules.MAX_SHIFT_LENGTH.total_seconds() // 3600)}
                }
            )

    @property
    def duty_phone(self) -> str:
        return self.phone or (self.post.phone if self.post_id else "")

    def set_officers(self, users) -> None:
        """Replace the duty officers; call it right after saving the shift (e.g. as ``object_save``'s ``after_save``).

        The history row written by that save is updated to list the officers as they are now, so a
        save plus an officer change is one version in the history (not one per added or removed person).
        """
        self.skip_history_when_saving = True
        try:
            self.officers.set(users)
        finally:
            del self.skip_history_when_saving
        record = self.history.order_by("-history_id").first()
        if record is None:
            return
        snapshot = record.officers.model
        snapshot.objects.filter(history=record).delete()
        through = Shift.officers.through
        snapshot.objects.bulk_create(
            snapshot(history=record, id=row.id, shift_id=row.shift_id, user_id=row.user_id)
            for row in through.objects.filter(shift=self)
        )


class ShiftSwap(BaseModel):
    """A request to hand one person's place on a shift to another (换班), approved by the post's leader on
    shift or HQ; approval reassigns the shift in the same transaction."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="swaps")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handing over"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taking over"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SwapStatus.choices, default=SwapStatus.REQUESTED, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True, editable=False)

    scope_region_path = "shift__post__region"

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")),
                name="duty_shiftswap_two_people",
                violation_error_message=_("A swap needs two different people."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shift} · {self.from_user} → {self.to_user}"


class DutyLogEntry(BaseModel):
    """One entry of the duty log (值班日志): a call or event as the duty officer received it.

    What happened covers cause, course, measures taken, result, impact and likely trend; "informed"
    records whom the caller (or the officer) has informed and when. An incident opened from an entry
    points back to it (``Incident.duty_log_entry`` in the incidents app).
    """

    post = models.ForeignKey(
        DutyPost, verbose_name=_("duty post"), on_delete=models.PROTECT, related_name="log_entries"
    )
    occurred_at = models.DateTimeField(_("time of the call or event"), default=timezone.now, db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.CharField(_("what happened"), max_length=200)
    details = models.TextField(
        _("details"),
        blank=True,
        help_text=_("Cause, course, measures taken, result, impact and likely trend."),
    )
    informed = models.TextField(_("informed"), blank=True, help_text=_("Who has been informed, by whom and when."))
    caller_unit = models.CharField(_("caller's unit"), max_length=200, blank=True)
    caller_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    caller_title = models.CharField(_("caller's title"), max_length=50, blank=True)
    caller_phone = models.CharField(
        _("caller's phone"),
        max_length=30,
        blank=True,
        help_text=_("Any number as shown on the phone, including short service numbers."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    scope_region_path = "post__region"

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at) if self.occurred_at else None
        return f"{when:%Y-%m-%d %H:%M} {self.summary}" if when else self.summary


class Handover(BaseModel):
    """A shift handover (交接班): the outgoing duty officer lists the open matters in writing, the incoming
    officer acknowledges them. Until acknowledged it stays visible, and after the grace period
    (``rules.HANDOVER_ACKNOWLEDGE_GRACE``) it alerts the leader on shift."""

    post = models.ForeignKey(DutyPost, verbose_name=_("duty post"), on_delete=models.PROTECT, related_name="handovers")
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("outgoing officer"), on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("incoming officer"), on_delete=models.PROTECT, related_name="+"
    )
    open_matters = models.TextField(
        _("open matters"), help_text=_("Everything still open, one matter per line; write “none” if nothing is open.")
    )
    handed_over_at = models.DateTimeField(_("handed over at"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    scope_region_path = "post__region"

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")
        ordering = ["-handed_over_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outgoing=F("incoming")),
                name="duty_handover_two_people",
                violation_error_message=_("The outgoing and incoming officers must be different people."),
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="duty_handover_acknowledged_by_whom",
            ),
        ]
        indexes = [
            models.Index(
                fields=["post", "handed_over_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="duty_handover_pending_idx",
            )
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.handed_over_at) if self.handed_over_at else None
        return f"{self.post} {when:%Y-%m-%d %H:%M}" if when else str(self.post)

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
