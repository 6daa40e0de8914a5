"""Validators and normalisers for Chinese resident identity numbers and mainland phone numbers.

Everything here is pure Python (no database access) so it can be used from forms, serializers, model field
validators, import jobs and management commands alike. Errors are raised as
:class:`django.core.exceptions.ValidationError` with a short message through the translation catalogue (English
msgid, Chinese by default) and a stable ``code``.

Identity numbers follow GB 11643-1999 (18 characters, last one a MOD 11-2 check character); the legacy 15-digit
form (birth year without century, no check character, issued before 1999) is accepted and upgraded to 18 digits.

Phone numbers cover mainland mobiles (``1[3-9]`` + 9 digits, optional ``+86``/``86``/``0086`` prefix) and
landlines with an area code (``010``/``02x`` followed by 8 digits, ``0[3-9]xx`` followed by 7–8 digits), with an
optional extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "ID_NUMBER_MIN_BIRTH_DATE",
    "IdNumberInfo",
    "id_check_char",
    "normalize_id_number",
    "normalize_phone",
    "parse_id_number",
    "validate_id_number",
    "validate_mobile",
    "validate_phone",
]

# --------------------------------------------------------------------------------------------------------------------
# Shared input clean-up
# --------------------------------------------------------------------------------------------------------------------

# Full-width ASCII (U+FF01–U+FF5E, typed by Chinese input methods) -> ASCII; ideographic space -> space;
# invisible zero-width characters (picked up when copy-pasting from chat apps / Word) -> removed.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = ord(" ")
_HALFWIDTH.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))


def to_halfwidth(value: str) -> str:
    """Return ``value`` with full-width ASCII turned into ASCII and zero-width characters removed."""
    return value.translate(_HALFWIDTH)


def _as_text(value: object) -> str:
    """Coerce a validator input to ``str`` (``None`` becomes ``""``)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------------------------------------------------
# Resident identity numbers (GB 11643-1999)
# --------------------------------------------------------------------------------------------------------------------

ID_NUMBER_MIN_BIRTH_DATE = date(1880, 1, 1)
"""Earliest birth date accepted in an identity number."""

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID18_RE = re.compile(r"[0-9]{17}[0-9X]")
_ID15_RE = re.compile(r"[0-9]{15}")
_DIGITS17_RE = re.compile(r"[0-9]{17}")

Sex = Literal["male", "female"]


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """What a valid identity number tells us.

    ``number`` is always the normalised 18-character form (upper-case ``X``; a legacy 15-digit number is upgraded
    with the century ``19`` and the computed check character). ``legacy`` records that the input was 15 digits.
    """

    number: str
    birth_date: date
    sex: Sex
    address_code: str
    legacy: bool


def id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character (``0``–``9`` or ``X``) for the first 17 digits.

    Raises :class:`ValueError` (a programming error, not user input) unless ``first17`` is exactly 17 ASCII digits.
    """
    if not isinstance(first17, str) or not _DIGITS17_RE.fullmatch(first17):
        raise ValueError(f"id_check_char() needs exactly 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _clean_id_number(value: object) -> str:
    """Strip all whitespace, turn full-width characters into ASCII and upper-case ``x``."""
    return "".join(to_halfwidth(_as_text(value)).split()).upper()


def _today() -> date:
    """Today's date in the project's time zone (falls back to the server date when ``USE_TZ`` is off)."""
    return timezone.localdate() if settings.USE_TZ else date.today()


def parse_id_number(value: str, *, today: date | None = None) -> IdNumberInfo:
    """Validate an identity number and return what it encodes.

    Accepts the 18-character form (lower-case ``x`` allowed) and the legacy 15-digit form; surrounding and inner
    whitespace and full-width digits are tolerated. ``today`` (default: today in ``TIME_ZONE``) bounds the birth date.

    Raises :class:`~django.core.exceptions.ValidationError` with one of the codes ``empty``, ``invalid_length``,
    ``invalid_characters``, ``invalid_address_code``, ``invalid_birth_date``, ``birth_date_in_future``,
    ``birth_date_too_early`` or ``invalid_check_char``.
    """
    number = _clean_id_number(value)
    if not number:
        raise ValidationError(_("The identity number cannot be empty."), code="empty")
    if len(number) not in (15, 18):
        raise ValidationError(
            _("The identity number should have 18 characters (or 15 digits for the old format)."), code="invalid_length"
        )

    legacy = len(number) == 15
    if legacy:
        if not _ID15_RE.fullmatch(number):
            raise ValidationError(
                _("An old-format 15-digit identity number should contain only digits."), code="invalid_characters"
            )
        address_code, birth_text, sequence = number[:6], "19" + number[6:12], number[12:15]
    else:
        if not _ID18_RE.fullmatch(number):
            raise ValidationError(
                _("The first 17 characters of an identity number should be digits and the last a digit or X."),
                code="invalid_characters",
            )
        address_code, birth_text, sequence = number[:6], number[6:14], number[14:17]

    # Administrative division codes (GB/T 2260) start with the province code 11–91: never with 0.
    if address_code[0] == "0":
        raise ValidationError(_("The area code in the identity number is invalid."), code="invalid_address_code")

    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the identity number is invalid."), code="invalid_birth_date"
        ) from None
    if birth_date < ID_NUMBER_MIN_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in the identity number cannot be before 1 January 1880."), code="birth_date_too_early"
        )
    if birth_date > (today or _today()):
        raise ValidationError(
            _("The birth date in the identity number cannot be later than today."), code="birth_date_in_future"
        )

    first17 = address_code + birth_text + sequence
    expected = id_check_char(first17)
    if not legacy and number[17] != expected:
        raise ValidationError(
            _("The check character of the identity number is wrong; it should be %(expected)s."),
            code="invalid_check_char",
            params={"expected": expected},
        )

    return IdNumberInfo(
        number=first17 + expected,
        birth_date=birth_date,
        sex="male" if int(sequence[-1]) % 2 else "female",
        address_code=address_code,
        legacy=legacy,
    )


def validate_id_number(value: str) -> None:
    """Django validator: raise :class:`ValidationError` unless ``value`` is a valid identity number."""
    parse_id_number(value)


def normalize_id_number(value: str) -> str:
    """Return the canonical 18-character form of a valid identity number.

    Whitespace is removed, ``x`` is upper-cased and a legacy 15-digit number is upgraded to 18 digits. Invalid input
    raises :class:`ValidationError` (same messages as :func:`parse_id_number`), so the result is always valid.
    """
    return parse_id_number(value).number


# --------------------------------------------------------------------------------------------------------------------
# Mainland phone numbers
# --------------------------------------------------------------------------------------------------------------------

MOBILE_MESSAGE = gettext_lazy("Enter a valid mobile number.")
PHONE_MESSAGE = gettext_lazy("Enter a valid phone number (a mobile or a landline with its area code).")

_SEPARATORS_RE = re.compile(r"[\s\-.()]")
_MOBILE_RE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# 010 and 02x are the two-digit area codes with 8-digit local numbers; every other area code is 0 + three digits with
# 7- or 8-digit local numbers. Local numbers never start with 0 (the trunk prefix).
_LANDLINE_RE = re.compile(
    r"(?P<area>010|02[0-9])(?P<local>[1-9][0-9]{7})|(?P<area3>0[3-9][0-9]{2})(?P<local3>[1-9][0-9]{6,7})"
)
_EXTENSION_MARK_RE = re.compile(r"(?P<main>.+)(?:转|分机|ext\.?|x|#)\s*(?P<ext>[0-9]{1,6})", re.IGNORECASE)
_EXTENSION_DASH_RE = re.compile(r"(?P<main>.+)-\s*(?P<ext>[0-9]{1,6})")
_LANDLINE_COUNTRY_RE = re.compile(r"(?:\+86|0086)(?P<rest>[0-9]+)")


def _clean_phone(value: object) -> str:
    return to_halfwidth(_as_text(value)).strip()


def _mobile(text: str) -> str | None:
    """The 11-digit mobile number in ``text``, or ``None``."""
    match = _MOBILE_RE.fullmatch(_SEPARATORS_RE.sub("", text))
    return match.group(1) if match else None


def _landline_without_extension(text: str) -> str | None:
    """``text`` as ``AREA-LOCAL`` if it is a landline number with area code (no extension), else ``None``."""
    digits = _SEPARATORS_RE.sub("", text)
    country = _LANDLINE_COUNTRY_RE.fullmatch(digits)
    if country:  # +86 20 12345678 drops the trunk 0; +86 (0)20 ... keeps it
        rest = country.group("rest")
        digits = rest if rest.startswith("0") else "0" + rest
    match = _LANDLINE_RE.fullmatch(digits)
    if not match:
        return None
    if match.group("area"):
        return f"{match.group('area')}-{match.group('local')}"
    return f"{match.group('area3')}-{match.group('local3')}"


def _landline(text: str) -> str | None:
    """``text`` as ``AREA-LOCAL`` or ``AREA-LOCAL-EXT`` if it is a landline number, else ``None``."""
    number = _landline_without_extension(text)
    if number:
        return number
    for pattern in (_EXTENSION_MARK_RE, _EXTENSION_DASH_RE):
        match = pattern.fullmatch(text)
        if match:
            number = _landline_without_extension(match.group("main"))
            if number:
                return f"{number}-{match.group('ext')}"
    return None


def normalize_phone(value: str) -> str:
    """Return the canonical form of a mobile or landline number.

    Mobiles become 11 digits (``13812345678``); landlines become ``0750-3123456`` or ``020-12345678-801``.
    Invalid input raises :class:`ValidationError` (code ``invalid_phone``).
    """
    text = _clean_phone(value)
    number = _mobile(text) or _landline(text)
    if number is None:
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return number


def validate_mobile(value: str) -> None:
    """Django validator: raise :class:`ValidationError` unless ``value`` is a mainland mobile number."""
    if _mobile(_clean_phone(value)) is None:
        raise ValidationError(MOBILE_MESSAGE, code="invalid_mobile")


def validate_phone(value: str) -> None:
    """Django validator: raise :class:`ValidationError` unless ``value`` is a mobile or landline number."""
    normalize_phone(value)
