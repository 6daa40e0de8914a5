from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(MenuItem("grid", _("Regions and grids"), "geo:region_list", "geo.view_region", weight=10))
