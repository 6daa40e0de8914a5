from django.db import models
from django.utils.translation import gettext_lazy as _


class VesselKind(models.TextChoices):
    FISHING = "fishing", _("fishing vessel")
    TRANSPORT = "transport", _("transport vessel")
    FISH_RAFT = "fish_raft", _("fish raft")
    OTHER = "other", _("other vessel")


class Position(models.TextChoices):
    """Where a vessel is, as the last check of a response found it."""

    AT_SEA = "at_sea", _("at sea")
    IN_PORT = "in_port", _("back in port")
    SHELTERING = "sheltering", _("sheltering in another port")
    NOT_OUT = "not_out", _("not going out")


#: Positions that count as "safe in port" (the first of the "six hundred-percents").
SAFE_POSITIONS = (Position.IN_PORT, Position.SHELTERING, Position.NOT_OUT)

#: Names the offices' registers use for the vessel kinds (besides the codes and the labels).
KIND_ALIASES = {
    "渔船": VesselKind.FISHING,
    "捕捞渔船": VesselKind.FISHING,
    "运输船": VesselKind.TRANSPORT,
    "货船": VesselKind.TRANSPORT,
    "渔排": VesselKind.FISH_RAFT,
    "养殖渔排": VesselKind.FISH_RAFT,
    "其他": VesselKind.OTHER,
}
