"""Celery tasks of the training app: thin wrappers around :mod:`safecity.training.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    """Tell each area's staff about certificates expiring soon, once per certificate (idempotent)."""
    return services.sweep_expiring()
