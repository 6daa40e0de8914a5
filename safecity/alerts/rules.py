"""How a received CAP message is read: its kind, its colour, who must hear of it — as data.

Sources: GB/T 35965.1-2018 (China's CAP profile: identifiers, Beijing time), GB/T 35561-2017 (event type
codes: 11B01 typhoon, 11B03 rainstorm, 11B06 gale, 11B17 fog, 11E02 storm surge, 11E06 waves), the
colour convention red / orange / yellow / blue = CAP severity Extreme / Severe / Moderate / Minor, and
Guangdong's white typhoon signal (no CAP equivalent). Overrides: ``settings.SAFECITY_ALERTS = {...}``.
"""

from __future__ import annotations

import re

from django.conf import settings

from safecity.core.models import NotificationLevel

from .choices import Colour, Kind

_DEFAULTS = {
    #: The info block read when a message carries several languages: first match wins, then the first block.
    "LANGUAGES": ("zh-CN", "zh"),
    #: Path to the OASIS CAP 1.2 schema (CAP-v1.2.xsd). When set, a message the schema rejects is still
    #: received (real feeds publish such messages) and the schema's complaint is recorded with it.
    "SCHEMA": "",
}


def setting(name: str):
    return getattr(settings, "SAFECITY_ALERTS", {}).get(name, _DEFAULTS[name])


#: GB/T 35561-2017 event codes (in ``eventCode`` values).
EVENT_CODES: dict[str, str] = {
    "11B01": Kind.TYPHOON,
    "11B03": Kind.RAINSTORM,
    "11B06": Kind.GALE,
    "11B17": Kind.FOG,
    "11E02": Kind.STORM_SURGE,
    "11E06": Kind.WAVES,
}

#: Words in the event name or headline, tried in order (simplified and traditional Chinese, English, Spanish).
EVENT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Kind.TSUNAMI, ("海啸", "海嘯", "tsunami")),
    (Kind.TYPHOON, ("台风", "颱風", "typhoon", "tropical cyclone", "ciclón tropical", "hurricane")),
    (Kind.STORM_SURGE, ("风暴潮", "風暴潮", "storm surge")),
    (Kind.RAINSTORM, ("暴雨", "rainstorm", "heavy rain")),
    (Kind.GALE, ("大风", "大風", "gale")),
    (Kind.FOG, ("大雾", "大霧", "fog")),
    (Kind.WAVES, ("海浪", "waves")),
    (Kind.FOREST_FIRE, ("森林火险", "森林火險", "森林火灾", "forest fire", "bushfire", "fire")),
    (Kind.FLOOD, ("洪水", "洪涝", "泄洪", "洩洪", "山洪", "flood", "reservoir")),
)

#: The work area (home page, menu) each kind belongs to.
AREA_OF_KIND: dict[str, str] = {Kind.FOREST_FIRE: "forest_fire"}
DEFAULT_AREA = "flood"

#: Colour words, in a colour parameter, the event name or the headline ("台风黄色预警信号", "紅色", "red").
COLOUR_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Colour.RED, ("红色", "紅色", "red")),
    (Colour.ORANGE, ("橙色", "orange")),
    (Colour.YELLOW, ("黄色", "黃色", "yellow")),
    (Colour.BLUE, ("蓝色", "藍色", "blue")),
    (Colour.WHITE, ("白色", "white")),
)
#: Parameters that name the colour (valueName, case-insensitive).
COLOUR_PARAMETERS = ("alert_color", "alert_colour", "color", "colour", "颜色", "预警颜色", "預警顏色", "semáforo")
#: Without a colour word: the colour by CAP severity.
SEVERITY_COLOUR: dict[str, str] = {
    "Extreme": Colour.RED,
    "Severe": Colour.ORANGE,
    "Moderate": Colour.YELLOW,
    "Minor": Colour.BLUE,
}
#: Higher is more serious (the home page shows the highest warning in force).
COLOUR_RANK: dict[str, int] = {
    Colour.RED: 5,
    Colour.ORANGE: 4,
    Colour.YELLOW: 3,
    Colour.BLUE: 2,
    Colour.WHITE: 1,
    Colour.NONE: 0,
}
#: Badge classes (safecity.css), in the one colour language of the UI.
COLOUR_BADGE: dict[str, str] = {c.value: f"sc-warning-{c.value}" for c in Colour}
#: How loud the notification of a new, raised or lifted warning is.
NOTIFY_LEVEL: dict[str, str] = {
    Colour.RED: NotificationLevel.DANGER,
    Colour.ORANGE: NotificationLevel.DANGER,
    Colour.YELLOW: NotificationLevel.WARNING,
    Colour.BLUE: NotificationLevel.INFO,
    Colour.WHITE: NotificationLevel.INFO,
    Colour.NONE: NotificationLevel.INFO,
}

#: CAP statuses that are real warnings; Test and Exercise are kept and shown, never alerted or counted;
#: System and Draft messages are recorded only.
REAL_STATUSES = ("Actual",)
PRACTICE_STATUSES = ("Test", "Exercise")


def kind_of(event: str, headline: str, event_codes) -> str:
    """The kind from a GB/T 35561 event code, else from words in the event name or headline."""
    for _name, value in event_codes:
        code = value.strip().upper()
        if code in EVENT_CODES:
            return EVENT_CODES[code]
    text = f"{event} {headline}".casefold()
    for kind, words in EVENT_WORDS:
        if any(re.search(rf"(?<![a-z]){re.escape(w)}", text) if w.isascii() else w in text for w in words):
            return kind
    return Kind.OTHER


def colour_in(text: str) -> str | None:
    """The colour a text names ("台风黄色预警信号" → yellow), or ``None``."""
    text = text.casefold()
    for colour, words in COLOUR_WORDS:
        for word in words:
            if re.search(rf"\b{word}\b", text) if word.isascii() else word in text:
                return colour
    return None


def colour_of(*, parameters, event: str, headline: str, severity: str) -> str:
    """A colour parameter first, then a colour word in the event name or headline, then the severity."""
    names = {n.casefold() for n in COLOUR_PARAMETERS}
    for name, value in parameters:
        if name.strip().casefold() in names and (colour := colour_in(value)):
            return colour
    for text in (event, headline):
        if colour := colour_in(text):
            return colour
    return SEVERITY_COLOUR.get(severity, Colour.NONE)
