import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import VesselKind
from .models import TyphoonResponse, Vessel

YES = [("", "---------"), ("true", _("yes")), ("false", _("no"))]


class VesselFilterSet(BaseFilterSet):
    search_fields = ("name", "registration_number", "owner_name", "home_port")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    kind = django_filters.ChoiceFilter(choices=VesselKind.choices, label=_("vessel kind"))

    class Meta:
        model = Vessel
        fields = ["q", "region", "kind", "archived"]


class TyphoonResponseFilterSet(BaseFilterSet):
    search_fields = ("title",)

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.COUNTY))
    ongoing = django_filters.BooleanFilter(
        field_name="ended_at", lookup_expr="isnull", label=_("ongoing"), widget=forms.Select(choices=YES)
    )

    class Meta:
        model = TyphoonResponse
        fields = ["q", "region", "ongoing", "archived"]
