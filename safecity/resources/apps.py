from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    """Emergency resources: depots, the supplies catalogue, the stock ledger, reserve standards."""

    name = "safecity.resources"
    label = "resources"
    verbose_name = _("Emergency resources")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        from . import rules

        periodic("resources.sweep", "safecity.resources.tasks.sweep", seconds=rules.EXPIRY_SWEEP_SECONDS)
