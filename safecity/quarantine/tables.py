import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.masking import mask_id_number, mask_name
from safecity.core.tables import BaseTable, MaskedColumn

from .models import Facility, FacilityStaff, Stay

#: Facility and bed states in the colour language of ui.md (the word always goes with the colour).
STATUS_BADGE = {
    "ready": "text-bg-success",
    "standby": "text-bg-primary",
    "in_use": "text-bg-warning",
    "suspended": "text-bg-secondary",
    "occupied": "text-bg-danger",
    "cleaning": "text-bg-warning",
    "out_of_service": "text-bg-secondary",
}


def status_badge(value: str, label) -> str:
    return format_html('<span class="badge {}" data-status="{}">{}</span>', STATUS_BADGE.get(value, ""), value, label)


class FacilityTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    manager_phone = MaskedColumn()
    free_beds = tables.Column(
        verbose_name=_("free ready beds"), attrs={"td": {"class": "text-end", "data-col": "free"}}
    )
    bed_count = tables.Column(verbose_name=_("beds"), attrs={"td": {"class": "text-end"}})
    #: The facility's status, with "archived" next to it for archived rows (replaces the base archived column).
    status = tables.Column(accessor="status", verbose_name=_("status"), order_by=("status",))

    class Meta(BaseTable.Meta):
        model = Facility
        fields = (
            "name",
            "kind",
            "region",
            "address",
            "designed_capacity",
            "bed_count",
            "free_beds",
            "manager",
            "manager_phone",
            "status",
        )

    def render_status(self, record):
        badge = status_badge(record.status, record.get_status_display())
        if record.archived_at:
            badge += format_html(' <span class="badge text-bg-secondary">{}</span>', _("Archived"))
        return badge

    def value_status(self, record):
        return record.get_status_display()

    def render_free_beds(self, record, value):
        return 0 if record.status == "suspended" else value


class FacilityStaffTable(BaseTable):
    name = tables.Column(linkify=True)
    facility = tables.Column(linkify=True, order_by=("facility__name",))
    phone = MaskedColumn()
    trained_on = tables.DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = FacilityStaff
        fields = ("name", "role", "facility", "phone", "trained_on", "certificate", "status")


class StayTable(BaseTable):
    """Stays with the person's name and identity number masked (the stay page links to the person)."""

    person = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("person__name",))
    id_number = tables.Column(accessor="person__id_number", verbose_name=_("identity number"), orderable=False)
    facility = tables.Column(linkify=True, order_by=("facility__name",))
    bed = tables.Column(accessor="bed", verbose_name=_("bed"), orderable=False)
    checked_in_at = tables.DateTimeColumn(format="Y-m-d H:i")
    planned_check_out = tables.DateColumn(format="Y-m-d")
    checked_out_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Stay
        fields = (
            "person",
            "id_number",
            "facility",
            "bed",
            "reason",
            "checked_in_at",
            "planned_check_out",
            "checked_out_at",
            "outcome",
            "status",
        )

    def render_person(self, record):
        return mask_name(record.person.name)

    def value_person(self, record):
        return mask_name(record.person.name)

    def render_id_number(self, value):
        return mask_id_number(value)

    def value_id_number(self, value):
        return mask_id_number(value)

    def render_bed(self, record):
        return f"{record.bed.room.number}-{record.bed.label}"

    def value_bed(self, record):
        return f"{record.bed.room.number}-{record.bed.label}"
