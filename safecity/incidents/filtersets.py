import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import Category, IncidentStatus, Level, Subtype
from .models import Incident


class IncidentFilterSet(BaseFilterSet):
    search_fields = ("title", "address", "level_reason")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("level"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    subtype = django_filters.ChoiceFilter(choices=Subtype.choices, label=_("subtype"))
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("status"))
    occurred_after = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("from"))
    occurred_before = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = Incident
        fields = [
            "q",
            "region",
            "level",
            "category",
            "subtype",
            "status",
            "occurred_after",
            "occurred_before",
            "archived",
        ]
