"""Regions — the spine of scoping: every record belongs to one, every user acts in some."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safecity.core.fields import latitude_field, longitude_field
from safecity.core.models import BaseModel
from safecity.core.querysets import RestrictedQuerySet

from . import codes
from .choices import RegionLevel


class RegionQuerySet(RestrictedQuerySet):
    """Region queries: subtrees are code-prefix range scans."""

    def subtree(self, region_or_prefix: Region | str) -> RegionQuerySet:
        """The region and everything below it."""
        prefix = region_or_prefix.prefix if isinstance(region_or_prefix, Region) else region_or_prefix
        return self.filter(prefix__startswith=prefix)

    def at_level(self, level: RegionLevel | int) -> RegionQuerySet:
        return self.filter(level=level)


class Region(BaseModel):
    """An administrative region or grid, identified by its statistical division code.

    ``code`` is the 12-digit code (15 digits for a grid); ``prefix`` is its significant part, so the
    subtree of a region is ``prefix LIKE '<prefix>%'`` — an indexed range scan (PostgreSQL gets a
    ``varchar_pattern_ops`` index for it automatically).
    """

    code = models.CharField(
        _("region code"),
        max_length=15,
        unique=True,
        help_text=_("12-digit statistical code; grids add 3 digits to their village's code."),
    )
    prefix = models.CharField(_("code prefix"), max_length=15, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    scope_region_path = ""

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=6), name="geo_region_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """Names from the county down, e.g. ``新会区 会城街道``."""
        names = list(
            Region.objects.filter(prefix__in=codes.ancestor_prefixes(self.code), level__gte=RegionLevel.COUNTY)
            .order_by("level")
            .values_list("name", flat=True)
        )
        return " ".join([*names, self.name])

    def clean(self) -> None:
        super().clean()
        if not self.code:
            return
        try:
            self.code = codes.normalize_code(self.code)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
        level = codes.level_of(self.code)
        expected_parent = codes.parent_code(self.code)
        if self.parent_id is None and expected_parent is not None:
            self.parent = Region.objects.filter(code=expected_parent).first()
            if self.parent is None and level > RegionLevel.CITY:
                raise ValidationError(
                    {
                        "code": gettext("The parent region %(parent)s does not exist; create the parent region first.")
                        % {"parent": expected_parent}
                    }
                )
        if self.parent is not None and self.parent.code != expected_parent:
            raise ValidationError(
                {
                    "parent": gettext("The parent of region code %(code)s should be %(expected)s, not %(given)s.")
                    % {"code": self.code, "expected": expected_parent, "given": self.parent.code}
                }
            )
        self.level = level
        self.prefix = codes.prefix_of(self.code, level)
        if self.boundary is not None:
            from .geometry import validate_geojson

            validate_geojson(self.boundary)

    def prepare_for_bulk(self) -> None:
        """Derive ``level`` and ``prefix`` from the code (``save()`` does it; ``bulk_create`` does not call it)."""
        self.code = codes.normalize_code(self.code)
        self.level = codes.level_of(self.code)
        self.prefix = codes.prefix_of(self.code, self.level)

    def save(self, *args, **kwargs) -> None:
        self.prepare_for_bulk()
        if self.parent_id is None and self.level > RegionLevel.PROVINCE:
            self.parent = Region.objects.filter(code=codes.parent_code(self.code)).first()
        super().save(*args, **kwargs)
