"""Celery tasks of the follow-up app: thin wrappers around :mod:`safecity.followup.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    """Overdue follow-ups, missed tests, overdue assist-investigation requests; plans past their end completed."""
    return services.sweep()
