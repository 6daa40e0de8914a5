import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .models import (
    Depot,
    Dispatch,
    Equipment,
    Expert,
    ExpertCallUp,
    Lot,
    Movement,
    RescueTeam,
    ReserveStandard,
    TeamMember,
)


class DepotTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Depot
        fields = ("name", "kind", "region", "address", "status")


class ReserveStandardTable(BaseTable):
    item = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("item__name",))
    region = tables.Column(linkify=True, order_by=("region__code",))
    unit = tables.Column(accessor="item__unit", verbose_name=_("unit"), orderable=False)

    class Meta(BaseTable.Meta):
        model = ReserveStandard
        fields = ("item", "region", "minimum", "unit", "basis", "status")


class LotTable(tables.Table):
    """Stock on hand of one depot, lot by lot (first to be issued first)."""

    item = tables.Column(order_by=("item__name",))
    lot_number = tables.Column()
    production_date = tables.DateColumn(format="Y-m-d")
    expiry_date = tables.DateColumn(format="Y-m-d")
    quantity = tables.Column(attrs={"td": {"class": "text-end", "data-col": "on-hand"}})
    unit = tables.Column(accessor="item__unit", verbose_name=_("unit"), orderable=False)

    class Meta:
        model = Lot
        fields = ("item", "lot_number", "production_date", "expiry_date", "quantity", "unit")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-lots"}
        empty_text = ""


class MovementTable(tables.Table):
    """The stock ledger: one line per movement, signed quantity and the lot's balance after it."""

    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i")
    depot = tables.Column(accessor="lot__depot", verbose_name=_("depot"), linkify=True, order_by=("lot__depot__name",))
    item = tables.Column(accessor="lot__item", verbose_name=_("item"), order_by=("lot__item__name",))
    lot = tables.Column(accessor="lot__lot_number", verbose_name=_("lot number"))
    quantity = tables.Column(attrs={"td": {"class": "text-end", "data-col": "quantity"}})
    balance = tables.Column(attrs={"td": {"class": "text-end"}})
    incident = tables.Column(linkify=True)

    class Meta:
        model = Movement
        fields = ("occurred_at", "depot", "item", "lot", "kind", "quantity", "balance", "incident", "recipient", "note")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-ledger"}
        empty_text = ""

    def render_quantity(self, value):
        return f"{value:+d}"


class EquipmentTable(BaseTable):
    name = tables.Column(linkify=True)
    depot = tables.Column(linkify=True, order_by=("depot__name",))
    next_maintenance_on = tables.DateColumn(format="Y-m-d", verbose_name=_("next maintenance"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Equipment
        fields = (
            "name",
            "model",
            "serial_number",
            "depot",
            "condition",
            "last_maintained_on",
            "next_maintenance_on",
            "status",
        )


class ExpertTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    specialties = tables.ManyToManyColumn(verbose_name=_("specialties"), separator="、")
    phone = MaskedColumn()

    class Meta(BaseTable.Meta):
        model = Expert
        fields = ("name", "specialties", "title", "employer", "source", "region", "availability", "phone", "status")


class ExpertCallUpTable(tables.Table):
    expert = tables.Column(linkify=True, order_by=("expert__name",))
    incident = tables.Column(linkify=True, order_by=("incident__title",))
    called_at = tables.DateTimeColumn(format="Y-m-d H:i")
    responded_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = ExpertCallUp
        fields = ("expert", "incident", "called_at", "response", "responded_at", "note")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-callups"}
        empty_text = ""


class RescueTeamTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    leader_phone = MaskedColumn()
    readiness_since = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = RescueTeam
        fields = (
            "name",
            "kind",
            "is_reserve",
            "region",
            "members",
            "leader",
            "leader_phone",
            "readiness",
            "readiness_reason",
            "readiness_since",
            "status",
        )


class DispatchTable(tables.Table):
    team = tables.Column(linkify=True, order_by=("team__name",))
    incident = tables.Column(linkify=True, order_by=("incident__title",))
    ordered_at = tables.DateTimeColumn(format="Y-m-d H:i")
    departed_at = tables.DateTimeColumn(format="Y-m-d H:i")
    arrived_at = tables.DateTimeColumn(format="Y-m-d H:i")
    returned_at = tables.DateTimeColumn(format="Y-m-d H:i")
    response_minutes = tables.Column(verbose_name=_("response time (minutes)"), orderable=False)

    class Meta:
        model = Dispatch
        fields = ("team", "incident", "ordered_at", "departed_at", "arrived_at", "returned_at", "response_minutes")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-dispatches"}
        empty_text = ""


class TeamMemberTable(BaseTable):
    name = tables.Column(linkify=True)
    team = tables.Column(linkify=True, order_by=("team__name",))
    phone = MaskedColumn()
    id_number = MaskedColumn(kind="id_number")
    joined_on = tables.DateColumn(format="Y-m-d")
    left_on = tables.DateColumn(format="Y-m-d")

    # a team's members: built by the generic detail page from ``RescueTeam.members``
    related = ("team", "specialty")

    class Meta(BaseTable.Meta):
        model = TeamMember
        fields = ("name", "team", "role", "specialty", "phone", "id_number", "joined_on", "left_on", "status")
