"""Celery tasks of the core app: thin wrappers around :mod:`safecity.core.delivery`.

Both are idempotent: the outbox row's status and lease decide what is sent, so a task that runs
twice (a duplicate message, two beat processes, a redelivery after a worker crash) sends nothing
twice. The queue message is only a wake-up call; the outbox rows are the truth, and the periodic
sweep sends whatever a lost message left behind.
"""

from celery import shared_task

from . import delivery


@shared_task(ignore_result=True)
def deliver_notifications(delivery_ids: list[int]) -> None:
    """Send these outbox rows now (queued after the transaction that created them commits)."""
    for delivery_id in delivery_ids:
        delivery.deliver(delivery_id)


@shared_task(ignore_result=True)
def deliver_due_notifications() -> None:
    """The outbox sweep (every minute): send every due pending or failed row."""
    delivery.deliver_due()


@shared_task(ignore_result=True)
def run_import(job_id: int, commit: bool) -> None:
    """Check (or, after the user's confirmation, save) a large import; idempotent by claiming the job."""
    from .import_jobs import run_import_job

    run_import_job(job_id, commit=commit)
