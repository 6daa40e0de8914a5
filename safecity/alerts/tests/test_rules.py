"""How a warning's colour and kind are read, as the GB/T 35965 / GB/T 35561 conventions and real feeds say."""

import pytest

from safecity.alerts.choices import Colour, Kind
from safecity.alerts.rules import colour_of, kind_of


@pytest.mark.parametrize(
    ("parameters", "event", "headline", "severity", "colour"),
    [
        ((("alert_color", "紅色"),), "水庫洩洪", "", "Moderate", Colour.RED),  # Taiwan WRA: the parameter wins
        ((("semáforo", "red"),), "Aviso de Ciclón Tropical", "", "Unknown", Colour.RED),  # Mexico SMN
        ((), "台风蓝色预警信号", "", "Severe", Colour.BLUE),  # the signal's own name beats the severity
        ((), "暴雨", "江门市气象台发布暴雨橙色预警信号", "Minor", Colour.ORANGE),
        ((), "台风白色预警信号", "", "Unknown", Colour.WHITE),  # Guangdong's white typhoon signal
        ((), "Tropical Cyclone Alert", "", "Extreme", Colour.RED),
        ((), "Tropical Cyclone Alert", "", "Severe", Colour.ORANGE),
        ((), "Fire", "", "Moderate", Colour.YELLOW),
        ((), "Fire", "", "Minor", Colour.BLUE),
        ((), "Tsunami Cancellation", "", "Unknown", Colour.NONE),
        ((("colour", "purple"),), "大雾", "", "Unknown", Colour.NONE),  # an unknown colour word is no colour
    ],
)
def test_colour_from_parameter_then_name_then_severity(parameters, event, headline, severity, colour):
    assert colour_of(parameters=parameters, event=event, headline=headline, severity=severity) == colour


def test_a_word_that_merely_contains_a_colour_name_is_not_that_colour():
    assert colour_of(parameters=(), event="Bluefield flood watch", headline="", severity="Unknown") == Colour.NONE


@pytest.mark.parametrize(
    ("event", "codes", "kind"),
    [
        ("台风黄色预警信号", (), Kind.TYPHOON),
        ("某某预警", (("GB/T 35561-2017", "11B03"),), Kind.RAINSTORM),  # the event code decides
        ("暴雨橙色预警信号", (("GB/T 35561-2017", "11b01"),), Kind.TYPHOON),  # case-insensitive, code first
        ("森林火险橙色预警信号", (), Kind.FOREST_FIRE),
        ("Tropical Cyclone Alert", (), Kind.TYPHOON),
        ("Aviso de Ciclón Tropical en el Pacífico", (), Kind.TYPHOON),
        ("Tsunami Cancellation", (), Kind.TSUNAMI),
        ("水庫洩洪", (), Kind.FLOOD),
        ("大风蓝色预警信号", (), Kind.GALE),
        ("海浪", (("x", "11E06"),), Kind.WAVES),
        ("高温", (), Kind.OTHER),
    ],
)
def test_kind_from_the_gb_t_35561_code_then_words(event, codes, kind):
    assert kind_of(event, "", codes) == kind
