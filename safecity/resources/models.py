"""Emergency supplies: depots, the item catalogue, lots and the stock ledger, reserve standards.

Stock is a ledger: every change is a :class:`Movement` written by :mod:`.services` (receive, issue,
transfer, adjust) together with the new on-hand quantity of its :class:`Lot`, in one transaction,
so a lot's ``quantity`` always equals the sum of its movements. Nothing edits a number directly.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel
from safecity.core.validators import validate_id_number, validate_phone

from .choices import (
    Availability,
    CallUpResponse,
    DepotKind,
    EquipmentCondition,
    ExpertSource,
    ItemCategory,
    MovementKind,
    Readiness,
    TeamKind,
)


class Depot(ScopedModel):
    """A reserve depot (储备库) of the government, an enterprise or a community, kept by its keepers."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DepotKind.choices, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("keepers"), blank=True, related_name="kept_depots"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("depot")
        verbose_name_plural = _("depots")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="resources_depot_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Item(BaseModel):
    """An entry of the city-wide supplies catalogue (应急物资目录)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices, db_index=True)
    unit = models.CharField(_("unit"), max_length=10)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    specification = models.CharField(_("specification"), max_length=200, blank=True)

    scope_region_path = None  # the catalogue is shared by the whole city

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scopes) -> Q:
        return Q()


class Lot(BaseModel):
    """One lot of one item in one depot: its dates and what is on hand (the sum of its movements)."""

    depot = models.ForeignKey(Depot, verbose_name=_("depot"), on_delete=models.PROTECT, related_name="lots")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(_("lot number"), max_length=50, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, db_index=True)
    quantity = models.PositiveIntegerField(_("on hand"), default=0, editable=False)

    scope_region_path = "depot__region"

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["depot", "item", "expiry_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="resources_lot_quantity_not_negative"),
            models.UniqueConstraint(
                fields=["depot", "item", "lot_number"], name="resources_lot_unique_number_in_depot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.lot_number}".strip()


class Movement(BaseModel):
    """One ledger line: a signed change of one lot's quantity, and why."""

    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices, db_index=True)
    quantity = models.IntegerField(_("quantity"), help_text=_("Positive in, negative out."))
    balance = models.PositiveIntegerField(_("balance after"))
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_movements",
    )
    counterpart = models.ForeignKey(
        "self",
        verbose_name=_("other side of the transfer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.CharField(_("received by / from"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_region_path = "lot__depot__region"

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="resources_movement_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.lot.item} {self.quantity:+d}"


class ReserveStandard(ScopedModel):
    """The minimum quantity of an item a region must hold in its depots (储备标准)."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="standards")
    minimum = models.PositiveIntegerField(_("minimum quantity"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reserve standard")
        verbose_name_plural = _("reserve standards")
        ordering = ["region__code", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "item"], name="resources_standard_unique_item_in_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.item} ≥ {self.minimum}"


class Equipment(BaseModel):
    """One piece of rescue equipment (装备) kept in a depot: its condition and maintenance dates."""

    depot = models.ForeignKey(Depot, verbose_name=_("depot"), on_delete=models.PROTECT, related_name="equipment")
    name = models.CharField(_("name"), max_length=100)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    condition = models.CharField(
        _("condition"), max_length=20, choices=EquipmentCondition.choices, default=EquipmentCondition.GOOD
    )
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    last_maintained_on = models.DateField(_("last maintained on"), null=True, blank=True)
    maintenance_interval_days = models.PositiveIntegerField(_("maintenance interval (days)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_region_path = "depot__region"

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["depot", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["depot", "serial_number"],
                condition=~Q(serial_number=""),
                name="resources_equipment_unique_serial_in_depot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.serial_number}".strip()

    @property
    def next_maintenance_on(self) -> date | None:
        """When maintenance is next due (from the last one, or commissioning), if it has an interval."""
        start = self.last_maintained_on or self.commissioned_on
        if start is None or not self.maintenance_interval_days:
            return None
        return start + timedelta(days=self.maintenance_interval_days)

    def maintenance_overdue(self, today: date) -> bool:
        due = self.next_maintenance_on
        return due is not None and due < today and self.condition != EquipmentCondition.SCRAPPED


class Specialty(models.Model):
    """One entry of the experts' specialty taxonomy (hazardous chemicals, mining, flood and typhoon …)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Expert(ScopedModel):
    """A member of the emergency expert pool (应急救援专家库), in the region that keeps them."""

    name = models.CharField(_("name"), max_length=50)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), related_name="experts")
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ExpertSource.choices, db_index=True)
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.AVAILABLE, db_index=True
    )
    phone = models.CharField(_("phone"), max_length=30, validators=[validate_phone])
    certificates = models.TextField(_("certificates"), blank=True, help_text=_("One per line."))
    certificates_expire_on = models.DateField(_("earliest certificate expiry"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class ExpertCallUp(BaseModel):
    """An expert called up for an incident, and their answer."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="call_ups")
    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="expert_call_ups"
    )
    called_at = models.DateTimeField(_("called at"))
    response = models.CharField(
        _("response"), max_length=20, choices=CallUpResponse.choices, default=CallUpResponse.PENDING, db_index=True
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_region_path = "expert__region"

    class Meta:
        verbose_name = _("expert call-up")
        verbose_name_plural = _("expert call-ups")
        ordering = ["-called_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "incident"], name="resources_callup_once_per_incident"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.incident}"


class RescueTeam(ScopedModel):
    """A rescue team (professional, medical, fire and rescue; or a reserve team) and its readiness.

    ``readiness`` and its reason and time change only through ``services.set_readiness`` (and the
    dispatch services), so every change is in the team's history with its reason; the edit form
    leaves them out (they stay editable fields so the history page shows their changes).
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, db_index=True)
    is_reserve = models.BooleanField(_("reserve team"), default=False)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), blank=True, related_name="teams")
    #: The declared strength (编制人数); the registered people are ``team_members`` (see ``TeamMember``).
    members = models.PositiveIntegerField(
        _("establishment size"),
        default=0,
        help_text=_("The team's declared strength; the members registered by name are listed on the team's page."),
    )
    leader = models.CharField(_("team leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("team leader's phone"), max_length=30, blank=True, validators=[validate_phone])
    base_address = models.CharField(_("base"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    readiness = models.CharField(
        _("readiness"), max_length=20, choices=Readiness.choices, default=Readiness.READY, db_index=True
    )
    readiness_reason = models.CharField(_("reason"), max_length=200, blank=True)
    readiness_since = models.DateTimeField(_("since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="resources_team_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Dispatch(BaseModel):
    """A team sent to an incident: when it was ordered out, left its base, arrived and came back."""

    team = models.ForeignKey(
        RescueTeam, verbose_name=_("rescue team"), on_delete=models.PROTECT, related_name="dispatches"
    )
    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="team_dispatches"
    )
    ordered_at = models.DateTimeField(_("ordered at"))
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    scope_region_path = "team__region"

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gte=models.F("ordered_at")),
                name="resources_dispatch_departs_after_order",
            ),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True)
                | Q(departed_at__isnull=False, arrived_at__gte=models.F("departed_at")),
                name="resources_dispatch_arrives_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.incident}"

    @property
    def response_minutes(self) -> int | None:
        """Minutes from the order to arrival on site (the response time)."""
        if self.arrived_at is None:
            return None
        return int((self.arrived_at - self.ordered_at).total_seconds() // 60)


class TeamMemberRole(models.TextChoices):
    """A member's role in a rescue team."""

    LEADER = "leader", _("team leader")
    DEPUTY = "deputy", _("deputy leader")
    MEMBER = "member", _("member")


class TeamMember(BaseModel):
    """A named member of a rescue team (队员): role, specialty, contacts, when they joined and left.

    Active members are the rows neither archived nor with ``left_on``; ``RescueTeam.members`` stays the team's
    declared strength, so a team with no names registered yet keeps its figure.
    """

    team = models.ForeignKey(
        RescueTeam, verbose_name=_("rescue team"), on_delete=models.PROTECT, related_name="team_members"
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=10, choices=TeamMemberRole.choices, default=TeamMemberRole.MEMBER)
    specialty = models.ForeignKey(
        Specialty,
        verbose_name=_("specialty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    id_number = models.CharField(_("identity number"), max_length=18, blank=True, validators=[validate_id_number])
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    scope_region_path = "team__region"

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "role", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="resources_teammember_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.team}）"
