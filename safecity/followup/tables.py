import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .choices import FollowUpResult, PlanStatus, TestOutcome
from .models import AssistRequest, AssistRequestItem, FollowUp, ManagementPlan, PlanStep, TestResult

RESULT_CSS = {
    FollowUpResult.WELL: "text-bg-success",
    FollowUpResult.SYMPTOMATIC: "text-bg-danger",
    FollowUpResult.NOT_REACHED: "text-bg-warning",
    TestOutcome.NEGATIVE: "text-bg-success",
    TestOutcome.POSITIVE: "text-bg-danger",
    TestOutcome.PENDING: "text-bg-light border",
}
STATUS_CSS = {
    PlanStatus.ACTIVE: "text-bg-primary",
    PlanStatus.COMPLETED: "text-bg-success",
    PlanStatus.CONVERTED: "text-bg-danger",
    PlanStatus.ENDED_EARLY: "text-bg-secondary",
}


def badge(css: str, text) -> str:
    return format_html('<span class="badge {}">{}</span>', css, text)


class ManagementPlanTable(BaseTable):
    plan = tables.Column(accessor="pk", verbose_name=_("management plan"), linkify=True, order_by=("-start_date",))
    person = tables.Column(accessor="person__name", verbose_name=_("person"))
    region = tables.Column(
        accessor="person__region__name", verbose_name=_("region"), order_by=("person__region__code",)
    )
    state = tables.Column(accessor="status", verbose_name=_("status"))
    start_date = tables.DateColumn(format="Y-m-d")
    end_date = tables.DateColumn(format="Y-m-d")
    assigned_to = tables.Column(default="—")

    class Meta(BaseTable.Meta):
        model = ManagementPlan
        fields = (
            "plan",
            "person",
            "person_class",
            "region",
            "state",
            "start_date",
            "end_date",
            "assigned_to",
            "status",
        )
        sequence = fields

    def render_plan(self, record):
        return f"#{record.pk}"

    def value_plan(self, record):
        return record.pk

    def render_state(self, record):
        return badge(STATUS_CSS.get(record.status, "text-bg-light"), record.get_status_display())

    def value_state(self, record):
        return record.get_status_display()


class PlanStepTable(BaseTable):
    start_date = tables.DateColumn(format="Y-m-d")
    end_date = tables.DateColumn(format="Y-m-d")
    test_dates = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = PlanStep
        fields = ("step", "measure", "start_date", "end_date", "test_dates")
        exclude = ("status",)

    def render_test_dates(self, value):
        return "、".join(d[5:] for d in value) or "—"


class FollowUpTable(BaseTable):
    day = tables.DateColumn(format="Y-m-d", linkify=True)
    person = tables.Column(accessor="plan__person__name", verbose_name=_("person"))
    result = tables.Column()
    recorded_by = tables.Column(default="—")

    class Meta(BaseTable.Meta):
        model = FollowUp
        fields = ("day", "person", "result", "temperature", "note", "recorded_by", "status")
        sequence = fields

    def render_result(self, record):
        return badge(RESULT_CSS[record.result], record.get_result_display())

    def value_result(self, record):
        return record.get_result_display()


class TestResultTable(BaseTable):
    sampled_on = tables.DateColumn(format="Y-m-d", linkify=True)
    person = tables.Column(accessor="plan__person__name", verbose_name=_("person"))
    result = tables.Column()
    result_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = TestResult
        fields = ("sampled_on", "person", "result", "result_at", "note", "status")
        sequence = fields

    def render_result(self, record):
        return badge(RESULT_CSS[record.result], record.get_result_display())

    def value_result(self, record):
        return record.get_result_display()


class AssistRequestTable(BaseTable):
    reference_number = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",), verbose_name=_("handled by"))
    received_at = tables.DateTimeColumn(format="Y-m-d H:i")
    deadline = tables.Column()
    state = tables.Column(accessor="status", verbose_name=_("status"))

    class Meta(BaseTable.Meta):
        model = AssistRequest
        fields = (
            "reference_number",
            "direction",
            "counterpart",
            "disease",
            "person_class",
            "region",
            "received_at",
            "deadline",
            "state",
            "status",
        )
        sequence = fields

    def render_deadline(self, record):
        text = f"{timezone.localtime(record.deadline):%Y-%m-%d %H:%M}" if record.deadline else "—"
        if record.is_overdue:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', text, _("overdue"))
        return text

    def value_deadline(self, record):
        return f"{timezone.localtime(record.deadline):%Y-%m-%d %H:%M}" if record.deadline else ""

    def render_state(self, record):
        return record.get_status_display()


class AssistRequestItemTable(BaseTable):
    name = tables.Column()
    id_number = MaskedColumn(kind="id_number")
    phone = MaskedColumn()
    person = tables.Column(linkify=True, default="—")

    class Meta(BaseTable.Meta):
        model = AssistRequestItem
        fields = ("name", "id_number", "phone", "person_class", "address", "person", "result", "left_for", "measures")
        exclude = ("status",)
