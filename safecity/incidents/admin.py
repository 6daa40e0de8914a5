from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Incident


@admin.register(Incident)
class IncidentAdmin(ScopedModelAdmin):
    list_display = ("title", "level", "category", "region", "occurred_at", "status")
    list_filter = ("level", "category", "status")
    search_fields = ("title",)
    raw_id_fields = ("region", "unit")
    readonly_fields = ("level", "level_reason", "dead", "missing", "seriously_injured", "injured", "direct_loss")
