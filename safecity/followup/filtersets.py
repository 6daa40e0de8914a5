import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import PERSON_CLASS_CHOICES, Direction, FollowUpResult, PlanStatus, RequestStatus, TestOutcome
from .models import AssistRequest, FollowUp, ManagementPlan, TestResult

_REGIONS = Region.objects.filter(level__lte=RegionLevel.VILLAGE)


class ManagementPlanFilterSet(BaseFilterSet):
    search_fields = ("person__name", "=person__id_number", "notes")

    region = RegionFilter(queryset=_REGIONS, region_path="person__region")
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))
    person_class = django_filters.ChoiceFilter(choices=PERSON_CLASS_CHOICES, label=_("managed as"))
    unassigned = django_filters.BooleanFilter(field_name="assigned_to", lookup_expr="isnull", label=_("no grid worker"))

    class Meta:
        model = ManagementPlan
        fields = ["q", "region", "status", "person_class", "unassigned", "archived"]


class FollowUpFilterSet(BaseFilterSet):
    search_fields = ("plan__person__name", "note")

    region = RegionFilter(queryset=_REGIONS, region_path="plan__person__region")
    result = django_filters.ChoiceFilter(choices=FollowUpResult.choices, label=_("result"))
    day = django_filters.DateFilter(label=_("day"))

    class Meta:
        model = FollowUp
        fields = ["q", "region", "result", "day", "archived"]


class TestResultFilterSet(BaseFilterSet):
    search_fields = ("plan__person__name", "note")

    region = RegionFilter(queryset=_REGIONS, region_path="plan__person__region")
    result = django_filters.ChoiceFilter(choices=TestOutcome.choices, label=_("result"))

    class Meta:
        model = TestResult
        fields = ["q", "region", "result", "archived"]


class AssistRequestFilterSet(BaseFilterSet):
    search_fields = ("counterpart", "reference_number", "notes")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("direction"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("status"))

    class Meta:
        model = AssistRequest
        fields = ["q", "region", "direction", "status", "archived"]
