import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import selectors
from .choices import CertificateStatus, HolderKind
from .models import Certificate, Course, Topic


class CourseFilterSet(BaseFilterSet):
    search_fields = ("title", "organiser", "place")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.TOWN))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("from"))
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Course
        fields = ["q", "region", "topic", "starts_after", "starts_before", "archived"]


class CertificateFilterSet(BaseFilterSet):
    """Who is trained: by topic, region, kind of holder and certificate status."""

    search_fields = (
        "number",
        "person_name",
        "volunteer__name",
        "expert__name",
        "team_member__name",
        "=person_id_number",
        "=volunteer__id_number",
    )

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))
    holder_kind = django_filters.ChoiceFilter(choices=HolderKind.choices, label=_("holder kind"))
    certificate_status = django_filters.ChoiceFilter(
        choices=CertificateStatus.choices, label=_("certificate status"), method="filter_status"
    )

    class Meta:
        model = Certificate
        fields = ["q", "region", "topic", "holder_kind", "certificate_status", "archived"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.status_q(value, timezone.localdate()))
