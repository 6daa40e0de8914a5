from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(MenuItem("duty", _("Daily briefing"), "briefing:daily", "duty.view_dutylogentry", weight=90))
