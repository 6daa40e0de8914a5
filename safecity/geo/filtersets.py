import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter

from .choices import RegionLevel
from .models import Region

#: Level names as used in URLs and the API: ``?level=county``.
LEVEL_NAMES = {level.name.lower(): level.value for level in RegionLevel}


class RegionFilterSet(BaseFilterSet):
    search_fields = ("name", "=code")

    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=[(name, RegionLevel(value).label) for name, value in LEVEL_NAMES.items()],
        method="filter_level",
    )
    within = RegionFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.TOWN), region_path="", label=_("Within")
    )
    parent = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.TOWN), label=_("Parent region")
    )

    class Meta:
        model = Region
        fields = ["q", "level", "within", "parent", "archived"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(level=LEVEL_NAMES[value]) if value else queryset
