from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(MenuItem("epidemic", _("Four earlies"), "surveillance:four_earlies", "epidemic.view_case", weight=70))


def _stats(user):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Stat
    from safecity.epidemic.models import Case

    from . import rules, selectors

    if not user.has_perm("epidemic.view_case"):
        return []
    since = timezone.localdate() - timedelta(days=rules.DASHBOARD_DAYS)
    count = selectors.breach_count(Case.objects.restrict(user, "view"), since=since)
    url = f"{reverse('surveillance:four_earlies')}?start={since:%Y-%m-%d}#breaches"
    label = _("Cases breaching the four-earlies limits (%(days)s days)") % {"days": rules.DASHBOARD_DAYS}
    return [Stat(label, count, url, alert=count > 0)]


dashboard.register("epidemic", _stats, weight=70)
