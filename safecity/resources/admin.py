from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import (
    Depot,
    Equipment,
    Expert,
    Item,
    Lot,
    Movement,
    RescueTeam,
    ReserveStandard,
    Specialty,
    TeamMember,
)


@admin.register(Depot)
class DepotAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    raw_id_fields = ("region",)
    filter_horizontal = ("keepers",)


@admin.register(Item)
class ItemAdmin(ScopedModelAdmin):
    list_display = ("name", "category", "unit", "shelf_life_days")
    list_filter = ("category",)
    search_fields = ("name",)


@admin.register(ReserveStandard)
class ReserveStandardAdmin(ScopedModelAdmin):
    list_display = ("item", "region", "minimum")
    raw_id_fields = ("region",)


@admin.register(Lot)
class LotAdmin(ScopedModelAdmin):
    """Read-only: lots change only through the stock services."""

    list_display = ("item", "depot", "lot_number", "expiry_date", "quantity")
    search_fields = ("item__name", "lot_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Movement)
class MovementAdmin(ScopedModelAdmin):
    """Read-only: the ledger is written only by the stock services."""

    list_display = ("occurred_at", "kind", "lot", "quantity", "balance")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Equipment)
class EquipmentAdmin(ScopedModelAdmin):
    list_display = ("name", "serial_number", "depot", "condition", "last_maintained_on")
    list_filter = ("condition",)
    search_fields = ("name", "serial_number")


@admin.register(Expert)
class ExpertAdmin(ScopedModelAdmin):
    list_display = ("name", "title", "source", "region", "availability")
    list_filter = ("source", "availability", "specialties")
    search_fields = ("name", "employer")
    raw_id_fields = ("region",)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(RescueTeam)
class RescueTeamAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "region", "readiness")
    list_filter = ("kind", "readiness")
    search_fields = ("name",)
    raw_id_fields = ("region",)
    readonly_fields = ("readiness", "readiness_reason", "readiness_since")


@admin.register(TeamMember)
class TeamMemberAdmin(ScopedModelAdmin):
    list_display = ("name", "team", "role", "specialty", "joined_on", "left_on")
    list_filter = ("role", "specialty")
    search_fields = ("name", "team__name")
    raw_id_fields = ("team",)
    exclude = ("phone", "id_number")  # personal data: the pages show them masked, with the logged full view
