from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap


@admin.register(DutyPost)
class DutyPostAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "region", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("region", "organization")


@admin.register(Shift)
class ShiftAdmin(ScopedModelAdmin):
    list_display = ("post", "starts_at", "ends_at", "leader")
    list_filter = ("post__kind",)
    search_fields = ("post__name", "leader__full_name")
    raw_id_fields = ("post", "leader", "officers")
    date_hierarchy = "starts_at"

    def save_related(self, request, form, formsets, change):
        # Officers through Shift.set_officers: the change is part of the version the save just wrote.
        form.instance.set_officers(form.cleaned_data.get("officers") or [])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ShiftSwap)
class ShiftSwapAdmin(ScopedModelAdmin):
    list_display = ("shift", "from_user", "to_user", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("shift", "from_user", "to_user")
    readonly_fields = ("status", "decided_by", "decided_at", "decision_note")


@admin.register(DutyLogEntry)
class DutyLogEntryAdmin(ScopedModelAdmin):
    list_display = ("occurred_at", "post", "summary", "caller_unit", "recorded_by")
    search_fields = ("summary", "details", "caller_unit", "caller_name")
    raw_id_fields = ("post",)
    date_hierarchy = "occurred_at"


@admin.register(Handover)
class HandoverAdmin(ScopedModelAdmin):
    list_display = ("post", "handed_over_at", "outgoing", "incoming", "acknowledged_at")
    raw_id_fields = ("post", "outgoing", "incoming")
    readonly_fields = ("acknowledged_at", "acknowledged_by")
