from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(MenuItem("supervision", _("My tasks"), "tasks:my_tasks", "tasks.view_task", weight=10))
register(MenuItem("supervision", _("Tasks"), "tasks:task_list", "tasks.view_task", weight=20))


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from .models import Task

    if not user.has_perm("tasks.view_task"):
        return []
    tasks = Task.objects.restrict(user, "view").filter(archived_at__isnull=True)
    url = reverse("tasks:task_list")
    overdue = tasks.overdue().count()
    return [
        Stat(_("Tasks open"), tasks.unfinished().count(), f"{url}?unfinished=true"),
        Stat(_("Tasks overdue"), overdue, f"{url}?overdue=true", alert=overdue > 0),
    ]


dashboard.register("supervision", _stats)


def _todo(user):
    """My work: the unfinished tasks on my side (as counted by "My tasks"); late = the overdue ones."""
    from django.urls import reverse

    from safecity.core.dashboard import Todo

    from .models import Task

    if not user.has_perm("tasks.view_task"):
        return []
    mine = Task.objects.restrict(user, "view").filter(archived_at__isnull=True).for_user(user)
    late = mine.overdue().count()
    url = reverse("tasks:my_tasks") + ("?show=overdue" if late else "")
    return [Todo(_("My tasks"), mine.unfinished().count(), url, late=late)]


dashboard.register_todo(_todo, weight=20)
