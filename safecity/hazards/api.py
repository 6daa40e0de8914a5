from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_phone
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import services
from .choices import TargetCategory
from .filtersets import CampaignFilterSet, HazardFilterSet, InspectionTargetFilterSet, InspectionTeamFilterSet
from .models import Campaign, Hazard, InspectionTarget, InspectionTeam


class InspectionTargetSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = InspectionTarget
        fields = [
            "id",
            "name",
            "category",
            "risk_grade",
            "region",
            "address",
            "latitude",
            "longitude",
            "responsible_unit",
            "responsible_person",
            "responsible_phone",
            "last_inspected_at",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["last_inspected_at", "created_at", "updated_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["responsible_phone"] = mask_phone(data.get("responsible_phone"))
        return data


class InspectionTargetViewSet(BaseModelViewSet):
    """Inspection targets (key sites) in the caller's scope. Phones are masked."""

    model = InspectionTarget
    serializer_class = InspectionTargetSerializer
    filterset_class = InspectionTargetFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "risk_grade", "last_inspected_at"]


class HazardSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The target's region code.")

    class Meta:
        model = Hazard
        fields = [
            "id",
            "target",
            "title",
            "description",
            "level",
            "status",
            "region",
            "found_at",
            "found_by",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "measures",
            "rectified_by",
            "rectified_at",
            "rectification_note",
            "reinspected_by",
            "reinspected_at",
            "reinspection_note",
            "reopened_count",
            "closed_at",
            "supervision_level",
            "plan_goals",
            "plan_methods",
            "plan_funds",
            "plan_people",
            "plan_deadline",
            "plan_safety",
            "applied_at",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "status",
            "found_by",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "measures",
            "rectified_by",
            "rectified_at",
            "rectification_note",
            "reinspected_by",
            "reinspected_at",
            "reinspection_note",
            "reopened_count",
            "closed_at",
            "applied_at",
            "created_at",
            "updated_at",
            "archived_at",
        ]


class AssignSerializer(serializers.Serializer):
    responsible_unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    responsible_person = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), required=False)
    deadline = serializers.DateField()
    measures = serializers.CharField()


class RectifySerializer(serializers.Serializer):
    note = serializers.CharField()


class ReinspectSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HazardViewSet(BaseModelViewSet):
    """Hazards in the caller's scope. POST records a found hazard; the loop moves only by the step actions.

    ``close`` is refused (400, with the reason) unless a re-inspection by someone other than the
    rectifier passed; a failed ``reinspect`` re-opens the hazard.
    """

    model = Hazard
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet
    select_related = ("region", "target")
    ordering_fields = ["found_at", "deadline", "level"]
    action_map = {
        **BaseModelViewSet.action_map,
        "assign": "change",
        "start": "change",
        "rectify": "change",
        "reinspect": "change",
        "apply_to_resume": "change",
        "close": "change",
    }

    def perform_create(self, serializer):
        serializer.save(found_by=self.request.user)

    def _step(self, request, run, serializer_class=None):
        hazard = self.get_object()
        data = {}
        if serializer_class is not None:
            payload = serializer_class(data=request.data, context=self.get_serializer_context())
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
        try:
            run(actor=request.user, hazard=hazard, **data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=hazard.pk)).data)

    @extend_schema(request=AssignSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the rectification: responsible unit or person, deadline, measures."""
        return self._step(request, services.hazard_assign, AssignSerializer)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The responsible side starts rectifying."""
        return self._step(request, services.hazard_start)

    @extend_schema(request=RectifySerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        """Report the rectification done, with its evidence."""
        return self._step(request, services.hazard_rectify, RectifySerializer)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"], url_path="apply-to-resume")
    def apply_to_resume(self, request, pk=None):
        """Major hazard: the written application to resume (review due within 10 days)."""
        return self._step(request, services.hazard_apply_to_resume)

    @extend_schema(request=ReinspectSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def reinspect(self, request, pk=None):
        """Re-inspect: passed → ready to close; failed → re-opened."""
        return self._step(request, services.hazard_reinspect, ReinspectSerializer)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Closure (销号), refused with the reason unless a passed independent re-inspection."""
        return self._step(request, services.hazard_close)


router.register("inspection-targets", InspectionTargetViewSet, basename="inspectiontarget")
router.register("hazards", HazardViewSet, basename="hazard")


class PlanAssignmentSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    team = serializers.IntegerField()


class PlanUnassignedSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    reason = serializers.CharField(help_text="no_team_from_another_county or no_county")


class PlanResultSerializer(serializers.Serializer):
    assignments = PlanAssignmentSerializer(many=True)
    unassigned = PlanUnassignedSerializer(many=True)


class InspectionTeamSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="Home county's region code."
    )

    class Meta:
        model = InspectionTeam
        fields = ["id", "name", "region", "members", "display", "created_at", "updated_at", "archived_at"]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class InspectionTeamViewSet(BaseModelViewSet):
    """Cross-inspection teams in the caller's scope."""

    model = InspectionTeam
    serializer_class = InspectionTeamSerializer
    filterset_class = InspectionTeamFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members")


class CampaignSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="Area's region code."
    )
    categories = serializers.ListField(child=serializers.ChoiceField(choices=TargetCategory.choices), required=False)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "region",
            "starts_on",
            "ends_on",
            "categories",
            "teams",
            "blind_spot_days",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class CampaignViewSet(BaseModelViewSet):
    """Campaigns in the caller's scope. ``plan`` runs the cross-inspection planner."""

    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    select_related = ("region",)
    ordering_fields = ["starts_on", "name"]
    action_map = {**BaseModelViewSet.action_map, "plan": "change"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("teams")

    @extend_schema(request=None, responses=PlanResultSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """Assign every target in scope to a team of another county; report those that cannot be."""
        campaign = self.get_object()
        try:
            result = services.campaign_plan(actor=request.user, campaign=campaign)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(
            {
                "assignments": [{"target": t, "team": team} for t, team in result.assignments.items()],
                "unassigned": [{"target": t, "reason": reason} for t, reason in result.unassigned.items()],
            }
        )


router.register("inspection-teams", InspectionTeamViewSet, basename="inspectionteam")
router.register("campaigns", CampaignViewSet, basename="campaign")
