from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training of reserve forces: courses, attendees and results, certificates and their expiry."""

    name = "safecity.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from safecity.core.jobs import periodic
        from safecity.core.reference import load_after_migrate

        from . import rules

        load_after_migrate(self, rules.load_topics)

        periodic("training.sweep-certificates", "safecity.training.tasks.sweep", seconds=rules.SWEEP_SECONDS)
        register_pickers()


def register_pickers() -> None:
    """A course attendee or certificate holder is chosen by search (see :mod:`safecity.core.pickers`):
    experts and rescue team members (kept by the resources app) are registered here, where they are picked."""
    from safecity.core import pickers
    from safecity.resources.models import Expert, TeamMember

    pickers.register("resources.expert", Expert, masked={"phone": "phone"})
    pickers.register(
        "resources.teammember",
        TeamMember,
        masked={"id_number": "id_number", "phone": "phone"},
        select_related=("team__region",),
        where=lambda member: member.team,
    )
