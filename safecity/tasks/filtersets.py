import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from .choices import ACTIVE_STATUSES, TaskPriority, TaskStatus
from .models import Task
from .sources import MANUAL, source_choices

YES_NO = [("", "---------"), ("true", _("yes")), ("false", _("no"))]


class TaskFilterSet(BaseFilterSet):
    search_fields = ("title", "detail", "responsible_organization__name")

    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("status"))
    unfinished = django_filters.BooleanFilter(
        method="filter_unfinished", label=_("unfinished"), widget=forms.Select(choices=YES_NO)
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("overdue"), widget=forms.Select(choices=YES_NO)
    )
    priority = django_filters.ChoiceFilter(choices=TaskPriority.choices, label=_("priority"))
    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    responsible_organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), label=_("responsible unit")
    )
    source = django_filters.ChoiceFilter(choices=source_choices, method="filter_source", label=_("source"))

    class Meta:
        model = Task
        fields = [
            "q",
            "status",
            "unfinished",
            "overdue",
            "priority",
            "region",
            "responsible_organization",
            "source",
            "archived",
        ]

    def filter_unfinished(self, queryset, name, value):
        if value is None:
            return queryset
        q = Q(status__in=ACTIVE_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = Q(status__in=ACTIVE_STATUSES, deadline__lt=timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_source(self, queryset, name, value: str):
        if not value:
            return queryset
        if value == MANUAL:
            return queryset.filter(source_type__isnull=True)
        app_label, _sep, model = value.partition(".")
        return queryset.filter(source_type__app_label=app_label, source_type__model=model)
