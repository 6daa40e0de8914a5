from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("reporting", _("Deadline board"), "incidents:board", "incidents.view_incident", weight=10),
    MenuItem("reporting", _("Incidents"), "incidents:incident_list", "incidents.view_incident", weight=20),
    MenuItem("reporting", _("New incident report"), "incidents:incident_add", "incidents.add_incident", weight=30),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from .choices import IncidentStatus
    from .models import Incident, ReportDeadline
    from .rules import active_ruleset

    if not user.has_perm("incidents.view_incident"):
        return []
    from django.utils import timezone

    open_incidents = Incident.objects.restrict(user, "view").active().filter(status=IncidentStatus.OPEN)
    serious = open_incidents.filter(level__in=active_ruleset().alert_at_once).count()
    overdue = ReportDeadline.objects.filter(
        incident__in=open_incidents, done_at__isnull=True, waived=False, window=False, due_at__lt=timezone.now()
    ).count()
    board = reverse("incidents:board")
    return [
        Stat(_("Open incidents"), open_incidents.count(), reverse("incidents:incident_list") + "?status=open"),
        Stat(_("Serious (II) and above"), serious, board, alert=serious > 0),
        Stat(_("Overdue reports"), overdue, board, alert=overdue > 0),
    ]


dashboard.register("reporting", _stats)


def _todo(user):
    """My work, for those who receive the reporting alerts (duty officers, leaders on shift, county and town
    staff): the open report deadlines of the open incidents in their area, as on the deadline board."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Todo, role_names

    from .choices import IncidentStatus
    from .models import Incident, ReportDeadline
    from .selectors import ALERTED_ROLES

    if not user.has_perm("incidents.view_incident"):
        return []
    if not (user.is_superuser or role_names(user) & {r.value for r in ALERTED_ROLES}):
        return []
    open_incidents = Incident.objects.restrict(user, "view").active().filter(status=IncidentStatus.OPEN)
    counts = ReportDeadline.objects.filter(
        incident__in=open_incidents, done_at__isnull=True, waived=False, window=False
    ).aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=timezone.now())))
    return [Todo(_("Reports due"), counts["n"], reverse("incidents:board"), late=counts["late"])]


dashboard.register_todo(_todo, weight=30)
