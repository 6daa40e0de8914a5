import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import OrganizationKind, Sector
from .models import Organization


class OrganizationFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name", "=credit_code", "address", "responsible_person")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("kind"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("sector"))

    class Meta:
        model = Organization
        fields = ["q", "region", "kind", "sector", "archived"]
