from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Emergency events and work-safety accidents: reports, statutory levels, deadlines, escalation."""

    name = "safecity.incidents"
    label = "incidents"
    verbose_name = _("Incident reporting")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        # Deadlines are minutes apart (30-minute phone reports): sweep every minute.
        periodic("incidents.sweep-deadlines", "safecity.incidents.tasks.sweep_deadlines", seconds=60)
