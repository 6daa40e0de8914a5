from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    """Hazard inspection and rectification: key sites, cross-inspection planning, the rectification loop."""

    name = "safecity.hazards"
    label = "hazards"
    verbose_name = _("Hazard inspection")

    def ready(self) -> None:
        from safecity.core.jobs import periodic
        from safecity.core.reference import load_after_migrate

        from .checklists import load_default_checklists
        from .rules import OVERDUE_SWEEP_SECONDS

        load_after_migrate(self, load_default_checklists)

        periodic("hazards.sweep-overdue", "safecity.hazards.tasks.sweep_overdue", seconds=OVERDUE_SWEEP_SECONDS)
