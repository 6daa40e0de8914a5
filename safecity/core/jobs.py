"""Periodic jobs: one registry that becomes Celery beat's schedule.

An app declares its sweeps in its ``AppConfig.ready()``::

    from safecity.core.jobs import periodic

    periodic("duty.remind-handover", "safecity.duty.tasks.remind_handover", seconds=300)

The task is named by its dotted path, so this module imports neither Celery nor the app's tasks;
settings import it too (``CELERY_BEAT_SCHEDULE = jobs.SCHEDULE``, the same dict object), and the
worker's beat reads the schedule only after Django has set up every app, so every registration is
in it. Keep the tasks idempotent: beat may fire a job twice (two workers started with ``-B``, a
restart that replays a missed run), and a sweep must then do nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

#: Celery's ``beat_schedule`` format: name → {"task": dotted name, "schedule": timedelta, "options": {...}}.
SCHEDULE: dict[str, dict[str, Any]] = {}


def periodic(name: str, task: str, seconds: float, *, expires: float | None = None, **options: Any) -> None:
    """Run ``task`` (a Celery task's dotted name) every ``seconds``.

    Registering the same name again replaces the entry (so ``ready()`` may run twice). A run that is
    still queued after ``expires`` seconds (default: the period) is dropped — the next one does the
    same work — so a stopped worker does not come back to a pile of identical sweeps.
    """
    if seconds <= 0:
        raise ValueError("a periodic job needs a positive period")
    options.setdefault("expires", expires if expires is not None else seconds)
    SCHEDULE[name] = {"task": task, "schedule": timedelta(seconds=seconds), "options": options}


def beat_schedule() -> dict[str, dict[str, Any]]:
    """A copy of the registered schedule (for display and tests)."""
    return {name: dict(entry) for name, entry in SCHEDULE.items()}
