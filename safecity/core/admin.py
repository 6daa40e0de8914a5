"""Admin base: the Django admin obeys the same scopes and services as every other entry point."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .delivery import retry_deliveries
from .exceptions import OutOfScope
from .models import Delivery, PersonalDataAccess
from .querysets import RestrictedQuerySet
from .services import object_archive, object_save


@admin.action(description=_("Archive the selected records"))
def archive_selected(modeladmin, request, queryset):
    count = 0
    for obj in queryset.restrict(request.user, "delete"):
        object_archive(actor=request.user, instance=obj)
        count += 1
    modeladmin.message_user(request, _("%(count)d archived.") % {"count": count}, messages.SUCCESS)


class ScopedModelAdmin(SimpleHistoryAdmin):
    """Scoped queryset, scoped choices, saves through ``object_save``; delete becomes archive."""

    actions = [archive_selected]

    def get_queryset(self, request):
        action = "change" if request.method == "POST" else "view"
        return super().get_queryset(request).restrict(request.user, action)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and isinstance(field.queryset, RestrictedQuerySet):
            field.queryset = field.queryset.restrict(request.user, "view")
        return field

    def save_model(self, request, obj, form, change):
        try:
            object_save(actor=request.user, instance=obj)
        except OutOfScope as exc:
            raise PermissionDenied(exc.message) from exc

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(f"{self.opts.app_label}.delete_{self.opts.model_name}"):
            actions.pop("archive_selected", None)
        return actions


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The audit trail of full views of personal data: read-only."""

    list_display = ("accessed_at", "user", "content_type", "object_id", "field", "ip_address")
    list_filter = ("content_type", "field")
    search_fields = ("user__username", "user__full_name")
    date_hierarchy = "accessed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Retry now (a fresh series of attempts)"), permissions=["retry"])
def retry_now(modeladmin, request, queryset):
    count = retry_deliveries(queryset)
    modeladmin.message_user(request, _("%(count)d queued for another try.") % {"count": count}, messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The notification outbox: read-only, with a "retry now" action for failed and given-up rows."""

    list_display = (
        "id",
        "notification",
        "recipient",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("notification__title", "notification__recipient__username", "notification__recipient__full_name")
    list_select_related = ("notification", "notification__recipient")
    date_hierarchy = "created_at"
    actions = [retry_now]

    @admin.display(description=_("recipient"), ordering="notification__recipient__username")
    def recipient(self, obj):
        return obj.notification.recipient

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("core.change_delivery")
