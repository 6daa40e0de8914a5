from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    """Epidemic investigation: disease protocols, the person index, cases, exposures and transmission chains."""

    name = "safecity.epidemic"
    label = "epidemic"
    verbose_name = _("Epidemic investigation")
