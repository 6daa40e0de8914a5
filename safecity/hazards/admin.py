from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Campaign, Checklist, ChecklistItem, Hazard, Inspection, InspectionTarget, InspectionTeam


@admin.register(InspectionTarget)
class InspectionTargetAdmin(ScopedModelAdmin):
    list_display = ("name", "category", "risk_grade", "region")
    list_filter = ("category", "risk_grade")
    search_fields = ("name", "address")
    raw_id_fields = ("region", "responsible_unit")


@admin.register(Hazard)
class HazardAdmin(ScopedModelAdmin):
    list_display = ("title", "level", "status", "target", "region", "deadline")
    list_filter = ("level", "status", "supervision_level")
    search_fields = ("title",)
    raw_id_fields = ("region", "target")


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "standard")
    inlines = [ChecklistItemInline]


@admin.register(InspectionTeam)
class InspectionTeamAdmin(ScopedModelAdmin):
    list_display = ("name", "region")
    raw_id_fields = ("region",)
    filter_horizontal = ("members",)


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = ("name", "region", "starts_on", "ends_on")
    raw_id_fields = ("region", "regions")


@admin.register(Inspection)
class InspectionAdmin(ScopedModelAdmin):
    list_display = ("target", "inspected_at", "inspector", "campaign")
    raw_id_fields = ("region", "target", "campaign", "inspector")
