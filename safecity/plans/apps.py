from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Contingency plans (应急预案) and drills (应急演练), whose problems become follow-up tasks."""

    name = "safecity.plans"
    label = "plans"
    verbose_name = _("Contingency plans and drills")

    def ready(self) -> None:
        from safecity.alerts.services import on_warning
        from safecity.core.jobs import periodic
        from safecity.tasks.sources import register_source

        from .rules import REVIEW_SWEEP_SECONDS
        from .services import activate_for_warning

        register_source("plans.drillproblem", _("drill problem"))
        register_source("plans.planactivation", _("plan activation"))
        on_warning(activate_for_warning)  # a warning that meets a plan's trigger activates it
        periodic("plans.sweep-reviews", "safecity.plans.tasks.sweep_reviews", seconds=REVIEW_SWEEP_SECONDS)
