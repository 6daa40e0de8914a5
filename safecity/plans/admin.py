from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import ContingencyPlan, Drill, DrillProblem, PlanDocument


class PlanDocumentInline(admin.TabularInline):
    model = PlanDocument
    extra = 0
    fields = ("filename", "kind", "size", "description", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked on the plan's page


@admin.register(ContingencyPlan)
class ContingencyPlanAdmin(ScopedModelAdmin):
    list_display = ("title", "plan_type", "category", "region", "owner", "version", "next_review_on", "status")
    list_filter = ("plan_type", "category", "status")
    search_fields = ("title",)
    raw_id_fields = ("region", "owner")
    inlines = [PlanDocumentInline]


class DrillProblemInline(admin.TabularInline):
    model = DrillProblem
    extra = 0
    fields = ("description", "severity", "responsible_organization", "deadline", "task")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # a problem is recorded with its follow-up task on the drill's page


@admin.register(Drill)
class DrillAdmin(ScopedModelAdmin):
    list_display = ("title", "held_on", "kind", "plan", "region", "rating")
    list_filter = ("kind", "rating")
    search_fields = ("title", "place")
    raw_id_fields = ("region", "plan", "organiser")
    filter_horizontal = ("participants",)
    inlines = [DrillProblemInline]
