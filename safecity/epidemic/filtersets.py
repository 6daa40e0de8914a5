"""Filters of the epidemic lists (UI, export and API)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.core.validators import normalize_phone, parse_id_number
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import CaseSource, Classification, Outcome, Proximity, Setting, SiteKind
from .models import Case, Cluster, Disease, Exposure, ExposureSite, Person

_REGIONS = Region.objects.filter(level__lte=RegionLevel.VILLAGE)
_DATE = forms.DateInput(attrs={"type": "date"})


def person_search_q(value: str, prefix: str = "") -> Q:
    """Search a person: an identity number matches exactly (normalised), a phone matches exactly
    (normalised), anything else matches the name."""
    value = value.strip()
    try:
        return Q(**{f"{prefix}id_number": parse_id_number(value).number})
    except ValidationError:
        pass
    try:
        return Q(**{f"{prefix}phone": normalize_phone(value)})
    except ValidationError:
        pass
    q = Q(**{f"{prefix}name__icontains": value})
    if value.isdigit():
        q |= Q(**{f"{prefix}pk": int(value)})
    return q


class PersonFilterSet(BaseFilterSet):
    region = RegionFilter(queryset=_REGIONS)
    cluster = django_filters.ModelChoiceFilter(queryset=Cluster.objects.all(), label=_("transmission chain"))
    has_case = django_filters.BooleanFilter(method="filter_has_case", label=_("is a case"))

    class Meta:
        model = Person
        fields = ["q", "region", "cluster", "has_case", "archived"]

    def search(self, queryset, name, value):
        return queryset.filter(person_search_q(value)) if value.strip() else queryset

    def filter_has_case(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(cases__isnull=not value).distinct()


class CaseFilterSet(BaseFilterSet):
    region = RegionFilter(queryset=_REGIONS)
    disease = django_filters.ModelChoiceFilter(queryset=Disease.objects.all(), label=_("disease"))
    classification = django_filters.ChoiceFilter(choices=Classification.choices, label=_("classification"))
    source = django_filters.ChoiceFilter(choices=CaseSource.choices, label=_("found through"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("outcome"))
    reported_from = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__gte", label=_("reported from"), widget=_DATE
    )
    reported_until = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__lte", label=_("reported until"), widget=_DATE
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "region",
            "disease",
            "classification",
            "source",
            "outcome",
            "reported_from",
            "reported_until",
            "archived",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__startswith=value.upper()) | person_search_q(value, "person__") | Q(place__icontains=value)
        )


class ExposureSiteFilterSet(BaseFilterSet):
    search_fields = ("name", "address")
    region = RegionFilter(queryset=_REGIONS)
    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, label=_("kind"))

    class Meta:
        model = ExposureSite
        fields = ["q", "region", "kind", "archived"]


class ExposureFilterSet(BaseFilterSet):
    region = RegionFilter(queryset=_REGIONS, region_path="person__region")
    setting = django_filters.ChoiceFilter(choices=Setting.choices, label=_("setting"))
    proximity = django_filters.ChoiceFilter(choices=Proximity.choices, label=_("proximity"))
    exposed_from = django_filters.DateFilter(field_name="exposed_on", lookup_expr="gte", label=_("from"), widget=_DATE)
    exposed_until = django_filters.DateFilter(
        field_name="exposed_on", lookup_expr="lte", label=_("until"), widget=_DATE
    )

    class Meta:
        model = Exposure
        fields = ["q", "region", "setting", "proximity", "exposed_from", "exposed_until", "archived"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            person_search_q(value, "person__")
            | person_search_q(value, "source_person__")
            | Q(source_site__name__icontains=value)
        )


class ClusterFilterSet(BaseFilterSet):
    search_fields = ("=code", "name")
    region = RegionFilter(queryset=_REGIONS)
    disease = django_filters.ModelChoiceFilter(queryset=Disease.objects.all(), label=_("disease"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("active"))
    min_size = django_filters.NumberFilter(field_name="size", lookup_expr="gte", label=_("at least persons"))

    class Meta:
        model = Cluster
        fields = ["q", "region", "disease", "active", "min_size", "archived"]
