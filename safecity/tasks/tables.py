import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable

from .choices import TaskStatus
from .models import Task
from .sources import source_label

STATUS_CSS = {
    TaskStatus.OPEN: "text-bg-light border",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-secondary",
}
PRIORITY_CSS = {"normal": "text-bg-light border", "urgent": "text-bg-warning", "most_urgent": "text-bg-danger"}


def status_badge(task, today=None):
    """The status in the colour language, with the word (逾期 / 即将到期) — never colour alone."""
    today = today or timezone.localdate()
    if task.is_overdue(today):
        return format_html(
            '<span class="badge text-bg-danger" data-testid="task-state" data-status="overdue">{} · {}</span>',
            task.get_status_display(),
            _("overdue %(days)d d") % {"days": task.days_overdue(today)},
        )
    if task.is_due_soon(today):
        return format_html(
            '<span class="badge text-bg-warning" data-testid="task-state" data-status="due_soon">{} · {}</span>',
            task.get_status_display(),
            _("due soon"),
        )
    return format_html(
        '<span class="badge {}" data-testid="task-state" data-status="{}">{}</span>',
        STATUS_CSS.get(task.status, ""),
        task.status,
        task.get_status_display(),
    )


def status_text(task, today=None) -> str:
    today = today or timezone.localdate()
    text = str(task.get_status_display())
    if task.is_overdue(today):
        text += " · " + _("overdue %(days)d d") % {"days": task.days_overdue(today)}
    return text


class TaskTable(BaseTable):
    title = tables.Column(linkify=True)
    state = tables.Column(accessor="status", verbose_name=_("status"), order_by=("status", "deadline"))
    priority = tables.Column()
    deadline = tables.DateColumn(format="Y-m-d")
    responsible_organization = tables.Column(verbose_name=_("responsible unit"))
    responsible_person = tables.Column()
    progress = tables.Column(verbose_name=_("progress (%)"))
    source = tables.Column(accessor="source_type", verbose_name=_("source"), orderable=False, default="")
    region = tables.Column(order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Task
        fields = (
            "title",
            "state",
            "priority",
            "deadline",
            "responsible_organization",
            "responsible_person",
            "progress",
            "source",
            "region",
            "status",
        )
        sequence = fields
        row_attrs = {"data-testid": "task-row"}

    def render_state(self, record):
        return status_badge(record)

    def value_state(self, record):
        return status_text(record)

    def render_priority(self, record):
        return format_html(
            '<span class="badge {}">{}</span>', PRIORITY_CSS.get(record.priority, ""), record.get_priority_display()
        )

    def value_priority(self, record):
        return record.get_priority_display()

    def render_responsible_person(self, value):
        return value.full_name or value.username

    def render_source(self, record):
        return source_label(record.source_type) if record.source_type_id else _("entered directly")

    def value_source(self, record):
        return str(self.render_source(record))
