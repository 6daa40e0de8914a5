"""Pure functions over statistical division codes (GB/T 2260 + the 12-digit statistical extension).

A region's *code* is 12 digits for province … village (zero-padded) and 15 digits for a grid (its
village's 12 digits + 3). Its *prefix* is the significant part; the subtree of a region is every
code that starts with its prefix.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import PREFIX_LENGTH, RegionLevel

_CODE_RE = re.compile(r"^\d{12}(\d{3})?$")


def normalize_code(value: str | int) -> str:
    """Strip spaces and pad a short administrative code (``440705`` → ``440705000000``).

    Codes of 2, 4, 6 or 9 digits are padded to 12; 12 and 15 digits are kept as they are.
    """
    text = str(value).strip().replace(" ", "")
    if text.endswith(".0"):  # a code read from a spreadsheet number cell
        text = text[:-2]
    if not text.isdigit():
        raise ValidationError(
            _("A region code may contain digits only: %(value)s"), code="code_digits", params={"value": value}
        )
    if len(text) in (2, 4, 6, 9):
        text = text.ljust(12, "0")
    if not _CODE_RE.match(text):
        raise ValidationError(
            _("A region code should be a 12-digit statistical division code (15 digits for a grid): %(value)s"),
            code="code_length",
            params={"value": value},
        )
    return text


def level_of(code: str) -> RegionLevel:
    """The level a normalised code denotes by its zero-padding."""
    if len(code) == 15:
        return RegionLevel.GRID
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        return RegionLevel.COUNTY
    if code[9:] == "000":
        return RegionLevel.TOWN
    return RegionLevel.VILLAGE


def prefix_of(code: str, level: RegionLevel | int | None = None) -> str:
    """The significant prefix of ``code`` at ``level`` (default: the level the code denotes)."""
    level = RegionLevel(level) if level is not None else level_of(code)
    return code[: PREFIX_LENGTH[level]]


def parent_code(code: str) -> str | None:
    """The code of the region directly above, or ``None`` for a province."""
    level = level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    parent_level = RegionLevel(level - 1)
    return prefix_of(code, parent_level).ljust(12, "0")


def ancestor_prefixes(code: str) -> list[str]:
    """Prefixes of every ancestor from the province down, excluding the region itself."""
    level = level_of(code)
    return [code[: PREFIX_LENGTH[RegionLevel(lv)]] for lv in range(RegionLevel.PROVINCE, level)]


def prefixes_above(prefix: str) -> list[str]:
    """The significant prefixes of the regions above the one with ``prefix`` (``"440705101"`` → ``["44", "4407",
    "440705"]``)."""
    return [prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n < len(prefix)]
