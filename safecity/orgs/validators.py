"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError

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
        raise ValidationError("统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)", code="credit_code_format")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "统一社会信用代码校验位错误,应为 %(expected)s", code="credit_code_check", params={"expected": expected}
        )
