import pytest
from django.core.exceptions import ValidationError

from safecity.geo import codes
from safecity.geo.choices import RegionLevel


@pytest.mark.parametrize(
    ("raw", "code", "level", "prefix"),
    [
        ("44", "440000000000", RegionLevel.PROVINCE, "44"),
        ("4407", "440700000000", RegionLevel.CITY, "4407"),
        ("440705", "440705000000", RegionLevel.COUNTY, "440705"),
        ("440705101", "440705101000", RegionLevel.TOWN, "440705101"),
        ("440705101201", "440705101201", RegionLevel.VILLAGE, "440705101201"),
        ("440705101201003", "440705101201003", RegionLevel.GRID, "440705101201003"),
        (" 440705101000.0 ", "440705101000", RegionLevel.TOWN, "440705101"),
    ],
)
def test_codes_are_normalised_and_know_their_level_and_subtree_prefix(raw, code, level, prefix):
    normalised = codes.normalize_code(raw)
    assert normalised == code
    assert codes.level_of(normalised) == level
    assert codes.prefix_of(normalised) == prefix


def test_parent_codes_walk_up_the_tree():
    assert codes.parent_code("440705101201003") == "440705101201"
    assert codes.parent_code("440705101201") == "440705101000"
    assert codes.parent_code("440705101000") == "440705000000"
    assert codes.parent_code("440705000000") == "440700000000"
    assert codes.parent_code("440700000000") == "440000000000"
    assert codes.parent_code("440000000000") is None


@pytest.mark.parametrize("bad", ["4407051", "44070510100", "abc", "4407051010001234"])
def test_malformed_codes_are_refused_in_chinese(bad):
    with pytest.raises(ValidationError) as exc:
        codes.normalize_code(bad)
    assert "区划代码" in exc.value.messages[0]
