"""Decree 493 and the national reporting clocks, as tests that read like the regulation."""

from datetime import timedelta

import pytest

from safecity.incidents.choices import Category, Level, Subtype
from safecity.incidents.rules import EXAMPLE_PROVINCE, NATIONAL, classify


def level_of(**figures):
    return classify(category=Category.ACCIDENT, ruleset=NATIONAL, **figures).level


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ({"dead": 2}, Level.IV),
        ({"dead": 3}, Level.III),  # "3 or more" includes 3
        ({"dead": 9}, Level.III),
        ({"dead": 10}, Level.II),
        ({"dead": 29}, Level.II),
        ({"dead": 30}, Level.I),
        ({"seriously_injured": 9}, Level.IV),
        ({"seriously_injured": 10}, Level.III),
        ({"seriously_injured": 50}, Level.II),
        ({"seriously_injured": 100}, Level.I),
        ({"direct_loss": 9_999_999}, Level.IV),
        ({"direct_loss": 10_000_000}, Level.III),
        ({"direct_loss": 50_000_000}, Level.II),
        ({"direct_loss": 100_000_000}, Level.I),
    ],
)
def test_decree_493_levels_by_each_measure(figures, level):
    assert level_of(**figures) == level


def test_the_level_is_the_highest_reached_by_any_one_measure():
    assert level_of(dead=1, seriously_injured=12, direct_loss=60_000_000) == Level.II


def test_the_missing_count_with_the_dead():
    assert level_of(dead=2, missing=1) == Level.III


def test_the_reason_names_the_measure_and_the_level():
    result = classify(category=Category.ACCIDENT, dead=3, ruleset=NATIONAL)
    assert "3" in result.reason and str(Level.III.label) in result.reason


def test_a_judged_level_can_raise_but_not_lower_a_computed_one():
    assert classify(category=Category.ACCIDENT, dead=3, judged_level=Level.II, ruleset=NATIONAL).level == Level.II
    assert classify(category=Category.ACCIDENT, dead=10, judged_level=Level.IV, ruleset=NATIONAL).level == Level.II


def test_events_whose_level_does_not_follow_from_figures_take_the_judged_level():
    assert classify(category=Category.NATURAL_DISASTER, dead=12, ruleset=NATIONAL).level is None
    result = classify(category=Category.NATURAL_DISASTER, judged_level=Level.III, ruleset=NATIONAL)
    assert result.level == Level.III


def _applicable(ruleset, level, category=Category.ACCIDENT, subtype=Subtype.CONSTRUCTION):
    return {r.key for r in ruleset.deadlines if r.applies(level=level, category=category, subtype=subtype)}


def test_ordinary_accidents_go_up_to_the_city_major_to_the_province_serious_to_the_state_council():
    assert {"unit_to_county", "county_to_city"} <= _applicable(NATIONAL, Level.IV)
    assert "city_to_province" not in _applicable(NATIONAL, Level.IV)
    assert "city_to_province" in _applicable(NATIONAL, Level.III)
    assert "province_to_state_council" not in _applicable(NATIONAL, Level.III)
    assert "province_to_state_council" in _applicable(NATIONAL, Level.II)
    assert "province_to_state_council" in _applicable(NATIONAL, Level.I)


def test_unit_reports_within_one_hour_and_each_step_up_within_two():
    assert NATIONAL.deadline("unit_to_county").delta == timedelta(hours=1)
    for key in ("county_to_city", "city_to_province", "province_to_state_council"):
        assert NATIONAL.deadline(key).delta == timedelta(hours=2)


def test_serious_events_are_phoned_in_30_minutes_and_written_in_one_hour():
    assert {"phone_30min", "written_1h"} <= _applicable(NATIONAL, Level.II)
    assert "phone_30min" not in _applicable(NATIONAL, Level.III)
    assert NATIONAL.deadline("phone_30min").delta == timedelta(minutes=30)
    assert NATIONAL.deadline("written_1h").delta == timedelta(hours=1)


def test_follow_up_window_is_30_days_but_7_for_road_traffic_and_fire():
    assert "follow_up_window" in _applicable(NATIONAL, Level.IV, subtype=Subtype.CONSTRUCTION)
    for subtype in (Subtype.ROAD_TRAFFIC, Subtype.FIRE):
        keys = _applicable(NATIONAL, Level.IV, subtype=subtype)
        assert "follow_up_window_7d" in keys and "follow_up_window" not in keys
    assert NATIONAL.deadline("follow_up_window").delta == timedelta(days=30)
    assert NATIONAL.deadline("follow_up_window_7d").delta == timedelta(days=7)


def test_a_province_can_tighten_the_national_clocks():
    assert EXAMPLE_PROVINCE.deadline("phone_30min").delta == timedelta(minutes=15)
    assert EXAMPLE_PROVINCE.deadline("written_1h").delta == timedelta(minutes=35)
    assert "written_iii" in _applicable(EXAMPLE_PROVINCE, Level.III)
    assert EXAMPLE_PROVINCE.deadline("written_iv").delta == timedelta(hours=6)
    assert NATIONAL.deadline("phone_30min").delta == timedelta(minutes=30)  # the national table is unchanged
