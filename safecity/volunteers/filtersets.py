import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import DeploymentKind, VolunteerStatus
from .models import Deployment, Skill, Volunteer, VolunteerTeam


class VolunteerFilterSet(BaseFilterSet):
    search_fields = ("name", "=id_number", "=phone", "address", "employer")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=Skill.objects.all(), label=_("skill"), distinct=True
    )
    status = django_filters.ChoiceFilter(choices=VolunteerStatus.choices, label=_("status"))
    team = django_filters.ModelChoiceFilter(
        field_name="memberships__team",
        method="filter_team",
        queryset=VolunteerTeam.objects.all(),
        label=_("volunteer team"),
    )

    class Meta:
        model = Volunteer
        fields = ["q", "region", "skill", "status", "team", "archived"]

    def filter_team(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(memberships__team=value, memberships__left_on__isnull=True).distinct()


class VolunteerTeamFilterSet(BaseFilterSet):
    search_fields = ("name", "specialty")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))

    class Meta:
        model = VolunteerTeam
        fields = ["q", "region", "archived"]


class DeploymentFilterSet(BaseFilterSet):
    search_fields = ("title", "place")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    kind = django_filters.ChoiceFilter(choices=DeploymentKind.choices, label=_("kind"))
    team = django_filters.ModelChoiceFilter(queryset=VolunteerTeam.objects.all(), label=_("volunteer team"))
    starts_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("from"))
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = Deployment
        fields = ["q", "region", "kind", "team", "starts_after", "starts_before", "archived"]
