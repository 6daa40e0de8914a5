from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("resources", _("Training courses"), "training:course_list", "training.view_course", weight=120),
    MenuItem("resources", _("Who is trained"), "training:certificate_list", "training.view_certificate", weight=125),
    MenuItem("resources", _("Expiring certificates"), "training:expiring", "training.view_certificate", weight=130),
)


def _stats(user):
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Stat

    from . import selectors
    from .choices import CertificateStatus
    from .models import Certificate

    if not user.has_perm("training.view_certificate"):
        return []
    expiring = (
        Certificate.objects.restrict(user, "view")
        .active()
        .filter(selectors.status_q(CertificateStatus.EXPIRING, timezone.localdate()))
        .count()
    )
    return [Stat(_("Certificates expiring soon"), expiring, reverse("training:expiring"), alert=expiring > 0)]


dashboard.register("resources", _stats, weight=60)
