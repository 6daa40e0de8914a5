import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .choices import SwapStatus
from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap
from .roster import person_label


def _people(users) -> str:
    return "、".join(person_label(u) for u in users)


class OnDutyNowColumn(tables.Column):
    """Who is on duty now, from the ``current_shifts`` the list prefetches (no query per row)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("On duty now"))
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def _text(self, record) -> str:
        shifts = getattr(record, "current_shifts", None) or []
        if not shifts:
            return ""
        leader = next((s.leader for s in shifts if s.leader_id), None)
        officers = [o for s in shifts for o in s.officers.all()]
        parts = []
        if leader is not None:
            parts.append(_("Leader: %(names)s") % {"names": person_label(leader)})
        if officers:
            parts.append(_("Officers: %(names)s") % {"names": _people(officers)})
        return " · ".join(parts)

    def render(self, record):
        text = self._text(record)
        if not text:
            return format_html('<span class="badge sc-overdue">{}</span>', _("Nobody"))
        return text

    def value(self, record):
        return self._text(record) or str(_("Nobody"))


class DutyPostTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    on_duty = OnDutyNowColumn()
    roster = tables.Column(verbose_name=_("Duty roster"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = DutyPost
        fields = ("name", "kind", "region", "organization", "phone", "on_duty", "roster", "status")

    def render_roster(self, record):
        return format_html('<a href="{}">{}</a>', reverse("duty:roster", kwargs={"pk": record.pk}), _("Roster"))


class PeopleColumn(tables.ManyToManyColumn):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("transform", person_label)
        kwargs.setdefault("separator", "、")
        super().__init__(**kwargs)


class ShiftTable(BaseTable):
    starts_at = tables.DateTimeColumn(linkify=True)
    ends_at = tables.DateTimeColumn()
    post = tables.Column(linkify=True, order_by=("post__name",))
    leader = tables.Column(order_by=("leader__full_name",))
    officers = PeopleColumn()

    class Meta(BaseTable.Meta):
        model = Shift
        fields = ("starts_at", "ends_at", "post", "leader", "officers", "phone", "status")

    def render_leader(self, value):
        return person_label(value)

    def value_leader(self, value):
        return person_label(value)


class SwapStatusColumn(tables.Column):
    CSS = {
        SwapStatus.REQUESTED: "sc-due-soon",
        SwapStatus.APPROVED: "sc-done",
        SwapStatus.REJECTED: "text-bg-secondary",
    }

    def render(self, value, record):
        return format_html('<span class="badge {}">{}</span>', self.CSS.get(record.status, ""), value)


class ShiftSwapTable(BaseTable):
    shift = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("shift__starts_at",))
    from_user = tables.Column()
    to_user = tables.Column()
    swap_status = SwapStatusColumn(accessor="get_status_display", verbose_name=_("status"), order_by=("status",))
    created_at = tables.DateTimeColumn(verbose_name=_("requested at"))
    decided_by = tables.Column()

    class Meta(BaseTable.Meta):
        model = ShiftSwap
        fields = ("shift", "from_user", "to_user", "swap_status", "created_at", "decided_by", "decided_at", "status")


class DutyLogEntryTable(BaseTable):
    occurred_at = tables.DateTimeColumn(linkify=True)
    post = tables.Column(linkify=True, order_by=("post__name",))
    caller_phone = MaskedColumn()
    recorded_by = tables.Column()

    class Meta(BaseTable.Meta):
        model = DutyLogEntry
        fields = (
            "occurred_at",
            "post",
            "place",
            "summary",
            "caller_unit",
            "caller_name",
            "caller_phone",
            "recorded_by",
            "status",
        )


class HandoverTable(BaseTable):
    handed_over_at = tables.DateTimeColumn(linkify=True)
    post = tables.Column(linkify=True, order_by=("post__name",))
    outgoing = tables.Column()
    incoming = tables.Column()
    acknowledged_at = tables.Column(empty_values=())

    class Meta(BaseTable.Meta):
        model = Handover
        fields = ("handed_over_at", "post", "outgoing", "incoming", "acknowledged_at", "status")

    def render_acknowledged_at(self, value, record):
        if value is None:
            return format_html('<span class="badge sc-due-hour">{}</span>', _("Awaiting acknowledgment"))
        return format_html(
            '<span class="badge sc-done">{}</span> {}',
            _("Acknowledged"),
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M"),
        )

    def value_acknowledged_at(self, value, record):
        if value is None:
            return str(_("Awaiting acknowledgment"))
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
