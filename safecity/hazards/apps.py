from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    """Hazard inspection and rectification: key sites, cross-inspection planning, the rectification loop."""

    name = "safecity.hazards"
    label = "hazards"
    verbose_name = _("Hazard inspection")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        from .rules import OVERDUE_SWEEP_SECONDS

        periodic("hazards.sweep-overdue", "safecity.hazards.tasks.sweep_overdue", seconds=OVERDUE_SWEEP_SECONDS)
