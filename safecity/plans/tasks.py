"""Celery tasks of the plans app: thin wrappers around :mod:`safecity.plans.services`."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_reviews() -> dict[str, int]:
    """Plans due for review: notify the owner unit once per review date."""
    return services.sweep_reviews()
