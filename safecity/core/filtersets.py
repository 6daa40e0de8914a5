"""FilterSet base: one filterset serves the UI list, the export and the API."""

from __future__ import annotations

import operator
from functools import reduce

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .forms import restrict_choice_fields

#: The widest integer every database we run on stores (64-bit): a number filter outside it is a field error,
#: not a database error ("Python int too large to convert to SQLite INTEGER").
NUMBER_LIMIT = 2**63 - 1


class BaseFilterSet(django_filters.FilterSet):
    """Free-text search ``q`` over ``search_fields``, archived records hidden unless asked for,
    and every choice of a scoped record limited to what the user may see."""

    #: Fields searched by ``q`` (``icontains``; use ``=field`` for an exact match, e.g. a code).
    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))
    archived = django_filters.BooleanFilter(
        method="filter_archived",
        label=_("Archived"),
        widget=forms.Select(choices=[("", _("Hide archived")), ("true", _("Archived only"))]),
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        restrict_choice_fields(self.form.fields, user)
        for field in self.form.fields.values():
            if isinstance(field, forms.DecimalField):  # every NumberFilter (ids, counts)
                field.validators += [MinValueValidator(-NUMBER_LIMIT), MaxValueValidator(NUMBER_LIMIT)]
            widget = field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = css

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        terms = []
        for field in self.search_fields:
            if field.startswith("="):
                terms.append(Q(**{f"{field[1:]}__startswith": value}))
            else:
                terms.append(Q(**{f"{field}__icontains": value}))
        return queryset.filter(reduce(operator.or_, terms))

    def filter_archived(self, queryset, name, value):
        if not hasattr(queryset.model, "archived_at"):
            return queryset
        if value is None:
            return queryset
        return queryset.filter(archived_at__isnull=not value)

    @property
    def qs(self):
        queryset = super().qs
        # Archived records stay out of lists unless the "archived" filter is set to yes or no.
        if hasattr(queryset.model, "archived_at"):
            wanted = self.form.cleaned_data.get("archived") if self.form.is_valid() else None
            if wanted is None:
                queryset = queryset.filter(archived_at__isnull=True)
        return queryset


@extend_schema_field(OpenApiTypes.INT)
class RegionFilter(django_filters.ModelChoiceFilter):
    """Filter by a region *and everything below it* (code-prefix match)."""

    def __init__(self, *args, region_path: str = "region", **kwargs) -> None:
        self.region_path = region_path
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("method", self.filter_subtree)
        super().__init__(*args, **kwargs)

    def filter_subtree(self, queryset, name, value):
        if not value:
            return queryset
        lookup = f"{self.region_path}__prefix__startswith" if self.region_path else "prefix__startswith"
        return queryset.filter(**{lookup: value.prefix})
