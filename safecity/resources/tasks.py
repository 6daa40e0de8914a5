"""Celery tasks of the resources app: thin wrappers around :mod:`safecity.resources.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    """Alert depot keepers about lots expired or expiring soon and equipment overdue for maintenance (idempotent)."""
    return {
        "expiry": services.sweep_expiry()["notified"],
        "maintenance": services.sweep_maintenance()["notified"],
    }
