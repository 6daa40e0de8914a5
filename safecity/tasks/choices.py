from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskStatus(models.TextChoices):
    """Where a task stands: open → in progress → done, or cancelled (with the reason)."""

    OPEN = "open", pgettext_lazy("task status", "open")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "in progress")
    DONE = "done", pgettext_lazy("task status", "done")
    CANCELLED = "cancelled", pgettext_lazy("task status", "cancelled")


class TaskPriority(models.TextChoices):
    """How urgent: ordinary, urgent (紧急), most urgent (特急)."""

    NORMAL = "normal", _("ordinary")
    URGENT = "urgent", _("urgent")
    MOST_URGENT = "most_urgent", _("most urgent")


#: Statuses in which the work is still to be done (a deadline can be missed).
ACTIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
