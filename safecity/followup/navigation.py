from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("epidemic", _("My follow-ups today"), "followup:today", "followup.view_managementplan", weight=50),
    MenuItem(
        "epidemic", _("Management plans"), "followup:managementplan_list", "followup.view_managementplan", weight=55
    ),
    MenuItem(
        "epidemic",
        _("Overdue follow-ups and missed tests"),
        "followup:overdue",
        "followup.view_managementplan",
        weight=56,
    ),
    MenuItem("epidemic", _("Follow-ups"), "followup:followup_list", "followup.view_followup", weight=57),
    MenuItem("epidemic", _("Test results"), "followup:testresult_list", "followup.view_testresult", weight=58),
    MenuItem(
        "epidemic",
        _("Assist-investigation requests"),
        "followup:assistrequest_list",
        "followup.view_assistrequest",
        weight=60,
    ),
    MenuItem("epidemic", _("Disease protocols"), "followup:protocol_list", "epidemic.view_protocol", weight=90),
)


def _stats(user):
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Stat

    from .choices import PlanStatus, RequestStatus
    from .models import AssistRequest, ManagementPlan

    result = []
    if user.has_perm("followup.view_managementplan"):
        active = ManagementPlan.objects.restrict(user, "view").filter(
            status=PlanStatus.ACTIVE, archived_at__isnull=True
        )
        result.append(
            Stat(
                _("Persons under management"),
                active.count(),
                reverse("followup:managementplan_list") + "?status=active",
            )
        )
    if user.has_perm("followup.view_assistrequest"):
        overdue = (
            AssistRequest.objects.restrict(user, "view")
            .filter(archived_at__isnull=True, deadline__lt=timezone.now())
            .exclude(status=RequestStatus.DONE)
            .count()
        )
        result.append(
            Stat(_("Assist requests overdue"), overdue, reverse("followup:assistrequest_list"), alert=overdue > 0)
        )
    return result


dashboard.register("epidemic", _stats, weight=50)


def _todo(user):
    """My work: the persons to follow up today not yet recorded; late = my plans with days left unrecorded."""
    from django.urls import reverse

    from safecity.core.dashboard import Todo

    from .selectors import my_followup_counts

    if not user.has_perm("followup.view_managementplan"):
        return []
    due, late = my_followup_counts(user)
    return [Todo(_("Follow-ups today"), due, reverse("followup:today"), late=late)]


dashboard.register_todo(_todo, weight=10)
