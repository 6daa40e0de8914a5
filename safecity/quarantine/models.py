"""Quarantine facilities (隔离场所): rooms and beds, staff, the readiness checklist, and stays.

Occupancy is never a number typed by hand: a bed becomes ``occupied`` only through check-in (a
:class:`Stay` opened) and leaves it only through check-out (the stay closed, the bed to cleaning),
both in :mod:`.services`, so "persons in the facility" = open stays = occupied beds at all times.
The database holds the two invariants that matter when two officers check people in at once: a bed
has at most one open stay, and a person has at most one open stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.fields import latitude_field, longitude_field
from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import validate_phone

from . import rules
from .choices import BedStatus, FacilityKind, FacilityStatus, RoomType, StaffRole, StayOutcome, StayReason


class Facility(ScopedModel):
    """A quarantine facility (a requisitioned hotel or a purpose-built site) run by a county or town.

    ``status`` changes only through ``services.facility_set_status`` (and check-in, which puts a
    facility on standby or ready into use), so each change is in the history with its reason.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    manager = models.CharField(_("manager"), max_length=50, blank=True)
    manager_phone = models.CharField(_("manager's phone"), max_length=30, blank=True, validators=[validate_phone])
    status = models.CharField(
        _("status"), max_length=20, choices=FacilityStatus.choices, default=FacilityStatus.STANDBY, db_index=True
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    designed_capacity = models.PositiveIntegerField(
        _("designed capacity (beds)"), default=0, help_text=_("Beds the facility was planned for.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("quarantine facility")
        verbose_name_plural = _("quarantine facilities")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="quarantine_facility_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Room(BaseModel):
    """A room of a facility: number, floor and type. Its beds are :class:`Bed` rows."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="rooms")
    number = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), default=1)
    room_type = models.CharField(_("room type"), max_length=20, choices=RoomType.choices, default=RoomType.SINGLE)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    scope_region_path = "facility__region"

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "number"], name="quarantine_room_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.number}"


class Bed(BaseModel):
    """One bed of a room. ``status`` changes only through the services (check-in, check-out,
    ``bed_set_status``, ``bed_cleaned``); every change is in the bed's history."""

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(_("bed"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=BedStatus.choices, default=BedStatus.READY, db_index=True
    )

    scope_region_path = "room__facility__region"

    class Meta:
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        ordering = ["room__floor", "room__number", "label"]
        constraints = [
            models.UniqueConstraint(fields=["room", "label"], name="quarantine_bed_unique_label"),
        ]

    def __str__(self) -> str:
        return f"{self.room.number}-{self.label}"


class FacilityStaff(BaseModel):
    """A member of a facility's staff: role, phone (shown masked) and when they were trained."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    certificate = models.CharField(_("training certificate"), max_length=200, blank=True)

    scope_region_path = "facility__region"

    class Meta:
        verbose_name = _("facility staff member")
        verbose_name_plural = _("facility staff")
        ordering = ["facility", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"


class ReadinessCheck(BaseModel):
    """One check of one readiness item (``rules.READINESS_ITEMS``) of a facility, on a date: ok or not."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="readiness_checks"
    )
    item = models.CharField(_("item"), max_length=30, choices=rules.READINESS_CHOICES)
    checked_on = models.DateField(_("checked on"), db_index=True)
    ok = models.BooleanField(_("ok"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )

    scope_region_path = "facility__region"

    class Meta:
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        ordering = ["facility", "item", "-checked_on", "-pk"]
        indexes = [models.Index(fields=["facility", "item", "checked_on"], name="quarantine_check_latest")]

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_item_display()} · {self.checked_on}"


class Stay(BaseModel):
    """A person's stay in a facility bed: checked in, planned check-out, checked out and how it ended.

    Opened by ``services.check_in`` and closed by ``services.check_out``. The region is the
    facility's: the county that runs the facility manages the stay.
    """

    person = models.ForeignKey(
        "epidemic.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="quarantine_stays"
    )
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="stays")
    bed = models.ForeignKey(Bed, verbose_name=_("bed"), on_delete=models.PROTECT, related_name="stays")
    plan = models.ForeignKey(
        "followup.ManagementPlan",
        verbose_name=_("management plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quarantine_stays",
        help_text=_("The person's management plan; its facility-quarantine step gives the planned check-out."),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=StayReason.choices, default=StayReason.CLOSE_CONTACT, db_index=True
    )
    checked_in_at = models.DateTimeField(_("checked in at"), db_index=True)
    planned_check_out = models.DateField(_("planned check-out"), null=True, blank=True, db_index=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=StayOutcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_region_path = "facility__region"

    class Meta:
        verbose_name = _("quarantine stay")
        verbose_name_plural = _("quarantine stays")
        ordering = ["-checked_in_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(checked_out_at__isnull=True, archived_at__isnull=True),
                name="quarantine_stay_one_open_per_bed",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(checked_out_at__isnull=True, archived_at__isnull=True),
                name="quarantine_stay_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="quarantine_stay_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.facility} {self.bed}"

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None and self.archived_at is None
