"""Which regions of our city a warning covers, and the warnings in force a user sees."""

from __future__ import annotations

from django.conf import settings

from safecity.geo.choices import PREFIX_LENGTH, RegionLevel
from safecity.geo.codes import prefix_of
from safecity.geo.models import Region

from . import cap
from .models import WarningSignal


def city() -> Region | None:
    return Region.objects.filter(code=settings.SAFECITY["CITY_CODE"]).first()


def _without_ancestors(regions: set[Region]) -> set[Region]:
    """Drop a region when a more precise one inside it is named too ("江门市台山市" is Taishan)."""
    return {r for r in regions if not any(o is not r and o.prefix.startswith(r.prefix) for o in regions)}


def regions_covered(info: cap.Info) -> list[Region]:
    """The regions of our city (city, counties, towns) the info's areas name — by a GB/T 2260 area code in a
    geocode, or by name in the area description. A code above the city (the province) means the whole city."""
    home = city()
    if home is None:
        return []
    codes: set[str] = set()
    for area in info.areas:
        for _name, value in area.geocodes:
            value = value.strip()
            if value.isdigit() and len(value) in (6, 9, 12):
                codes.add(value.ljust(12, "0"))
    candidates = list(
        Region.objects.subtree(home).filter(level__lte=RegionLevel.TOWN).only("id", "code", "prefix", "name", "level")
    )
    found: set[Region] = set()
    for code in codes:
        try:
            prefix = prefix_of(code)
        except ValueError:  # not an area code after all
            continue
        if home.prefix.startswith(prefix):  # the city itself, or the province above it
            found.add(home)
        elif code.startswith(home.prefix):  # a county, town or village of ours: the deepest region we keep
            inside = [r for r in candidates if code.startswith(r.prefix)]
            if inside:
                found.add(max(inside, key=lambda r: len(r.prefix)))
    text = " ".join(area.description for area in info.areas)
    found.update(r for r in candidates if len(r.name) >= 2 and r.name in text)
    return sorted(_without_ancestors(found), key=lambda r: r.code)


def common_region(regions: list[Region]) -> Region:
    """The smallest region containing all of ``regions``."""
    prefixes = [r.prefix for r in regions]
    for length in sorted(PREFIX_LENGTH.values(), reverse=True):
        candidate = prefixes[0][:length]
        if len(candidate) == length and all(p.startswith(candidate) for p in prefixes):
            region = Region.objects.filter(prefix=candidate, level__lte=RegionLevel.TOWN).first()
            if region is not None:
                return region
    return city()


def warnings_in_force(user):
    """The real warnings in force that ``user`` sees, the most serious first."""
    return (
        WarningSignal.objects.restrict(user, "view")
        .in_force()
        .highest_first()
        .prefetch_related("regions")
        .select_related("region")
    )
