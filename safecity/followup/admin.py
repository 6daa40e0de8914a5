from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import AssistRequest, AssistRequestItem, FollowUp, ManagementPlan, PlanStep, TestResult


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    extra = 0
    can_delete = False
    readonly_fields = ("step", "measure", "start_date", "end_date", "test_dates")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ManagementPlan)
class ManagementPlanAdmin(ScopedModelAdmin):
    list_display = ("person", "person_class", "protocol", "status", "start_date", "end_date", "assigned_to")
    list_filter = ("status", "person_class")
    search_fields = ("person__name",)
    raw_id_fields = ("person", "contact", "case", "assigned_to")
    readonly_fields = ("protocol", "start_date", "end_date", "status", "ended_at", "case")
    inlines = [PlanStepInline]


@admin.register(FollowUp)
class FollowUpAdmin(ScopedModelAdmin):
    list_display = ("plan", "day", "result", "temperature", "recorded_by")
    list_filter = ("result",)
    raw_id_fields = ("plan", "recorded_by")


@admin.register(TestResult)
class TestResultAdmin(ScopedModelAdmin):
    list_display = ("plan", "sampled_on", "result", "result_at")
    list_filter = ("result",)
    raw_id_fields = ("plan",)


class AssistRequestItemInline(admin.TabularInline):
    model = AssistRequestItem
    extra = 0
    can_delete = False
    raw_id_fields = ("person",)
    exclude = ("archived_at",)


@admin.register(AssistRequest)
class AssistRequestAdmin(ScopedModelAdmin):
    list_display = ("reference_number", "direction", "counterpart", "region", "received_at", "deadline", "status")
    list_filter = ("direction", "status")
    search_fields = ("reference_number", "counterpart")
    inlines = [AssistRequestItemInline]
