"""The one map component: layers of points and region shapes, built server-side from scoped querysets.

A page builds a list of layers and hands them to ``includes/map.html``::

    from safecity.core import maps

    targets = InspectionTarget.objects.restrict(request.user, "view")      # always a scoped queryset
    layers = [
        maps.point_layer(targets, name=_("Key sites"), colour=maps.COLOURS["red"]),
        maps.region_layer(maps.counties_in_scope(request.user), name=_("County boundaries")),
    ]
    context["map"] = maps.map_context(layers, empty_text=_("No key site has coordinates yet."))

    {% include "includes/map.html" with map=map %}

Each layer is one GeoJSON FeatureCollection (points carry a popup label and a link to their detail
page), switchable in the map's layer control; the map fits its bounds to the data. Points and region
shapes are drawn as vectors (Leaflet from the ``django-leaflet`` package), so they show without a tile
server; ``SAFECITY_MAP_TILE_URL`` adds a background when the intranet has one. A layer never ships more
than ``MAX_POINTS`` features: the rest is counted and the map says "showing N of M".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

#: The colour language of ``ui.md`` (levels and states), for layers and markers.
COLOURS = {
    "red": "#dc3545",
    "orange": "#fd7e14",
    "yellow": "#ffc107",
    "blue": "#0d6efd",
    "green": "#198754",
    "grey": "#6c757d",
    "purple": "#6f42c1",
}

#: Most features one layer sends to the browser; more are counted, not shipped.
MAX_POINTS = 5000


@dataclass
class Layer:
    """One switchable layer: a name, a colour and a GeoJSON FeatureCollection."""

    name: str
    colour: str
    features: list[dict] = field(default_factory=list)
    #: How many records the layer would have shown without the cap (with coordinates / boundaries).
    total: int = 0
    #: Records of the queryset that could not be placed (no coordinates / no boundary).
    unplaced: int = 0
    kind: str = "points"  # "points" or "regions"
    #: Shown when the page opens (the control still lists the layer when false).
    visible: bool = True

    @property
    def shown(self) -> int:
        return len(self.features)

    @property
    def truncated(self) -> bool:
        return self.shown < self.total

    def as_json(self) -> dict[str, Any]:
        return {
            "name": str(self.name),
            "colour": self.colour,
            "kind": self.kind,
            "visible": self.visible,
            "shown": self.shown,
            "total": self.total,
            "unplaced": self.unplaced,
            "data": {"type": "FeatureCollection", "features": self.features},
        }


def _url_of(obj, url) -> str:
    if url is None:
        get = getattr(obj, "get_absolute_url", None)
        return get() if get else ""
    return url(obj) if callable(url) else str(url)


def point_layer(
    queryset: QuerySet,
    *,
    name: str,
    colour: str = COLOURS["blue"],
    label: Callable[[Any], str] = str,
    url: Callable[[Any], str] | None = None,
    details: Callable[[Any], Iterable[str]] | None = None,
    lat_field: str = "latitude",
    lng_field: str = "longitude",
    limit: int | None = None,
    visible: bool = True,
) -> Layer:
    """A layer of points from ``queryset`` — which the caller has already scoped with ``restrict()``.

    ``label(obj)`` is the popup's title, ``url(obj)`` its link (default: ``get_absolute_url``),
    ``details(obj)`` extra popup lines. Rows without coordinates are counted in ``unplaced``. At most
    ``limit`` (default :data:`MAX_POINTS`) features are built; ``total`` says how many there were.
    """
    limit = MAX_POINTS if limit is None else limit
    placed = queryset.filter(**{f"{lat_field}__isnull": False, f"{lng_field}__isnull": False})
    rows = list(placed[: limit + 1])
    total = len(rows) if len(rows) <= limit else placed.count()
    unplaced = queryset.count() - total
    features = []
    for obj in rows[:limit]:
        lat, lng = getattr(obj, lat_field), getattr(obj, lng_field)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lng), float(lat)]},
                "properties": {
                    "label": str(label(obj)),
                    "url": _url_of(obj, url),
                    "lines": [str(line) for line in details(obj)] if details else [],
                },
            }
        )
    return Layer(name=name, colour=colour, features=features, total=total, unplaced=unplaced, visible=visible)


def _geometry(boundary) -> dict | None:
    if not isinstance(boundary, dict):
        return None
    geometry = boundary.get("geometry") if boundary.get("type") == "Feature" else boundary
    if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
        return geometry
    return None


def region_layer(
    regions: Iterable,
    *,
    name: str | None = None,
    colour: str = COLOURS["grey"],
    url: Callable[[Any], str] | None = None,
    limit: int | None = None,
    visible: bool = True,
) -> Layer:
    """A layer of region shapes (``geo.Region.boundary``, GeoJSON) — pass regions the user may view.

    Regions without a boundary are counted in ``unplaced``.
    """
    limit = MAX_POINTS if limit is None else limit
    features, total, unplaced = [], 0, 0
    for region in regions:
        geometry = _geometry(region.boundary)
        if geometry is None:
            unplaced += 1
            continue
        total += 1
        if len(features) >= limit:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"label": region.name, "url": _url_of(region, url), "lines": [region.code]},
            }
        )
    return Layer(
        name=name or _("Boundaries"),
        colour=colour,
        features=features,
        total=total,
        unplaced=unplaced,
        kind="regions",
        visible=visible,
    )


def counties_in_scope(user):
    """The county-level regions the user may view, and the counties their scopes lie in (for boundaries)."""
    from django.db.models import Q

    from safecity.geo.choices import RegionLevel
    from safecity.geo.models import Region

    from .scoping import get_scopes

    scopes = get_scopes(user)
    counties = Region.objects.filter(level=RegionLevel.COUNTY, archived_at__isnull=True)
    if scopes.unrestricted:
        return counties
    # The counties inside a scope, and the county a town/village scope belongs to.
    q = Q(pk__in=[])
    for prefix in scopes.prefixes:
        q |= Q(prefix__startswith=prefix) | Q(prefix=prefix[:6])
    return counties.filter(q)


def tile_url() -> str:
    """The tile server's URL template (``{z}/{x}/{y}``), or empty: no background, vectors only."""
    return settings.SAFECITY.get("MAP_TILE_URL", "")


def map_context(
    layers: list[Layer], *, empty_text: str | None = None, height: str = "60vh", element_id: str = "sc-map"
) -> dict[str, Any]:
    """What ``includes/map.html`` needs: the layers as JSON, the tile URL, notes on caps and empty state."""
    notes = []
    for layer in layers:
        if layer.truncated:
            notes.append(
                _("%(layer)s: showing %(shown)s of %(total)s; narrow the filter to see them all.")
                % {"layer": layer.name, "shown": f"{layer.shown:,}", "total": f"{layer.total:,}"}
            )
    unplaced = sum(layer.unplaced for layer in layers if layer.kind == "points")
    return {
        "id": element_id,
        "layers_id": f"{element_id}-layers",
        "layers": [layer.as_json() for layer in layers],
        "tile_url": tile_url(),
        "height": height,
        "has_points": any(layer.features for layer in layers if layer.kind == "points"),
        "has_features": any(layer.features for layer in layers),
        "notes": notes,
        "unplaced": unplaced,
        "empty_text": empty_text or _("Nothing here has coordinates yet."),
    }


def geojson(layers: list[Layer]) -> dict[str, Any]:
    """The layers as one JSON document (for ``?_format=json`` endpoints)."""
    return {"layers": [layer.as_json() for layer in layers]}
