"""Identity-number and phone validators, and personal-data masking. Pure functions: no database needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from safecity.core.masking import mask_id_number, mask_name, mask_phone
from safecity.core.validators import (
    ID_NUMBER_MIN_BIRTH_DATE,
    IdNumberInfo,
    id_check_char,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
    validate_id_number,
    validate_mobile,
    validate_phone,
)

FIXED_TODAY = date(2024, 6, 30)


def build_id_number(address_code: str, birth_date: date, sequence: str) -> str:
    """An 18-character identity number with the correct check character."""
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence}"
    return first17 + id_check_char(first17)


def rejection(value: str, **kwargs: date) -> ValidationError:
    with pytest.raises(ValidationError) as exc_info:
        parse_id_number(value, **kwargs)
    return exc_info.value


# --- identity numbers: check character --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "expected"),
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("11010519900307001", "7")],
)
def test_id_check_char_follows_gb11643_mod_11_2(first17: str, expected: str) -> None:
    assert id_check_char(first17) == expected


@pytest.mark.parametrize(
    "bad", ["", "1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１００２"]
)
def test_id_check_char_rejects_anything_but_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_char(bad)


# --- identity numbers: accepted ---------------------------------------------------------------------------------------


def test_standard_example_with_x_check_char_is_valid_and_decoded() -> None:
    assert parse_id_number("11010519491231002X") == IdNumberInfo(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="female",
        address_code="110105",
        legacy=False,
    )


def test_standard_example_born_on_the_earliest_allowed_date_is_valid() -> None:
    info = parse_id_number("440524188001010014")
    assert info.birth_date == ID_NUMBER_MIN_BIRTH_DATE == date(1880, 1, 1)
    assert info.sex == "male"
    assert info.address_code == "440524"
    assert info.number == "440524188001010014"


def test_lower_case_x_is_accepted_and_normalised_to_upper_case() -> None:
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_spaces_and_full_width_digits_are_tolerated() -> None:
    assert normalize_id_number(" 440524 18800101 0014 ") == "440524188001010014"
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_legacy_15_digit_number_is_valid_and_upgraded_to_18_with_century_19() -> None:
    info = parse_id_number("110105491231002")
    assert info.legacy is True
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert normalize_id_number("110105491231002") == "11010519491231002X"


def test_validate_id_number_accepts_valid_numbers_silently() -> None:
    assert validate_id_number("11010519491231002X") is None
    assert validate_id_number("110105491231002") is None


@pytest.mark.parametrize(("sequence", "sex"), [("001", "male"), ("002", "female"), ("123", "male"), ("998", "female")])
def test_sex_is_male_for_odd_and_female_for_even_sequence_digit(sequence: str, sex: str) -> None:
    assert parse_id_number(build_id_number("440703", date(1990, 3, 7), sequence)).sex == sex


def test_legacy_number_takes_sex_from_its_last_digit() -> None:
    assert parse_id_number("440703900307123").sex == "male"
    assert parse_id_number("440703900307124").sex == "female"


# --- identity numbers: rejected ---------------------------------------------------------------------------------------


def test_id_number_with_wrong_check_char_is_rejected_with_expected_char() -> None:
    error = rejection("110105194912310021")
    assert error.code == "invalid_check_char"
    assert error.messages == ["身份证号码校验位错误，应为X"]


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002XX", "1101054912310", "1234567890123456"])
def test_id_number_of_wrong_length_is_rejected(value: str) -> None:
    error = rejection(value)
    assert error.code == "invalid_length"
    assert error.messages == ["身份证号码应为18位（或旧版15位）"]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_id_number_is_rejected_as_empty(value: str | None) -> None:
    assert rejection(value).code == "empty"


@pytest.mark.parametrize("value", ["11010519491231002Y", "11010519491X31002X", "11010549123100X", "ABCDEFGHIJKLMNOPQR"])
def test_id_number_with_letters_outside_the_check_position_is_rejected(value: str) -> None:
    assert rejection(value).code == "invalid_characters"


def test_id_number_with_address_code_starting_with_zero_is_rejected() -> None:
    assert rejection(build_id_number("010105", date(1990, 1, 1), "001")).code == "invalid_address_code"


def test_february_29_on_a_non_leap_year_is_rejected() -> None:
    first17 = "440703" + "20230229" + "001"
    error = rejection(first17 + id_check_char(first17))
    assert error.code == "invalid_birth_date"
    assert error.messages == ["身份证号码出生日期无效"]


def test_february_29_on_a_leap_year_is_accepted() -> None:
    assert parse_id_number(build_id_number("440703", date(2000, 2, 29), "001")).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("birth", ["19901301", "19900431", "19900000", "00000101"])
def test_impossible_calendar_dates_are_rejected(birth: str) -> None:
    first17 = f"440703{birth}001"
    assert rejection(first17 + id_check_char(first17)).code == "invalid_birth_date"


def test_future_birth_date_is_rejected() -> None:
    future = date.today() + timedelta(days=2)  # two days: safe whatever the time zone
    error = rejection(build_id_number("440703", future, "001"))
    assert error.code == "birth_date_in_future"
    assert error.messages == ["身份证号码出生日期不能晚于今天"]


def test_birth_date_is_bounded_by_the_given_today() -> None:
    number = build_id_number("440703", date(2024, 7, 1), "001")
    assert rejection(number, today=FIXED_TODAY).code == "birth_date_in_future"
    assert parse_id_number(number, today=date(2024, 7, 1)).birth_date == date(2024, 7, 1)


def test_birth_date_before_1880_is_rejected() -> None:
    error = rejection(build_id_number("440524", date(1879, 12, 31), "001"))
    assert error.code == "birth_date_too_early"


def test_legacy_number_with_invalid_date_is_rejected() -> None:
    assert rejection("440703230229001").code == "invalid_birth_date"


def test_normalize_id_number_refuses_invalid_input() -> None:
    with pytest.raises(ValidationError):
        normalize_id_number("110105194912310021")


def test_validate_id_number_raises_validation_error_for_invalid_input() -> None:
    with pytest.raises(ValidationError):
        validate_id_number("11010519491231002")


# --- identity numbers: properties -------------------------------------------------------------------------------------

address_codes = st.from_regex(r"\A[1-9][0-9]{5}\Z")
sequences = st.from_regex(r"\A[0-9]{3}\Z")
birth_dates = st.dates(min_value=ID_NUMBER_MIN_BIRTH_DATE, max_value=FIXED_TODAY)


@given(address_code=address_codes, birth_date=birth_dates, sequence=sequences)
def test_any_number_built_with_id_check_char_parses_and_round_trips(
    address_code: str, birth_date: date, sequence: str
) -> None:
    number = build_id_number(address_code, birth_date, sequence)
    info = parse_id_number(number, today=FIXED_TODAY)
    assert info == IdNumberInfo(
        number=number,
        birth_date=birth_date,
        sex="male" if int(sequence[2]) % 2 else "female",
        address_code=address_code,
        legacy=False,
    )
    assert parse_id_number(number.lower(), today=FIXED_TODAY) == info
    assert normalize_id_number(info.number) == info.number


@given(
    address_code=address_codes,
    birth_date=birth_dates,
    sequence=sequences,
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_digit_of_the_first_17_makes_the_number_invalid(
    address_code: str, birth_date: date, sequence: str, position: int, shift: int
) -> None:
    number = build_id_number(address_code, birth_date, sequence)
    changed_digit = str((int(number[position]) + shift) % 10)
    mutated = number[:position] + changed_digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(mutated, today=FIXED_TODAY)


@given(
    address_code=address_codes,
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequence=sequences,
)
def test_any_legacy_number_upgrades_to_the_equivalent_18_digit_number(
    address_code: str, birth_date: date, sequence: str
) -> None:
    legacy = f"{address_code}{birth_date:%y%m%d}{sequence}"
    info = parse_id_number(legacy, today=FIXED_TODAY)
    assert info.legacy is True
    assert info.number == build_id_number(address_code, birth_date, sequence)
    assert info.birth_date == birth_date
    assert parse_id_number(info.number, today=FIXED_TODAY) == IdNumberInfo(
        number=info.number, birth_date=birth_date, sex=info.sex, address_code=address_code, legacy=False
    )


# --- phone numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 139 2345 6789", "13923456789"),
        ("+8615012345678", "15012345678"),
        ("8618612345678", "18612345678"),
        ("0086 199 0000 1111", "19900001111"),
        ("１７７１２３４５６７８", "17712345678"),
        (" 16612345678 ", "16612345678"),
    ],
)
def test_mobile_numbers_are_accepted_and_normalised_to_11_digits(value: str, expected: str) -> None:
    assert normalize_phone(value) == expected
    assert validate_mobile(value) is None
    assert validate_phone(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0750-3123456", "0750-3123456"),
        ("075031234567", "0750-31234567"),
        ("(0750)3123456", "0750-3123456"),
        ("（0750）3123456", "0750-3123456"),
        ("0750 312 3456", "0750-3123456"),
        ("020-12345678-801", "020-12345678-801"),
        ("010-88886666", "010-88886666"),
        ("02112345678", "021-12345678"),
        ("0750-3123456转801", "0750-3123456-801"),
        ("0750-3123456 ext. 8012", "0750-3123456-8012"),
        ("+86 20 8888 6666", "020-88886666"),
        ("+86 750 3123456", "0750-3123456"),
    ],
)
def test_landline_numbers_with_area_code_are_accepted_and_normalised(value: str, expected: str) -> None:
    assert normalize_phone(value) == expected
    assert validate_phone(value) is None


@pytest.mark.parametrize("value", ["0750-3123456", "020-12345678-801"])
def test_landline_numbers_are_not_mobile_numbers(value: str) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_mobile(value)
    assert exc_info.value.code == "invalid_mobile"
    assert exc_info.value.messages == ["请输入有效的手机号码"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "12345",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # no 12x mobile prefix
        "10086",
        "3123456",  # landline without area code
        "020-1234567",  # 2-digit area codes have 8-digit local numbers
        "0750-123456",  # too short
        "0750-0123456",  # local number cannot start with the trunk 0
        "0750-3123456-1234567",  # extension too long
        "138 1234 5678 abc",
        "+1 415 555 0100",
        "00000000000",
    ],
)
def test_junk_is_rejected_as_phone_number(value: str) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_phone(value)
    assert exc_info.value.code == "invalid_phone"
    assert exc_info.value.messages == ["请输入有效的电话号码（手机或带区号的固定电话）"]
    with pytest.raises(ValidationError):
        normalize_phone(value)
    with pytest.raises(ValidationError):
        validate_mobile(value)


# --- masking ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("440705199001011234", "440705********1234"),
        ("11010519491231002x", "110105********002X"),
        ("440705900101123", "440705*****1123"),
        ("abc1234", "*****34"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number_keeps_address_code_and_last_four(value: str | None, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0750-3123456", "0750-*****56"),
        ("(0750)31234567", "0750-******67"),
        ("020-12345678-801", "020-******78-***"),
        ("12345", "***45"),
        ("x", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_hides_the_middle_of_the_number(value: str | None, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("李小龙", "李**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        (" 王五 ", "王*"),
        ("张", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name_keeps_only_the_surname(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected


@given(st.text(min_size=1, max_size=30).filter(lambda text: text.strip() and "*" not in text))
def test_masking_never_returns_unmasked_input_unchanged(value: str) -> None:
    for mask in (mask_id_number, mask_phone, mask_name):
        assert mask(value) != value.strip()
