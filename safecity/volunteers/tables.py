import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .choices import VolunteerStatus
from .models import Deployment, Participation, TeamMembership, Volunteer, VolunteerTeam


class StatusColumn(tables.Column):
    """Active (green) / inactive (grey) with its word."""

    def render(self, value, record):
        css = "success" if record.status == VolunteerStatus.ACTIVE else "secondary"
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_status_display())

    def value(self, value, record):
        return record.get_status_display()


class VolunteerTable(BaseTable):
    name = tables.Column(linkify=True)
    id_number = MaskedColumn(kind="id_number")
    phone = MaskedColumn()
    region = tables.Column(linkify=True, order_by=("region__code",))
    skills = tables.ManyToManyColumn(verbose_name=_("skills"), separator="、")
    volunteer_status = StatusColumn(accessor="status", verbose_name=_("volunteer status"), order_by=("status",))
    total_hours = tables.Column(verbose_name=_("service hours"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Volunteer
        fields = (
            "name",
            "id_number",
            "sex",
            "phone",
            "region",
            "skills",
            "joined_on",
            "volunteer_status",
            "total_hours",
            "status",
        )


class VolunteerTeamTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    member_count = tables.Column(verbose_name=_("members"), attrs={"td": {"class": "text-end"}})
    contact_phone = MaskedColumn()

    class Meta(BaseTable.Meta):
        model = VolunteerTeam
        fields = ("name", "specialty", "region", "member_count", "contact_phone", "status")


class MembershipTable(tables.Table):
    volunteer = tables.Column(linkify=True, order_by=("volunteer__name",))
    team = tables.Column(linkify=True, order_by=("team__name",))
    joined_on = tables.DateColumn(format="Y-m-d")
    left_on = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = TeamMembership
        fields = ("team", "volunteer", "role", "joined_on", "left_on")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = ""


class DeploymentTable(BaseTable):
    title = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    team = tables.Column(linkify=True, order_by=("team__name",))
    incident = tables.Column(linkify=True, order_by=("incident__title",))
    starts_at = tables.DateTimeColumn(format="Y-m-d H:i")
    ends_at = tables.DateTimeColumn(format="Y-m-d H:i")
    participant_count = tables.Column(verbose_name=_("volunteers"), attrs={"td": {"class": "text-end"}})
    hours_total = tables.Column(verbose_name=_("service hours"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Deployment
        fields = (
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "region",
            "place",
            "team",
            "incident",
            "participant_count",
            "hours_total",
            "status",
        )


class ParticipationTable(tables.Table):
    """A volunteer's deployments (on the volunteer's page)."""

    deployment = tables.Column(linkify=True, order_by=("deployment__starts_at",))
    checked_in_at = tables.DateTimeColumn(format="Y-m-d H:i")
    checked_out_at = tables.DateTimeColumn(format="Y-m-d H:i")
    hours = tables.Column(attrs={"td": {"class": "text-end", "data-col": "hours"}})
    confirmed_by = tables.Column()

    class Meta:
        model = Participation
        fields = ("deployment", "checked_in_at", "checked_out_at", "hours", "confirmed_by")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-participations"}
        empty_text = ""
