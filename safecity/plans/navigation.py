from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem(
        "resources", _("Contingency plans"), "plans:contingencyplan_list", "plans.view_contingencyplan", weight=60
    ),
    MenuItem("resources", _("Plans due for review"), "plans:review_due", "plans.view_contingencyplan", weight=61),
    MenuItem("resources", _("Drills"), "plans:drill_list", "plans.view_drill", weight=62),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from .models import ContingencyPlan
    from .selectors import drill_overdue_q, review_due_q, with_last_drill

    if not user.has_perm("plans.view_contingencyplan"):
        return []
    plans = ContingencyPlan.objects.restrict(user, "view").filter(archived_at__isnull=True)
    url = reverse("plans:contingencyplan_list")
    due = plans.filter(review_due_q()).count()
    undrilled = with_last_drill(plans).filter(drill_overdue_q()).count()
    return [
        Stat(_("Plans due for review"), due, f"{url}?review_due=true", alert=due > 0),
        Stat(_("Plans without a recent drill"), undrilled, f"{url}?drill_overdue=true", alert=undrilled > 0),
    ]


dashboard.register("resources", _stats, weight=60)
