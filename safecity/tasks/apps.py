from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    """Tracked tasks (工作任务): owner, deadline, progress feedback, completion with evidence, supervision."""

    name = "safecity.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from safecity.core.jobs import periodic

        from .rules import OVERDUE_SWEEP_SECONDS

        periodic("tasks.sweep-overdue", "safecity.tasks.tasks.sweep_overdue", seconds=OVERDUE_SWEEP_SECONDS)
