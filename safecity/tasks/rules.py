"""Figures and transition rules of tracked tasks (督办): data, not ``if`` chains.

Overrides: ``settings.SAFECITY_TASKS = {"ESCALATE_AFTER_DAYS_OVERDUE": 1, ...}``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safecity.accounts.roles import Role

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


# ---- who may take which step ------------------------------------------------------------------------

#: The side that must do the task: its responsible person, and the staff of its responsible unit (users
#: whose department is that organization — the same people the overdue sweep alerts).
RESPONSIBLE = "responsible"
#: The side that gave the task and follows it up: its supervisor, whoever created it, and the HQ's
#: command roles (duty officer, leader on shift), who supervise every task in their area.
SUPERVISING = "supervising"

#: Roles on the supervising side of every task they may change (besides the supervisor and the creator).
SUPERVISING_ROLES: tuple[str, ...] = (Role.HQ_DUTY_OFFICER, Role.LEADER_ON_SHIFT)

STEP_SIDES: dict[str, tuple[str, ...]] = {
    "start": (RESPONSIBLE,),
    "feedback": (RESPONSIBLE,),
    "complete": (RESPONSIBLE,),
    "assign": (SUPERVISING,),
    "cancel": (SUPERVISING,),
    "reopen": (SUPERVISING,),
    "edit": (SUPERVISING,),
    "archive": (SUPERVISING,),
}
"""Which side may take which step (督办: 承办方办理、督办方督促).

- *start*, *feedback*, *complete*: the work and the report of it are the responsible side's — the
  unit that must do it reports its own progress and result, so a result is never put in its mouth by
  the one who checks it.
- *assign*, *cancel*, *reopen*: the supervising side decides who does the task and by when, whether it
  is still needed, and whether a reported result is accepted — re-opening is how a result is refused
  ("退回"), so the responsible side cannot re-open or cancel its own task, nor hand it on.
- *edit*, *archive*: changing what the task is (title, deadline, responsible unit and person, supervisor)
  or withdrawing it is the supervising side's too — otherwise the edit form would undo the table (a
  responsible unit naming itself supervisor, or moving its own deadline).
- A user can be on both sides (a supervisor in the responsible unit) and takes the steps of both.
- Stand-in (代报): while the responsible side has nobody in SafeCity (no responsible person and no active
  user in the responsible unit — many units have no accounts), the supervising side records the
  :data:`STAND_IN_STEPS` on its behalf, as a drill's organiser records the rectification of a problem.
- Steps taken by the system itself (``actor=None``: demo loading, jobs) are not restricted.

The status a step may start from is :data:`TRANSITIONS`; both tables are checked in
``safecity.tasks.services`` only, so the pages and the API agree.
"""

#: Steps the supervising side takes for a responsible side with nobody in SafeCity.
STAND_IN_STEPS: tuple[str, ...] = ("start", "feedback", "complete")

#: Why a step is refused to a user who is not on a side that may take it.
REFUSALS: dict[str, str] = {
    "start": _("Only the responsible unit or person can start work on this task."),
    "feedback": _("Only the responsible unit or person can report progress on this task."),
    "complete": _("Only the responsible unit or person can report this task done."),
    "assign": _("Only the supervisor, the task's creator or the HQ can re-assign this task."),
    "cancel": _("Only the supervisor, the task's creator or the HQ can cancel this task."),
    "reopen": _("Only the supervisor, the task's creator or the HQ can re-open this task."),
    "edit": _("Only the supervisor, the task's creator or the HQ can change this task."),
    "archive": _("Only the supervisor, the task's creator or the HQ can archive this task."),
}
