from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import MenuItem, register

register(
    MenuItem("duty", _("Duty posts"), "duty:dutypost_list", "duty.view_dutypost", weight=10),
    MenuItem("duty", _("Duty roster"), "duty:roster_index", "duty.view_shift", weight=20),
    MenuItem("duty", _("Shifts"), "duty:shift_list", "duty.view_shift", weight=25),
    MenuItem("duty", _("Shift swaps"), "duty:shiftswap_list", "duty.view_shiftswap", weight=30),
    MenuItem("duty", _("Duty log"), "duty:dutylogentry_list", "duty.view_dutylogentry", weight=40),
    MenuItem("duty", _("Shift handovers"), "duty:handover_list", "duty.view_handover", weight=50),
)
