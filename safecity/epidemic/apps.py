from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    """Epidemic investigation: disease protocols, the person index, cases, exposures and transmission chains."""

    name = "safecity.epidemic"
    label = "epidemic"
    verbose_name = _("Epidemic investigation")

    def ready(self) -> None:
        from .protocols import sync_protocols_after_migrate

        # The shipped disease protocols (epidemic/data/*.json): missing versions are added, existing ones never changed.
        post_migrate.connect(sync_protocols_after_migrate, sender=self, dispatch_uid="epidemic.sync_protocols")
