import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.alerts.tables import colour_badge
from safecity.core.tables import BaseTable, MaskedColumn

from .choices import SAFE_POSITIONS, Position
from .models import TyphoonResponse, Vessel, VesselCheck


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def position_badge(status: str | None, *, overdue: bool = False) -> str:
    """Where a vessel is, in the colour language and in words: safe green, at sea orange, unchecked grey —
    and red with "overdue" once the port deadline has passed."""
    text = Position(status).label if status else _("not checked")
    if status in SAFE_POSITIONS:
        return format_html('<span class="badge text-bg-success">{}</span>', text)
    if overdue:
        return format_html(
            '<span class="badge text-bg-danger" data-testid="overdue">{} · {}</span>', text, _("overdue")
        )
    css = "text-bg-warning" if status == Position.AT_SEA else "text-bg-secondary"
    return format_html('<span class="badge {}">{}</span>', css, text)


class VesselTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(order_by=("region__code",))
    owner_phone = MaskedColumn()
    length_m = tables.Column(attrs={"td": {"class": "text-end"}})
    crew_count = tables.Column(attrs={"td": {"class": "text-end"}})

    related = ("region",)

    class Meta(BaseTable.Meta):
        model = Vessel
        fields = (
            "name",
            "registration_number",
            "kind",
            "region",
            "home_port",
            "length_m",
            "crew_count",
            "owner_name",
            "owner_phone",
            "status",
        )
        sequence = fields


class TyphoonResponseTable(BaseTable):
    title = tables.Column(linkify=True)
    warning = tables.Column(linkify=True, verbose_name=pgettext_lazy("cap", "warning"))
    region = tables.Column(order_by=("region__code",), verbose_name=pgettext_lazy("typhoon", "area"))
    started_at = tables.DateTimeColumn(format="Y-m-d H:i")
    port_deadline = tables.DateTimeColumn(format="Y-m-d H:i")
    ashore_deadline = tables.DateTimeColumn(format="Y-m-d H:i")
    state = tables.Column(accessor="ended_at", verbose_name=_("state"), default="", empty_values=())

    related = ("region", "warning")

    class Meta(BaseTable.Meta):
        model = TyphoonResponse
        fields = ("title", "warning", "region", "started_at", "port_deadline", "ashore_deadline", "state", "status")
        sequence = fields

    def render_warning(self, record):
        return format_html(
            '<a href="{}">{}</a>', record.warning.get_absolute_url(), colour_badge(record.warning.colour)
        )

    def value_warning(self, record):
        return str(record.warning) if record.warning_id else ""

    def render_state(self, record):
        if record.ended_at:
            return format_html('<span class="badge text-bg-secondary">{} {}</span>', _("ended"), _time(record.ended_at))
        return format_html('<span class="badge text-bg-primary">{}</span>', _("ongoing"))

    def value_state(self, record):
        return str(_("ended")) if record.ended_at else str(_("ongoing"))


class ResponseVesselTable(BaseTable):
    """The response page's vessels with their current check (rows from ``selectors.vessel_rows``)."""

    name = tables.Column(linkify=True, verbose_name=_("vessel name"), orderable=False)
    registration_number = tables.Column(orderable=False)
    kind = tables.Column(orderable=False)
    region = tables.Column(orderable=False)
    crew_count = tables.Column(orderable=False)
    position = tables.Column(accessor="check_status", verbose_name=_("position"), orderable=False, empty_values=())
    crew = tables.Column(accessor="check_crew_ashore", verbose_name=_("crew ashore"), orderable=False, empty_values=())
    checked = tables.Column(accessor="check_at", verbose_name=_("checked at"), orderable=False, empty_values=())
    record = tables.Column(
        empty_values=(), verbose_name=pgettext_lazy("typhoon", "check"), orderable=False, exclude_from_export=True
    )

    class Meta(BaseTable.Meta):
        model = Vessel
        fields = ("name", "registration_number", "kind", "region", "crew_count")
        sequence = (*fields, "position", "crew", "checked", "record")
        exclude = ("status",)
        row_attrs = {"data-testid": "vessel-row", "data-vessel": lambda record: record.pk}

    def __init__(self, data, *, response, now, can_record: bool, **kwargs):
        self.response = response
        self.overdue = response.port_deadline_passed(now)
        self.ashore_passed = response.ashore_deadline_passed(now)
        self.can_record = can_record
        super().__init__(data, **kwargs)

    def render_position(self, record):
        waiting = record.check_status is None or record.check_status == Position.AT_SEA
        return position_badge(record.check_status, overdue=self.overdue and waiting)

    def value_position(self, record):
        return Position(record.check_status).label if record.check_status else str(_("not checked"))

    def render_crew(self, record):
        if record.crew_count == 0:
            return "—"
        if record.check_crew_ashore:
            return format_html('<span class="badge text-bg-success">{}</span>', _("ashore"))
        if self.ashore_passed:
            return format_html(
                '<span class="badge text-bg-danger" data-testid="crew-overdue">{} · {}</span>',
                _("not ashore"),
                _("overdue"),
            )
        return _("not ashore") if record.check_crew_ashore is False else "—"

    def render_checked(self, record):
        return _time(record.check_at) or "—"

    def render_record(self, record):
        if not self.can_record:
            return ""
        url = reverse("typhoon:vessel_check", kwargs={"pk": self.response.pk, "vessel": record.pk})
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" data-testid="record-check">{}</a>',
            url,
            _("Record check"),
        )


class VesselCheckTable(BaseTable):
    """A vessel's checks, one per response (on the vessel's page)."""

    response = tables.Column(linkify=True)
    position = tables.Column(accessor="status", verbose_name=_("position"))
    checked_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)

    related = ("response", "checked_by")

    class Meta(BaseTable.Meta):
        model = VesselCheck
        fields = ("response", "position", "crew_ashore", "checked_at", "checked_by", "note")
        sequence = fields
        exclude = ("status",)

    def render_position(self, record):
        return position_badge(record.status)
