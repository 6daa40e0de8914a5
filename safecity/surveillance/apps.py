from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    """Surveillance and early warning: the "four earlies" (四早) measured from the cases' timestamps."""

    name = "safecity.surveillance"
    label = "surveillance"
    verbose_name = _("Surveillance")
