from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "level", "parent", "population")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
