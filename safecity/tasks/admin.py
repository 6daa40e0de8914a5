from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Task, TaskFeedback


class TaskFeedbackInline(admin.TabularInline):
    model = TaskFeedback
    extra = 0
    fields = ("created_at", "author", "percent", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ScopedModelAdmin):
    """Tasks: the wording may be corrected here; the status moves only on the task's page or through the API."""

    list_display = (
        "title",
        "status",
        "priority",
        "responsible_organization",
        "responsible_person",
        "deadline",
        "region",
    )
    list_filter = ("status", "priority")
    search_fields = ("title", "detail")
    raw_id_fields = ("region", "responsible_organization", "responsible_person", "supervisor")
    readonly_fields = ("region",)
    inlines = [TaskFeedbackInline]
