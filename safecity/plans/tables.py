import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable
from safecity.tasks.tables import status_badge, status_text

from .models import ContingencyPlan, Drill, DrillProblem


class ContingencyPlanTable(BaseTable):
    title = tables.Column(linkify=True)
    level = tables.Column(accessor="region__level", verbose_name=_("level"), order_by=("region__level",))
    region = tables.Column(order_by=("region__code",), verbose_name=_("area"))
    next_review_on = tables.DateColumn(format="Y-m-d")
    approved_on = tables.DateColumn(format="Y-m-d")
    last_drill_on = tables.Column(verbose_name=_("last drill"), default="")

    class Meta(BaseTable.Meta):
        model = ContingencyPlan
        fields = (
            "title",
            "plan_type",
            "category",
            "level",
            "region",
            "owner",
            "version",
            "approved_on",
            "next_review_on",
            "last_drill_on",
            "status",
        )
        sequence = fields

    def render_level(self, record):
        return record.level

    def value_level(self, record):
        return str(record.level)

    def render_next_review_on(self, record, value):
        text = value.strftime("%Y-%m-%d")
        if record.review_due():
            late = value < timezone.localdate()
            return format_html(
                '<span class="badge {}">{} · {}</span>',
                "text-bg-danger" if late else "text-bg-warning",
                text,
                _("review overdue") if late else _("review due"),
            )
        return text

    def value_next_review_on(self, value):
        return value.strftime("%Y-%m-%d")

    def render_last_drill_on(self, record, value):
        last = getattr(record, "last_drill_on", None)
        text = last.strftime("%Y-%m-%d") if last else str(_("never"))
        if record.drill_overdue(last):
            return format_html('<span class="badge text-bg-danger">{} · {}</span>', text, _("drill overdue"))
        return text

    def value_last_drill_on(self, record, value):
        last = getattr(record, "last_drill_on", None)
        return last.strftime("%Y-%m-%d") if last else ""


class DrillTable(BaseTable):
    title = tables.Column(linkify=True)
    held_on = tables.DateColumn(format="Y-m-d")
    plan = tables.Column(linkify=True)
    region = tables.Column(order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Drill
        fields = ("title", "held_on", "kind", "plan", "region", "place", "organiser", "headcount", "rating", "status")
        sequence = fields


class DrillProblemTable(BaseTable):
    """A drill's problems with their follow-up task's state."""

    description = tables.Column(verbose_name=_("problem found"), orderable=False)
    task_state = tables.Column(accessor="task", verbose_name=_("follow-up task"), orderable=False, default="")
    # The task's current unit and deadline (a re-assignment moves them; the problem keeps what was found).
    unit = tables.Column(
        accessor="task__responsible_organization", verbose_name=_("responsible unit"), orderable=False, default=""
    )
    deadline = tables.DateColumn(accessor="task__deadline", format="Y-m-d", verbose_name=_("deadline"), orderable=False)

    class Meta(BaseTable.Meta):
        model = DrillProblem
        fields = ("description", "severity", "unit", "deadline", "task_state")
        sequence = fields
        exclude = ("status",)
        row_attrs = {"id": lambda record: f"problem-{record.pk}", "data-testid": "problem-row"}

    def render_task_state(self, record):
        task = record.task
        if task is None:
            return ""
        return format_html(
            '<a href="{}" data-testid="problem-task">{}</a>', task.get_absolute_url(), status_badge(task)
        )

    def value_task_state(self, record):
        return status_text(record.task) if record.task else ""
