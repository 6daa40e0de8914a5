from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    """Quarantine facilities: rooms and beds, staff, the readiness checklist, check-in and check-out,
    occupancy and the capacity board."""

    name = "safecity.quarantine"
    label = "quarantine"
    verbose_name = _("Quarantine facilities")
