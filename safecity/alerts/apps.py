from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Warnings (预警) received as CAP messages from the meteorological and other warning services."""

    name = "safecity.alerts"
    label = "alerts"
    verbose_name = _("Warnings")
