from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem(
        "hazards", _("Inspection targets"), "hazards:inspectiontarget_list", "hazards.view_inspectiontarget", weight=10
    )
)
register(MenuItem("hazards", _("Hazards and rectification"), "hazards:hazard_list", "hazards.view_hazard", weight=20))
register(MenuItem("hazards", _("Campaigns"), "hazards:campaign_list", "hazards.view_campaign", weight=30))
register(
    MenuItem("hazards", _("Inspection teams"), "hazards:inspectionteam_list", "hazards.view_inspectionteam", weight=40)
)
register(MenuItem("hazards", _("Hazard statistics"), "hazards:statistics", "hazards.view_hazard", weight=50))
register(MenuItem("hazards", _("Checklists"), "hazards:checklist_list", "hazards.view_checklist", weight=60))


def _stats(user):
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Stat

    from .choices import HazardStatus
    from .models import Hazard
    from .rules import RECTIFYING_STATUSES

    if not user.has_perm("hazards.view_hazard"):
        return []
    hazards = Hazard.objects.restrict(user, "view").filter(archived_at__isnull=True)
    open_hazards = hazards.exclude(status=HazardStatus.CLOSED)
    overdue = open_hazards.filter(status__in=RECTIFYING_STATUSES, deadline__lt=timezone.localdate()).count()
    url = reverse("hazards:hazard_list")
    return [
        Stat(_("Hazards not closed"), open_hazards.count(), url),
        Stat(_("Rectifications overdue"), overdue, url, alert=overdue > 0),
    ]


dashboard.register("hazards", _stats)


def _todo(user):
    """My work: hazards I am responsible for rectifying (late = past the deadline); for county and town
    staff, the rectifications in their area waiting for re-inspection (never their own)."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Todo, role_names

    from .choices import HazardStatus
    from .models import Hazard
    from .rules import RECTIFYING_STATUSES, REINSPECTOR_ROLES

    if not user.has_perm("hazards.view_hazard"):
        return []
    hazards = Hazard.objects.restrict(user, "view").filter(archived_at__isnull=True)
    url = reverse("hazards:hazard_list")
    mine = hazards.filter(responsible_person=user, status__in=RECTIFYING_STATUSES).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=timezone.localdate()))
    )
    todos = [Todo(_("Hazards to rectify"), mine["n"], f"{url}?mine=true", late=mine["late"])]
    if user.has_perm("hazards.change_hazard") and role_names(user) & REINSPECTOR_ROLES:
        waiting = hazards.filter(status=HazardStatus.RECTIFIED).exclude(rectified_by=user).count()
        todos.append(Todo(_("Rectifications to re-inspect"), waiting, f"{url}?status={HazardStatus.RECTIFIED}"))
    return todos


dashboard.register_todo(_todo, weight=40)
