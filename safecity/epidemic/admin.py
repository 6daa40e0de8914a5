from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Case, Cluster, Contact, Disease, Exposure, ExposureSite, Person, Protocol, ProtocolMeasure


@admin.register(Disease)
class DiseaseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "notifiable_class", "vector_borne")
    search_fields = ("code", "name")


class ProtocolMeasureInline(admin.TabularInline):
    model = ProtocolMeasure
    extra = 0


@admin.register(Protocol)
class ProtocolAdmin(ScopedModelAdmin):
    """Protocol versions are data: a new version is added, an old one is never rewritten (plans keep theirs)."""

    list_display = ("disease", "version", "effective_from", "effective_until", "look_back_days", "retention_days")
    list_filter = ("disease",)
    inlines = [ProtocolMeasureInline]


@admin.register(Person)
class PersonAdmin(ScopedModelAdmin):
    """Persons are edited on their pages (ID numbers masked, dedupe and merge there); here read-only."""

    list_display = ("name", "sex", "birth_date", "region", "cluster")
    search_fields = ("name",)
    exclude = ("id_number", "phone")
    raw_id_fields = ("region", "cluster", "merged_into")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    list_display = ("number", "person", "disease", "classification", "reported_at", "region")
    list_filter = ("disease", "classification")
    search_fields = ("number",)
    raw_id_fields = ("person", "region", "protocol")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ExposureSite)
class ExposureSiteAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "region", "started_at")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    raw_id_fields = ("region",)


class ComputedAdmin(ScopedModelAdmin):
    """Computed by the graph services on every write: looked at here, never typed."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Exposure)
class ExposureAdmin(ComputedAdmin):
    list_display = ("person", "source_person", "source_site", "exposed_on", "setting", "proximity")
    raw_id_fields = ("person", "source_person", "source_site")


@admin.register(Contact)
class ContactAdmin(ComputedAdmin):
    list_display = ("person", "case", "contact_class", "degree", "first_exposed_on", "controlled_at")
    list_filter = ("contact_class",)
    raw_id_fields = ("person", "case", "via", "protocol")


@admin.register(Cluster)
class ClusterAdmin(ComputedAdmin):
    list_display = ("code", "name", "disease", "size", "case_count", "first_onset", "latest_onset", "merged_into")
    search_fields = ("code", "name")
