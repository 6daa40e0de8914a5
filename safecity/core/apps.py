from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Bases every SafeCity app builds on: models, scoping, generic views, API, import/export."""

    name = "safecity.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its menu entries in navigation.py and its API in api.py.
        autodiscover_modules("navigation")
        autodiscover_modules("api")

        # Outbound notification channels switched on by settings, and the outbox sweep.
        from .channels import register_configured_channels
        from .jobs import periodic

        register_configured_channels()
        periodic("core.deliver-due-notifications", "safecity.core.tasks.deliver_due_notifications", seconds=60)
