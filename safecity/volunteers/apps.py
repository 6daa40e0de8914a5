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
        register_pickers()


def register_pickers() -> None:
    """Volunteers are chosen by search (see :mod:`safecity.core.pickers`), never from a city-long list."""
    from django.db.models import Q

    from safecity.core import pickers

    from .choices import VolunteerStatus
    from .models import Volunteer

    masked = {"id_number": "id_number", "phone": "phone"}
    pickers.register("volunteers.volunteer", Volunteer, masked=masked)
    pickers.register("volunteers.active_volunteer", Volunteer, masked=masked, filter=Q(status=VolunteerStatus.ACTIVE))
