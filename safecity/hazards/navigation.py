from django.utils.translation import gettext_lazy as _

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
