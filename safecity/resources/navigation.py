from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("resources", _("Stock by region"), "resources:stock", "resources.view_lot", weight=10),
    MenuItem("resources", _("Depots"), "resources:depot_list", "resources.view_depot", weight=20),
    MenuItem("resources", _("Depot map"), "resources:depot_map", "resources.view_depot", weight=21),
    MenuItem("resources", _("Equipment"), "resources:equipment_list", "resources.view_equipment", weight=25),
    MenuItem("resources", _("Expert pool"), "resources:expert_list", "resources.view_expert", weight=70),
    MenuItem("resources", _("Readiness board"), "resources:readiness_board", "resources.view_rescueteam", weight=80),
    MenuItem("resources", _("Rescue teams"), "resources:rescueteam_list", "resources.view_rescueteam", weight=90),
    MenuItem("resources", _("Dispatches"), "resources:dispatches", "resources.view_dispatch", weight=95),
    MenuItem("resources", _("Team members"), "resources:teammember_list", "resources.view_teammember", weight=92),
    MenuItem("resources", _("Stock ledger"), "resources:ledger", "resources.view_movement", weight=30),
    MenuItem("resources", _("Reserve shortfalls"), "resources:shortfalls", "resources.view_reservestandard", weight=40),
    MenuItem("resources", _("Expiring supplies"), "resources:expiring", "resources.view_lot", weight=50),
    MenuItem(
        "resources",
        _("Reserve standards"),
        "resources:reservestandard_list",
        "resources.view_reservestandard",
        weight=60,
    ),
)


def _stats(user):
    from django.urls import reverse

    from safecity.core.dashboard import Stat

    from . import services
    from .models import ReserveStandard

    if not user.has_perm("resources.view_reservestandard"):
        return []
    short = len(services.shortfalls(ReserveStandard.objects.restrict(user, "view").active()))
    return [Stat(_("Reserve shortfalls"), short, reverse("resources:shortfalls"), alert=short > 0)]


dashboard.register("resources", _stats)
