"""Celery tasks of the tasks app: thin wrappers around :mod:`safecity.tasks.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_overdue() -> dict[str, int]:
    """Overdue tasks: notify those responsible once, escalate to the supervisor after the grace period."""
    return services.sweep_overdue()
