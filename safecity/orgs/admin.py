from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "sector", "region")
    list_filter = ("kind", "sector")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("region", "parent")
