import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .models import User, UserScope
from .roles import Role


class UserFilterSet(BaseFilterSet):
    search_fields = ("username", "full_name", "title", "email")

    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"), method="filter_role")
    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE), method="filter_region")

    class Meta:
        model = User
        fields = ["q", "role", "region", "is_active", "archived"]

    def filter_role(self, queryset, name, value):
        return queryset.filter(groups__name=value) if value else queryset

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        scopes = UserScope.objects.filter(user=OuterRef("pk"), region__prefix__startswith=value.prefix)
        return queryset.filter(Exists(scopes))
