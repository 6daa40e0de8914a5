"""Celery tasks of the duty app: thin wrappers around :mod:`safecity.duty.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def alert_unacknowledged_handovers() -> int:
    """The handover sweep: alert the leader on shift about handovers left unacknowledged (idempotent)."""
    return services.alert_unacknowledged_handovers()
