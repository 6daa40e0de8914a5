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
