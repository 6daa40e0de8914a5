from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Follow-up of contacts and arrivals (plans, daily follow-ups, tests) and assist-investigation requests."""

    name = "safecity.followup"
    label = "followup"
    verbose_name = _("Follow-up and assist-investigation requests")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        from .rules import rule

        periodic("followup.sweep", "safecity.followup.tasks.sweep", seconds=rule("SWEEP_SECONDS"))
