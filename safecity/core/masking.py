"""Masking of personal data (identity numbers, phone numbers, names) for display and export.

Every function returns ``""`` for empty input and never returns its input unmasked: a value that does not have the
expected shape is masked except for its last two characters (or entirely, when it is two characters or shorter).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from safecity.core.validators import normalize_phone, to_halfwidth

__all__ = ["mask_id_number", "mask_name", "mask_phone"]

MASK_CHAR = "*"

# Space-separated so the list stays readable; split into a frozenset below.
_COMPOUND_SURNAMES_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 澹台 公冶 宗政 濮阳 淳于 "
    "太叔 申屠 闻人 万俟 赫连 呼延 端木 南宫 西门 百里 东郭 拓跋 独孤 司空 第五 乐正 公羊 左丘 亓官 仲孙 "
    "巫马 鲜于 闾丘 子车 谷梁 梁丘 羊舌 微生 公良 漆雕 壤驷 颛孙 司寇 东门 公西 段干"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())
"""Common two-character (compound) surnames, kept whole by :func:`mask_name`."""

_ID18_SHAPE_RE = re.compile(r"[0-9]{17}[0-9X]")
_ID15_SHAPE_RE = re.compile(r"[0-9]{15}")


def _text(value: object) -> str:
    """``value`` as stripped text with full-width characters turned into ASCII (``None`` becomes ``""``)."""
    if value is None:
        return ""
    return to_halfwidth(value if isinstance(value, str) else str(value)).strip()


def _mask_unknown(value: str) -> str:
    """Mask all but the last two characters (everything when the value is two characters or shorter)."""
    if len(value) <= 2:
        return MASK_CHAR * len(value)
    return MASK_CHAR * (len(value) - 2) + value[-2:]


def mask_id_number(value: str | None) -> str:
    """Mask an identity number, keeping the 6-digit address code and the last 4 characters.

    ``440705199001011234`` -> ``440705********1234``; legacy ``440705900101123`` -> ``440705*****1123``.
    The check digit is not verified: any 18- or 15-character identity-shaped value is masked this way.
    """
    text = "".join(_text(value).split()).upper()
    if not text:
        return ""
    if _ID18_SHAPE_RE.fullmatch(text) or _ID15_SHAPE_RE.fullmatch(text):
        return text[:6] + MASK_CHAR * (len(text) - 10) + text[-4:]
    return _mask_unknown(text)


def mask_phone(value: str | None) -> str:
    """Mask a phone number.

    Mobiles keep the first 3 and last 4 digits (``138****5678``); landlines keep the area code and the last 2 digits
    of the local number (``0750-*****56``), and the extension, if any, is masked too (``020-******78-***``).
    """
    text = _text(value)
    if not text:
        return ""
    try:
        number = normalize_phone(text)
    except ValidationError:
        return _mask_unknown(text)
    if "-" not in number:  # mobile, 11 digits
        return number[:3] + MASK_CHAR * 4 + number[-4:]
    area, local, *extension = number.split("-")
    masked = f"{area}-{MASK_CHAR * (len(local) - 2)}{local[-2:]}"
    return masked + "".join(f"-{MASK_CHAR * len(part)}" for part in extension)


def mask_name(value: str | None) -> str:
    """Mask a person's name, keeping only the surname: ``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧阳**``.

    The surname is the first character, or the first two when the name starts with a common compound surname
    (欧阳, 司马, 诸葛, ...) and has at least one more character. A single-character value is masked entirely (``*``)
    so the input is never shown unmasked.
    """
    text = _text(value)
    if not text:
        return ""
    if len(text) == 1:
        return MASK_CHAR
    kept = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:kept] + MASK_CHAR * (len(text) - kept)
