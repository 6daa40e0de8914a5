from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import CapMessage, WarningSignal


@admin.register(WarningSignal)
class WarningSignalAdmin(ScopedModelAdmin):
    list_display = ("event", "colour", "kind", "region", "sent", "expires", "lifted_at", "exercise")
    list_filter = ("colour", "kind", "exercise")
    search_fields = ("event", "headline", "area_description")


@admin.register(CapMessage)
class CapMessageAdmin(ScopedModelAdmin):
    list_display = ("identifier", "sender", "sent", "cap_status", "msg_type", "outcome", "signal")
    list_filter = ("outcome", "msg_type", "cap_status")
    search_fields = ("identifier", "sender", "event")
    readonly_fields = [f.name for f in CapMessage._meta.fields]
