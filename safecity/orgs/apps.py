from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    """Organizations: government departments, enterprises, institutions."""

    name = "safecity.orgs"
    label = "orgs"
    verbose_name = _("Organizations")
