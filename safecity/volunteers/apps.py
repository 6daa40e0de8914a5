from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Emergency volunteers: registration with consent, skills, teams, deployments and service hours."""

    name = "safecity.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from safecity.core.reference import load_after_migrate

        from . import rules

        load_after_migrate(self, rules.load_skills)
