"""Validation messages go through the catalogue: English in the English UI, Chinese by default."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from safecity.core.validators import validate_id_number

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _message(language: str) -> str:
    with translation.override(language), pytest.raises(ValidationError) as exc_info:
        validate_id_number("123")
    assert exc_info.value.code == "invalid_length"
    [message] = exc_info.value.messages
    return message


def test_id_number_message_is_english_in_the_english_ui() -> None:
    message = _message("en")
    assert message
    assert not CJK.search(message), message


def test_id_number_message_is_chinese_in_the_chinese_ui() -> None:
    assert _message("zh-hans") == "身份证号码应为18位（或旧版15位）"
