import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .models import Campaign, Hazard, Inspection, InspectionTarget, InspectionTeam


class InspectionTargetTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    responsible_phone = MaskedColumn()
    last_inspected_at = tables.DateTimeColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = InspectionTarget
        fields = (
            "name",
            "category",
            "risk_grade",
            "region",
            "address",
            "responsible_unit",
            "responsible_person",
            "responsible_phone",
            "last_inspected_at",
            "status",
        )


class HazardTable(BaseTable):
    title = tables.Column(linkify=True)
    target = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    found_at = tables.DateTimeColumn(format="Y-m-d")
    state = tables.Column(accessor="status", verbose_name=_("status"))
    deadline = tables.DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Hazard
        fields = (
            "title",
            "level",
            "target",
            "region",
            "found_at",
            "state",
            "deadline",
            "responsible_unit",
            "responsible_person",
            "supervision_level",
            "status",
        )
        sequence = fields

    def render_state(self, record):
        """The status, and for an overdue hazard the word as well as the red (never colour alone)."""
        if record.is_overdue():
            return format_html(
                '<span class="badge text-bg-danger" data-status="overdue">{} · {}</span>',
                record.get_status_display(),
                _("overdue"),
            )
        return format_html('<span class="badge text-bg-light border">{}</span>', record.get_status_display())

    def value_state(self, record):
        status, overdue = record.get_status_display(), _("overdue")
        return f"{status} · {overdue}" if record.is_overdue() else status


class InspectionTeamTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",), verbose_name=_("home county"))

    class Meta(BaseTable.Meta):
        model = InspectionTeam
        fields = ("name", "region", "status")


class CampaignTable(BaseTable):
    name = tables.Column(linkify=True)
    area = tables.Column(accessor="pk", verbose_name=_("area"), orderable=False)
    region = tables.Column(linkify=True, order_by=("region__code",), verbose_name=_("organised at"))

    class Meta(BaseTable.Meta):
        model = Campaign
        fields = ("name", "area", "region", "starts_on", "ends_on", "blind_spot_days", "status")
        sequence = fields

    def render_area(self, record):
        return "、".join(r.name for r in record.regions.all())

    def value_area(self, record):
        return self.render_area(record)


class InspectionTable(BaseTable):
    inspected_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)
    findings = tables.Column(accessor="hazard_count", verbose_name=_("hazards found"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = ("inspected_at", "target", "campaign", "inspector", "findings")
