from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Bed, Facility, FacilityStaff, ReadinessCheck, Room, Stay


@admin.register(Facility)
class FacilityAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "region", "status", "designed_capacity")
    list_filter = ("kind", "status")
    search_fields = ("name", "address")
    raw_id_fields = ("region",)
    readonly_fields = ("status", "status_reason")


@admin.register(Room)
class RoomAdmin(ScopedModelAdmin):
    list_display = ("number", "facility", "floor", "room_type")
    search_fields = ("number", "facility__name")
    raw_id_fields = ("facility",)


class ReadOnlyAdmin(ScopedModelAdmin):
    """Changed only through the services (bed status, stays, readiness checks); no archive action either."""

    actions = []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bed)
class BedAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status")
    list_filter = ("status",)


@admin.register(Stay)
class StayAdmin(ReadOnlyAdmin):
    list_display = ("facility", "bed", "checked_in_at", "planned_check_out", "checked_out_at")


@admin.register(ReadinessCheck)
class ReadinessCheckAdmin(ReadOnlyAdmin):
    list_display = ("facility", "item", "checked_on", "ok")


@admin.register(FacilityStaff)
class FacilityStaffAdmin(ScopedModelAdmin):
    list_display = ("name", "role", "facility", "trained_on")
    list_filter = ("role",)
    raw_id_fields = ("facility",)
