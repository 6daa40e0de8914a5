"""Celery tasks of the incidents app: thin wrappers around :mod:`safecity.incidents.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """The deadline sweep: alert on reports due soon or overdue, escalate one level up (idempotent)."""
    return services.sweep_deadlines()
