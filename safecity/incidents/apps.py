from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Emergency events and work-safety accidents: reports, statutory levels, deadlines, escalation."""

    name = "safecity.incidents"
    label = "incidents"
    verbose_name = _("Incident reporting")
