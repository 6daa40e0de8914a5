import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import FacilityKind, FacilityStatus, StaffRole, StayReason
from .models import Facility, FacilityStaff, Stay


class FacilityFilterSet(BaseFilterSet):
    search_fields = ("name", "address", "manager")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=FacilityStatus.choices, label=_("status"))

    class Meta:
        model = Facility
        fields = ["q", "region", "kind", "status", "archived"]


class FacilityStaffFilterSet(BaseFilterSet):
    search_fields = ("name", "certificate")

    facility = django_filters.ModelChoiceFilter(queryset=Facility.objects.all(), label=_("facility"))
    role = django_filters.ChoiceFilter(choices=StaffRole.choices, label=_("role"))
    trained = django_filters.BooleanFilter(
        field_name="trained_on", lookup_expr="isnull", exclude=True, label=_("trained")
    )

    class Meta:
        model = FacilityStaff
        fields = ["q", "facility", "role", "trained", "archived"]


class StayFilterSet(BaseFilterSet):
    search_fields = ("person__name", "=person__id_number", "=person__phone", "bed__room__number")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN), region_path="facility__region")
    facility = django_filters.ModelChoiceFilter(queryset=Facility.objects.all(), label=_("facility"))
    reason = django_filters.ChoiceFilter(choices=StayReason.choices, label=_("reason"))
    current = django_filters.BooleanFilter(field_name="checked_out_at", lookup_expr="isnull", label=_("checked in now"))
    check_out_by = django_filters.DateFilter(
        field_name="planned_check_out", lookup_expr="lte", label=_("planned check-out by")
    )

    class Meta:
        model = Stay
        fields = ["q", "region", "facility", "reason", "current", "check_out_by", "archived"]
