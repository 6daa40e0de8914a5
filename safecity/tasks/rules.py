"""Figures and transition rules of tracked tasks (督办): data, not ``if`` chains.

Overrides: ``settings.SAFECITY_TASKS = {"ESCALATE_AFTER_DAYS_OVERDUE": 1, ...}``.
"""

from __future__ import annotations

from django.conf import settings

from .choices import TaskStatus

#: Which statuses each step may start from. A finished task (done or cancelled) moves only by ``reopen``.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "assign": (TaskStatus.OPEN, TaskStatus.IN_PROGRESS),
    "start": (TaskStatus.OPEN,),
    "feedback": (TaskStatus.OPEN, TaskStatus.IN_PROGRESS),
    "complete": (TaskStatus.OPEN, TaskStatus.IN_PROGRESS),
    "cancel": (TaskStatus.OPEN, TaskStatus.IN_PROGRESS),
    "reopen": (TaskStatus.DONE, TaskStatus.CANCELLED),
}

#: The status each step leads to (``reopen`` leads back to in progress, or open if never started).
TARGET_STATUS: dict[str, str] = {
    "start": TaskStatus.IN_PROGRESS,
    "feedback": TaskStatus.IN_PROGRESS,
    "complete": TaskStatus.DONE,
    "cancel": TaskStatus.CANCELLED,
}

_DEFAULTS = {
    #: How often the overdue sweep runs (seconds); deadlines are whole days.
    "OVERDUE_SWEEP_SECONDS": 3600,
    #: Grace period: days overdue after which the supervisor (or, without one, the creator) is alerted.
    "ESCALATE_AFTER_DAYS_OVERDUE": 2,
    #: "Due soon" on pages: days before the deadline.
    "DUE_SOON_DAYS": 3,
    #: Evidence attachments: largest file.
    "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
}


def setting(name: str):
    return getattr(settings, "SAFECITY_TASKS", {}).get(name, _DEFAULTS[name])


OVERDUE_SWEEP_SECONDS = _DEFAULTS["OVERDUE_SWEEP_SECONDS"]
