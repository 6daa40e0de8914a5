from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Duty (值班值守): duty posts, rosters and shifts, swaps, the duty log and shift handovers."""

    name = "safecity.duty"
    label = "duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        from . import rules

        periodic(
            "duty.alert-unacknowledged-handovers",
            "safecity.duty.tasks.alert_unacknowledged_handovers",
            seconds=rules.HANDOVER_SWEEP_SECONDS,
        )
