from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import TyphoonResponse, Vessel, VesselCheck


@admin.register(Vessel)
class VesselAdmin(ScopedModelAdmin):
    list_display = ("name", "registration_number", "kind", "region", "home_port", "crew_count")
    list_filter = ("kind",)
    search_fields = ("name", "registration_number")
    raw_id_fields = ("region",)


@admin.register(TyphoonResponse)
class TyphoonResponseAdmin(ScopedModelAdmin):
    list_display = ("title", "region", "warning", "started_at", "port_deadline", "ashore_deadline", "ended_at")
    search_fields = ("title",)
    raw_id_fields = ("region", "warning")


@admin.register(VesselCheck)
class VesselCheckAdmin(ScopedModelAdmin):
    list_display = ("vessel", "response", "status", "crew_ashore", "checked_at", "checked_by")
    list_filter = ("status", "crew_ashore")
    raw_id_fields = ("response", "vessel", "checked_by")
