from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User, UserScope


class UserScopeInline(admin.TabularInline):
    model = UserScope
    extra = 0
    raw_id_fields = ("region", "department")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """User administration (administrators only; everyone else uses the users page)."""

    inlines = [UserScopeInline]
    list_display = ("username", "full_name", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("SafeCity", {"fields": ("full_name", "title", "phone", "id_number", "department")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")
