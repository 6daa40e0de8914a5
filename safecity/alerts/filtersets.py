import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import Colour, Kind, Outcome, State
from .models import CapMessage, WarningSignal, regions_reaching


class WarningSignalFilterSet(BaseFilterSet):
    search_fields = ("event", "headline", "area_description", "sender_name")

    state = django_filters.ChoiceFilter(choices=State.choices, method="filter_state", label=_("state"))
    colour = django_filters.ChoiceFilter(choices=Colour.choices, label=_("colour"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("kind"))
    region = RegionFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.TOWN), method="filter_region", label=_("covering")
    )
    sent = django_filters.DateFromToRangeFilter(
        field_name="sent",
        label=_("issued between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = WarningSignal
        fields = ["q", "state", "colour", "kind", "region", "sent", "archived"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        real = Q(exercise=False)
        return {
            State.IN_FORCE: lambda: queryset.in_force(now),
            State.LIFTED: lambda: queryset.filter(real, lifted_at__isnull=False),
            State.EXPIRED: lambda: queryset.filter(real, lifted_at__isnull=True, expires__lte=now),
            State.EXERCISE: lambda: queryset.filter(exercise=True),
        }.get(value, lambda: queryset)()

    def filter_region(self, queryset, name, value):
        """Warnings that reach the region: inside it, or covering an area above it."""
        if not value:
            return queryset
        return queryset.filter(Exists(regions_reaching([value]).filter(warningsignal_id=OuterRef("pk"))))


class CapMessageFilterSet(BaseFilterSet):
    search_fields = ("identifier", "sender", "event", "area_description")

    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=pgettext_lazy("cap", "outcome"))
    msg_type = django_filters.ChoiceFilter(
        choices=[(t, t) for t in ("Alert", "Update", "Cancel", "Ack", "Error")], label=_("message type")
    )
    noticed = django_filters.BooleanFilter(
        method="filter_noticed",
        label=_("with notices"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("yes")), ("false", _("no"))]),
    )

    class Meta:
        model = CapMessage
        fields = ["q", "outcome", "msg_type", "noticed"]

    def filter_noticed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(notices=[]) if value else queryset.filter(notices=[])
