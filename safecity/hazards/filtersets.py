import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import HazardLevel, HazardStatus, RiskGrade, TargetCategory
from .models import Campaign, Hazard, Inspection, InspectionTarget, InspectionTeam
from .rules import RECTIFYING_STATUSES


class InspectionTargetFilterSet(BaseFilterSet):
    search_fields = ("name", "address", "responsible_person")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    category = django_filters.ChoiceFilter(choices=TargetCategory.choices, label=_("category"))
    risk_grade = django_filters.ChoiceFilter(choices=RiskGrade.choices, label=_("risk grade"))

    class Meta:
        model = InspectionTarget
        fields = ["q", "region", "category", "risk_grade", "archived"]


class HazardFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "target__name")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("hazard level"))
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label=_("status"))
    category = django_filters.ChoiceFilter(
        field_name="target__category", choices=TargetCategory.choices, label=_("category")
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label=_("to rectify by me"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("yes"))]),
    )

    class Meta:
        model = Hazard
        fields = ["q", "region", "level", "status", "category", "mine", "archived"]

    def filter_mine(self, queryset, name, value):
        """The hazards the signed-in user is the responsible person for, assigned or being rectified."""
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(responsible_person=user, status__in=RECTIFYING_STATUSES)


class InspectionTeamFilterSet(BaseFilterSet):
    search_fields = ("name",)

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.COUNTY))

    class Meta:
        model = InspectionTeam
        fields = ["q", "region", "archived"]


class CampaignFilterSet(BaseFilterSet):
    search_fields = ("name", "notes")

    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.TOWN),
        method="filter_area",
        label=_("touching region"),
    )

    def filter_area(self, queryset, name, value):
        """Campaigns whose area overlaps the region (inside it, or containing it)."""
        from .models import area_overlap_q

        return queryset.filter(area_overlap_q([value.prefix])) if value else queryset

    class Meta:
        model = Campaign
        fields = ["q", "region", "archived"]


class InspectionFilterSet(BaseFilterSet):
    search_fields = ("target__name", "notes")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    target = django_filters.NumberFilter(field_name="target_id", label=_("inspection target"))
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("campaign"))
    inspected_after = django_filters.DateTimeFilter(field_name="inspected_at", lookup_expr="gte", label=_("from"))
    inspected_before = django_filters.DateTimeFilter(field_name="inspected_at", lookup_expr="lt", label=_("until"))

    class Meta:
        model = Inspection
        fields = ["q", "region", "target", "campaign", "inspected_after", "inspected_before", "archived"]
