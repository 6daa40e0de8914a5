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
