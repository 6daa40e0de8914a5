import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from safecity.accounts.models import User
from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import DutyPostKind, SwapStatus
from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap


@extend_schema_field(OpenApiTypes.INT)
class PersonFilter(django_filters.ModelChoiceFilter):
    """A user id: shifts they lead or serve on."""


_REGIONS = Region.objects.filter(level__lte=RegionLevel.TOWN)
_DATE = forms.DateInput(attrs={"type": "date"})


class DutyPostFilterSet(BaseFilterSet):
    search_fields = ("name", "phone")

    region = RegionFilter(queryset=_REGIONS)
    kind = django_filters.ChoiceFilter(choices=DutyPostKind.choices, label=_("kind"))

    class Meta:
        model = DutyPost
        fields = ["q", "region", "kind", "archived"]


class ShiftFilterSet(BaseFilterSet):
    search_fields = ("post__name", "leader__full_name", "officers__full_name", "notes")

    region = RegionFilter(queryset=_REGIONS, region_path="post__region")
    post = django_filters.ModelChoiceFilter(queryset=DutyPost.objects.all(), label=_("duty post"))
    person = PersonFilter(queryset=User.objects.all(), label=_("person on duty"), method="filter_person")
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("from"), widget=_DATE
    )
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("to"), widget=_DATE)

    class Meta:
        model = Shift
        fields = ["q", "region", "post", "person", "date_from", "date_to", "archived"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        officer_shifts = Shift.officers.through.objects.filter(user__full_name__icontains=value).values("shift_id")
        return queryset.filter(
            Q(post__name__icontains=value)
            | Q(leader__full_name__icontains=value)
            | Q(pk__in=officer_shifts)
            | Q(notes__icontains=value)
        )

    def filter_person(self, queryset, name, value):
        if not value:
            return queryset
        officer_shifts = Shift.officers.through.objects.filter(user=value).values("shift_id")
        return queryset.filter(Q(leader=value) | Q(pk__in=officer_shifts))


class ShiftSwapFilterSet(BaseFilterSet):
    search_fields = ("shift__post__name", "from_user__full_name", "to_user__full_name", "reason")

    region = RegionFilter(queryset=_REGIONS, region_path="shift__post__region")
    status = django_filters.ChoiceFilter(choices=SwapStatus.choices, label=_("status"))

    class Meta:
        model = ShiftSwap
        fields = ["q", "region", "status", "archived"]


class DutyLogEntryFilterSet(BaseFilterSet):
    search_fields = ("summary", "details", "place", "caller_unit", "caller_name", "informed")

    region = RegionFilter(queryset=_REGIONS, region_path="post__region")
    post = django_filters.ModelChoiceFilter(queryset=DutyPost.objects.all(), label=_("duty post"))
    date_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("from"), widget=_DATE
    )
    date_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("to"), widget=_DATE)

    class Meta:
        model = DutyLogEntry
        fields = ["q", "region", "post", "date_from", "date_to", "archived"]


class HandoverFilterSet(BaseFilterSet):
    search_fields = ("open_matters", "outgoing__full_name", "incoming__full_name")

    region = RegionFilter(queryset=_REGIONS, region_path="post__region")
    post = django_filters.ModelChoiceFilter(queryset=DutyPost.objects.all(), label=_("duty post"))
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("acknowledged"),
        widget=forms.Select(choices=[("", "—"), ("false", _("awaiting acknowledgment")), ("true", _("acknowledged"))]),
    )

    class Meta:
        model = Handover
        fields = ["q", "region", "post", "acknowledged", "archived"]
