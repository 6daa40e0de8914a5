from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """Regions: province → city → county → town → village → grid, keyed by statistical division codes."""

    name = "safecity.geo"
    label = "geo"
    verbose_name = _("Regions")
