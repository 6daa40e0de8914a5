"""Light checks on GeoJSON boundaries (no GDAL needed)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


def validate_geojson(value) -> None:
    """Accept a GeoJSON Polygon/MultiPolygon geometry, or a Feature wrapping one."""
    if not isinstance(value, dict):
        raise ValidationError({"boundary": _("The boundary should be a GeoJSON object.")})
    geometry = value.get("geometry") if value.get("type") == "Feature" else value
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES:
        raise ValidationError({"boundary": _("The boundary should be a GeoJSON Polygon or MultiPolygon.")})
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise ValidationError({"boundary": _("The boundary has no coordinates.")})
