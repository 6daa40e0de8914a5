import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable

from .models import Incident

LEVEL_CLASS = {1: "sc-level-1", 2: "sc-level-2", 3: "sc-level-3", 4: "sc-level-4"}


def level_badge(incident) -> str:
    if incident.level is None:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("not judged"))
    return format_html('<span class="badge {}">{}</span>', LEVEL_CLASS[incident.level], incident.get_level_display())


class IncidentTable(BaseTable):
    title = tables.Column(linkify=True)
    level = tables.Column()
    region = tables.Column(linkify=True, order_by=("region__code",))
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Incident
        fields = (
            "title",
            "level",
            "category",
            "subtype",
            "region",
            "occurred_at",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "status_col",
            "status",
        )
        sequence = (
            "title",
            "level",
            "category",
            "subtype",
            "region",
            "occurred_at",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "status_col",
            "status",
        )

    status_col = tables.Column(accessor="status", verbose_name=_("status"))

    def render_level(self, record):
        return level_badge(record)

    def value_level(self, record):
        return record.get_level_display() if record.level else ""

    def render_status_col(self, record):
        return record.get_status_display()
