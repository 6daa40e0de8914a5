from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(
    MenuItem("reporting", _("Deadline board"), "incidents:board", "incidents.view_incident", weight=10),
    MenuItem("reporting", _("Incidents"), "incidents:incident_list", "incidents.view_incident", weight=20),
    MenuItem("reporting", _("New incident report"), "incidents:incident_add", "incidents.add_incident", weight=30),
)
