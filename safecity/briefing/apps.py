from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    """The daily duty briefing (值班日报): on screen and as a Word document."""

    name = "safecity.briefing"
    label = "briefing"
    verbose_name = _("Daily briefing")
