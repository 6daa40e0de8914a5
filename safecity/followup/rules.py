"""Figures of follow-up and assist-investigation work, as data (platform defaults; override in settings).

``settings.SAFECITY_FOLLOWUP`` may override any key of :data:`DEFAULTS`, e.g.
``SAFECITY_FOLLOWUP = {"ASSIST_DEADLINE_HOURS": {"close": 12}}`` (dictionaries are merged).
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    #: Hours to finish an incoming assist-investigation request, by the class of the persons in it
    #: ("" = unspecified). Close contacts and high-risk arrivals: the same day (24 h) — the usual
    #: requirement of the provincial 协查 rules; the others two or three days. Platform defaults.
    "ASSIST_DEADLINE_HOURS": {
        "close": 24,
        "secondary": 24,
        "arrival_high": 24,
        "arrival_medium": 48,
        "arrival_low": 48,
        "": 72,
    },
    #: A plan whose last day is this many days past is completed by the sweep (after the last day's
    #: follow-up had the chance to be recorded).
    "COMPLETE_AFTER_DAYS": 1,
    #: The sweep looks back at most this many days for missing follow-ups and tests (older gaps were flagged then).
    "FLAG_LOOK_BACK_DAYS": 14,
    #: How often the sweep runs (seconds).
    "SWEEP_SECONDS": 3600,
    #: A temperature at or above this (°C) counts as fever: the follow-up is recorded as symptomatic.
    "FEVER_CELSIUS": 37.3,
}


def rule(name: str):
    value = DEFAULTS[name]
    override = getattr(settings, "SAFECITY_FOLLOWUP", {}).get(name)
    if override is None:
        return value
    if isinstance(value, dict):
        return {**value, **override}
    return override


def assist_deadline_hours(person_class: str) -> int:
    table = rule("ASSIST_DEADLINE_HOURS")
    return table.get(person_class or "", table[""])
