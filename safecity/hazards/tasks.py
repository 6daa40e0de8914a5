"""Celery tasks of the hazards app: thin wrappers around :mod:`safecity.hazards.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_overdue() -> dict[str, int]:
    """Overdue rectifications: notify the responsible person, escalate one level up (idempotent)."""
    return services.sweep_overdue()
