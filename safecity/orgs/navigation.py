from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(MenuItem("system", _("Organizations"), "orgs:organization_list", "orgs.view_organization", weight=20))
