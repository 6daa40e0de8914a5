"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    total = sum(_CHARSET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a well-formed 18-character credit code."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in _CHARSET for c in code):
        raise ValidationError(
            _("A unified social credit code should be 18 digits or capital letters (not I, O, Z, S or V)."),
            code="credit_code_format",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; it should be %(expected)s."),
            code="credit_code_check",
            params={"expected": expected},
        )
