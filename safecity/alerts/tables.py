import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.core.tables import BaseTable

from .choices import Colour, State
from .models import CapMessage, WarningSignal
from .rules import COLOUR_BADGE


def colour_badge(colour: str) -> str:
    """The colour as a badge that also says it (红色预警) — never colour alone."""
    return format_html('<span class="badge {}">{}</span>', COLOUR_BADGE.get(colour, ""), Colour(colour).label)


STATE_CLASS = {
    State.IN_FORCE: "text-bg-dark",  # not red: red is the red warning's colour
    State.LIFTED: "text-bg-success",
    State.EXPIRED: "text-bg-secondary",
    State.EXERCISE: "text-bg-light border",
}


def state_badge(signal: WarningSignal) -> str:
    state = State(signal.state())
    return format_html('<span class="badge {}">{}</span>', STATE_CLASS[state], state.label)


class WarningSignalTable(BaseTable):
    event = tables.Column(linkify=True, verbose_name=pgettext_lazy("cap", "warning"))
    colour = tables.Column()
    state = tables.Column(empty_values=(), orderable=False, verbose_name=_("state"))
    region = tables.Column(order_by=("region__code",), verbose_name=pgettext_lazy("cap", "area"))
    sent = tables.DateTimeColumn(format="Y-m-d H:i")
    expires = tables.DateTimeColumn(format="Y-m-d H:i")

    related = ("region",)

    class Meta(BaseTable.Meta):
        model = WarningSignal
        fields = ("event", "colour", "state", "kind", "region", "sender_name", "sent", "expires", "status")
        sequence = fields

    def render_colour(self, record):
        return colour_badge(record.colour)

    def value_colour(self, record):
        return record.get_colour_display()

    def render_region(self, record):
        return record.area_names

    def value_region(self, record):
        return record.area_names

    def render_state(self, record):
        return state_badge(record)

    def value_state(self, record):
        return record.get_state_display()


class CapMessageTable(BaseTable):
    identifier = tables.Column(linkify=True)
    sent = tables.DateTimeColumn(format="Y-m-d H:i")
    signal = tables.Column(linkify=True, verbose_name=pgettext_lazy("cap", "warning"))
    notices = tables.Column(verbose_name=_("notices"), orderable=False)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("received at"))

    related = ("signal",)

    class Meta(BaseTable.Meta):
        model = CapMessage
        fields = ("identifier", "sender", "sent", "cap_status", "msg_type", "event", "outcome", "signal", "notices")
        sequence = (*fields, "created_at", "status")

    def render_notices(self, value):
        return len(value) if value else "—"

    def value_notices(self, value):
        return "；".join(value)
