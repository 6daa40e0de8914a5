"""Typhoon response figures, as data.

Sources: the national typhoon warning signals (CMA Order 16, 2007) and their guidance at sea — blue: vessels
take measures (return to port or divert); yellow: reinforce port facilities; orange: vessels at sea must return
to port; red: crews of vessels in port go ashore — and Guangdong's white signal (within 48 h, no measure at sea
yet). In practice the provincial HQ sets the deadlines by sea area; the defaults below only fill what the
person starting a response leaves empty. Overrides: ``settings.SAFECITY_TYPHOON = {"MEASURES": {...}}``.

Who ends a response (``response_end``) and who edits it: the *supervising side* — a user with the change
permission whose scope covers the response's region (the city HQ for a city response, the city or that
county for a county response). Town staff see the county's response and record their vessels' checks, but
neither change nor end it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safecity.alerts.choices import Colour
from safecity.geo.choices import RegionLevel


@dataclass(frozen=True)
class Measure:
    """What a signal colour asks at sea, and the default deadlines counted from the response's start."""

    guidance: str
    port_within: timedelta | None = None
    ashore_within: timedelta | None = None


_DEFAULTS = {
    "MEASURES": {
        Colour.WHITE: Measure(_("Watch the typhoon; vessels prepare to return to port.")),
        Colour.BLUE: Measure(_("Vessels take measures: return to port or divert.")),
        Colour.YELLOW: Measure(_("Reinforce port facilities; vessels return to port or divert.")),
        Colour.ORANGE: Measure(_("Vessels at sea must return to port."), port_within=timedelta(hours=6)),
        Colour.RED: Measure(
            _("Vessels at sea must return to port; crews of vessels in port and raft workers go ashore."),
            port_within=timedelta(hours=2),
            ashore_within=timedelta(hours=4),
        ),
    },
}


def setting(name: str):
    return getattr(settings, "SAFECITY_TYPHOON", {}).get(name, _DEFAULTS[name])


def measure_for(colour: str | None) -> Measure | None:
    """The measure of a signal colour (``None`` for no colour or a colour without one)."""
    return setting("MEASURES").get(colour) if colour else None


#: A response is started for the whole city or for one county.
RESPONSE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)
#: A vessel belongs to a town or a village.
VESSEL_LEVELS = (RegionLevel.TOWN, RegionLevel.VILLAGE)
#: How a check's time may be ahead of the server clock (phones' clocks drift).
CHECK_CLOCK_SKEW = timedelta(minutes=5)
#: The home page's "vessels to check" line is for the staff who check vessels in their area.
CHECKER_ROLES = frozenset({"county_staff", "town_staff"})
