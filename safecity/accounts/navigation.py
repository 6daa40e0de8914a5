from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(MenuItem("system", _("Users"), "accounts:user_list", "accounts.view_user", weight=30))
