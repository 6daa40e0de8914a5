"""Incidents API: list/detail with reports and deadlines; POST files an initial report; actions file
follow-ups and record deadlines as made. Everything through the services, scoped like the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.geo.models import Region

from .filtersets import IncidentFilterSet
from .models import Incident, IncidentReport, ReportDeadline
from .services import ReportContent, deadline_complete, incident_follow_up, incident_report


class ReportSerializer(serializers.ModelSerializer):
    reported_by = serializers.StringRelatedField()

    class Meta:
        model = IncidentReport
        fields = [
            "sequence",
            "kind",
            "reported_at",
            "reported_by",
            "summary",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "direct_loss",
            "measures",
            "trend",
            "leaders_on_site",
            "requests",
            "other",
            "judged_level",
            "level",
            "level_reason",
        ]
        read_only_fields = fields


class ReportContentSerializer(serializers.ModelSerializer):
    """What a new report says."""

    class Meta:
        model = IncidentReport
        fields = [
            "summary",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "direct_loss",
            "measures",
            "trend",
            "leaders_on_site",
            "requests",
            "other",
            "judged_level",
        ]


class FollowUpSerializer(ReportContentSerializer):
    final = serializers.BooleanField(default=False, help_text="True for the final report.")

    class Meta(ReportContentSerializer.Meta):
        fields = [*ReportContentSerializer.Meta.fields, "final"]


class DeadlineSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    label = serializers.CharField(source="display_label", read_only=True)

    class Meta:
        model = ReportDeadline
        fields = ["id", "rule", "label", "due_at", "done_at", "note", "window", "waived", "state"]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return obj.state()


class CompleteSerializer(serializers.Serializer):
    done_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class IncidentSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    reports = ReportSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    initial_report = ReportContentSerializer(write_only=True, help_text="The content of the initial report.")

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "category",
            "subtype",
            "region",
            "address",
            "latitude",
            "longitude",
            "occurred_at",
            "learned_at",
            "unit",
            "status",
            "level",
            "level_reason",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "direct_loss",
            "closed_at",
            "display",
            "reports",
            "deadlines",
            "initial_report",
        ]
        read_only_fields = [
            "status",
            "level",
            "level_reason",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "direct_loss",
            "closed_at",
        ]

    def create(self, validated_data):
        content = ReportContent(**validated_data.pop("initial_report"))
        incident = Incident(**validated_data)
        try:
            return incident_report(actor=self._actor(), incident=incident, content=content)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        validated_data.pop("initial_report", None)
        for locked in ("region", "category", "occurred_at", "learned_at"):
            validated_data.pop(locked, None)
        return super().update(instance, validated_data)


class IncidentViewSet(BaseModelViewSet):
    """Incidents in the caller's scope. POST files the initial report; figures and level change only by reports."""

    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    select_related = ("region",)
    ordering_fields = ["occurred_at", "level"]
    action_map = {**BaseModelViewSet.action_map, "follow_up": "change", "complete_deadline": "change"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("reports__reported_by", "deadlines")

    @extend_schema(request=FollowUpSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """File a follow-up (or, with ``final``, the final) report."""
        incident = self.get_object()
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        final = data.pop("final", False)
        try:
            incident_follow_up(actor=request.user, incident=incident, content=ReportContent(**data), final=final)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteSerializer, responses=DeadlineSerializer)
    @action(detail=True, methods=["post"], url_path=r"deadlines/(?P<deadline_id>\d+)/complete")
    def complete_deadline(self, request, pk=None, deadline_id=None):
        """Record that a required report was made."""
        incident = self.get_object()
        deadline = incident.deadlines.filter(pk=deadline_id).first()
        if deadline is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            deadline = deadline_complete(
                actor=request.user,
                deadline=deadline,
                done_at=serializer.validated_data.get("done_at"),
                note=serializer.validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(DeadlineSerializer(deadline).data)


router.register("incidents", IncidentViewSet, basename="incident")
