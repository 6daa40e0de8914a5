import django_filters
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import Availability, DepotKind, EquipmentCondition, ExpertSource, MovementKind, Readiness, TeamKind
from .models import Depot, Equipment, Expert, Item, Movement, RescueTeam, ReserveStandard, Specialty, TeamMember


class DepotFilterSet(BaseFilterSet):
    search_fields = ("name", "address")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    kind = django_filters.ChoiceFilter(choices=DepotKind.choices, label=_("kind"))

    class Meta:
        model = Depot
        fields = ["q", "region", "kind", "archived"]


class ReserveStandardFilterSet(BaseFilterSet):
    search_fields = ("item__name", "basis")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    item = django_filters.ModelChoiceFilter(queryset=Item.objects.all(), label=_("item"))

    class Meta:
        model = ReserveStandard
        fields = ["q", "region", "item", "archived"]


class MovementFilterSet(BaseFilterSet):
    """The ledger's filters; the depot choices are the user's."""

    search_fields = ("lot__item__name", "=lot__lot_number", "recipient", "note")

    region = RegionFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE), region_path="lot__depot__region"
    )
    depot = django_filters.ModelChoiceFilter(field_name="lot__depot", queryset=Depot.objects.all(), label=_("depot"))
    item = django_filters.ModelChoiceFilter(field_name="lot__item", queryset=Item.objects.all(), label=_("item"))
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices, label=_("kind"))

    class Meta:
        model = Movement
        fields = ["q", "region", "depot", "item", "kind"]


class EquipmentFilterSet(BaseFilterSet):
    search_fields = ("name", "model", "=serial_number")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE), region_path="depot__region")
    depot = django_filters.ModelChoiceFilter(queryset=Depot.objects.all(), label=_("depot"))
    condition = django_filters.ChoiceFilter(choices=EquipmentCondition.choices, label=_("condition"))

    class Meta:
        model = Equipment
        fields = ["q", "region", "depot", "condition", "archived"]


class ExpertFilterSet(BaseFilterSet):
    search_fields = ("name", "employer", "title")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), label=_("specialty"), distinct=True
    )
    source = django_filters.ChoiceFilter(choices=ExpertSource.choices, label=_("source"))
    availability = django_filters.ChoiceFilter(choices=Availability.choices, label=_("availability"))

    class Meta:
        model = Expert
        fields = ["q", "region", "specialty", "source", "availability", "archived"]


class RescueTeamFilterSet(BaseFilterSet):
    search_fields = ("name", "leader", "base_address")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("kind"))
    readiness = django_filters.ChoiceFilter(choices=Readiness.choices, label=_("readiness"))
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), label=_("specialty"), distinct=True
    )

    class Meta:
        model = RescueTeam
        fields = ["q", "region", "kind", "readiness", "specialty", "archived"]


class TeamMemberFilterSet(BaseFilterSet):
    search_fields = ("name", "=phone", "=id_number")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN), region_path="team__region")
    team = django_filters.ModelChoiceFilter(queryset=RescueTeam.objects.all(), label=_("rescue team"))
    specialty = django_filters.ModelChoiceFilter(queryset=Specialty.objects.all(), label=_("specialty"))
    current = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("still in the team"))

    class Meta:
        model = TeamMember
        fields = ["q", "region", "team", "specialty", "current", "archived"]
