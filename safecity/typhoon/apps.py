from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TyphoonConfig(AppConfig):
    """Flood and typhoon response (防汛防台): the vessel register, typhoon responses with their deadlines, and
    the checks that bring vessels back to port and crews ashore."""

    name = "safecity.typhoon"
    label = "typhoon"
    verbose_name = _("Flood and typhoon response")
