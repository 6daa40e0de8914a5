from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    """Emergency resources: depots, the supplies catalogue, the stock ledger, reserve standards."""

    name = "safecity.resources"
    label = "resources"
    verbose_name = _("Emergency resources")

    def ready(self) -> None:
        from safecity.core.jobs import periodic
        from safecity.core.reference import load_after_migrate

        from . import rules

        load_after_migrate(self, rules.load_specialties)
        periodic("resources.sweep", "safecity.resources.tasks.sweep", seconds=rules.EXPIRY_SWEEP_SECONDS)
