import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.incidents.choices import Category

from .choices import DrillKind, PlanStatus, PlanType
from .models import PLAN_LEVELS, ContingencyPlan, Drill
from .selectors import drill_overdue_q, review_due_q, with_last_drill

YES = [("", "---------"), ("true", _("yes")), ("false", _("no"))]
LEVELS = [(str(level.value), level.label) for level in PLAN_LEVELS]


class ContingencyPlanFilterSet(BaseFilterSet):
    search_fields = ("title", "summary", "owner__name")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    level = django_filters.TypedChoiceFilter(field_name="region__level", choices=LEVELS, coerce=int, label=_("level"))
    plan_type = django_filters.ChoiceFilter(choices=PlanType.choices, label=_("plan type"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("incident category"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))
    review_due = django_filters.BooleanFilter(
        method="filter_review_due", label=_("due for review"), widget=forms.Select(choices=YES)
    )
    drill_overdue = django_filters.BooleanFilter(
        method="filter_drill_overdue", label=_("no recent drill"), widget=forms.Select(choices=YES)
    )

    class Meta:
        model = ContingencyPlan
        fields = ["q", "region", "level", "plan_type", "category", "status", "review_due", "drill_overdue", "archived"]

    def filter_level(self, queryset, name, value: str):
        return queryset.filter(region__level=int(value)) if value else queryset

    def filter_review_due(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(review_due_q()) if value else queryset.exclude(review_due_q())

    def filter_drill_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        if "last_drill_on" not in queryset.query.annotations:
            queryset = with_last_drill(queryset)
        return queryset.filter(drill_overdue_q()) if value else queryset.exclude(drill_overdue_q())


class DrillFilterSet(BaseFilterSet):
    search_fields = ("title", "place", "scenario", "plan__title")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    kind = django_filters.ChoiceFilter(choices=DrillKind.choices, label=_("drill kind"))
    plan = django_filters.ModelChoiceFilter(queryset=ContingencyPlan.objects.all(), label=_("contingency plan"))
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("held from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("held until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Drill
        fields = ["q", "region", "kind", "plan", "held_after", "held_before", "archived"]
