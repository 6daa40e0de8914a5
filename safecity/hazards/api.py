from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_phone
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import services
from .choices import ItemResult, TargetCategory
from .filtersets import (
    CampaignFilterSet,
    HazardFilterSet,
    InspectionFilterSet,
    InspectionTargetFilterSet,
    InspectionTeamFilterSet,
)
from .models import Campaign, Hazard, HazardPhoto, Inspection, InspectionTarget, InspectionTeam, common_region


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


class HazardPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The photo (served only to those who may see the hazard).")
    thumbnail_url = serializers.SerializerMethodField(help_text="Its 320 px thumbnail.")

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "url", "thumbnail_url", "uploaded_by", "uploaded_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("hazards:photo", args=[obj.pk])

    def get_thumbnail_url(self, obj) -> str:
        return reverse("hazards:photo_thumbnail", args=[obj.pk])


class HazardSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The target's region code.")
    inspection = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The inspection that found it, if any.")
    photos = HazardPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "target",
            "inspection",
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
            "photos",
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


class HazardAssignSerializer(serializers.Serializer):
    responsible_unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    responsible_person = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), required=False)
    deadline = serializers.DateField()
    measures = serializers.CharField()


class HazardRectifySerializer(serializers.Serializer):
    note = serializers.CharField()


class HazardReinspectSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HazardPhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text="JPEG, PNG or WebP; at most 10 MB each."
    )
    stage = serializers.ChoiceField(choices=HazardPhoto.Stage.choices, default=HazardPhoto.Stage.FOUND)


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
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    action_map = {
        **BaseModelViewSet.action_map,
        "photos": "change",
        "assign": "change",
        "start": "change",
        "rectify": "change",
        "reinspect": "change",
        "apply_to_resume": "change",
        "close": "change",
    }

    def get_queryset(self):
        return super().get_queryset().prefetch_related("photos")

    def perform_create(self, serializer):
        serializer.save(found_by=self.request.user)

    @extend_schema(
        request={"multipart/form-data": HazardPhotoUploadSerializer},
        responses={201: HazardPhotoSerializer(many=True)},
    )
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """Upload photos of the hazard (multipart, field ``photos``, repeatable): as found, or as rectification
        evidence. Each is checked to really be a JPEG/PNG/WebP image of at most 10 MB; one refused file refuses
        them all (400 naming it) and nothing is stored."""
        hazard = self.get_object()
        payload = HazardPhotoUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            stored = services.hazard_add_photos(
                actor=request.user,
                hazard=hazard,
                photos=payload.validated_data["photos"],
                stage=payload.validated_data["stage"],
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(HazardPhotoSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

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

    @extend_schema(request=HazardAssignSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the rectification: responsible unit or person, deadline, measures."""
        return self._step(request, services.hazard_assign, HazardAssignSerializer)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The responsible side starts rectifying."""
        return self._step(request, services.hazard_start)

    @extend_schema(request=HazardRectifySerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        """Report the rectification done, with its evidence."""
        return self._step(request, services.hazard_rectify, HazardRectifySerializer)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"], url_path="apply-to-resume")
    def apply_to_resume(self, request, pk=None):
        """Major hazard: the written application to resume (review due within 10 days)."""
        return self._step(request, services.hazard_apply_to_resume)

    @extend_schema(request=HazardReinspectSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def reinspect(self, request, pk=None):
        """Re-inspect: passed → ready to close; failed → re-opened."""
        return self._step(request, services.hazard_reinspect, HazardReinspectSerializer)

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
    regions = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Region.objects.all(),
        allow_empty=False,
        help_text="The area: region codes (each with everything below it).",
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="Organising region: the lowest region holding the whole area (derived).",
    )
    categories = serializers.ListField(child=serializers.ChoiceField(choices=TargetCategory.choices), required=False)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "regions",
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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("regions"):
            attrs["region"] = common_region(attrs["regions"])
        return attrs


class CampaignViewSet(BaseModelViewSet):
    """Campaigns in the caller's scope. ``plan`` runs the cross-inspection planner."""

    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    select_related = ("region",)
    ordering_fields = ["starts_on", "name"]
    action_map = {**BaseModelViewSet.action_map, "plan": "change"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("teams", "regions")

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


# ---- inspections ---------------------------------------------------------------------------------


class InspectionAnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="Checklist item id (the target category's checklist).")
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class InspectionRecordedAnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    text = serializers.CharField(help_text="The item's text when it was answered.")
    clause = serializers.CharField(allow_blank=True)
    hazard_when = serializers.CharField(allow_blank=True, required=False)
    major = serializers.BooleanField(required=False)
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(allow_blank=True)


class InspectionHazardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "title", "level", "status"]
        read_only_fields = fields


class InspectionSerializer(BaseModelSerializer):
    """An inspection with its recorded answers (a snapshot of the items as answered) and the hazards found."""

    target = serializers.PrimaryKeyRelatedField(queryset=InspectionTarget.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The target's region code.")
    answers = InspectionAnswerSerializer(many=True, write_only=True, help_text="One answer per item of the checklist.")
    results = InspectionRecordedAnswerSerializer(many=True, read_only=True)
    hazards = InspectionHazardSerializer(many=True, read_only=True)
    submission_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A UUID the client generates once per form: sending the same inspection again creates nothing.",
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "target",
            "region",
            "campaign",
            "inspector",
            "inspected_at",
            "latitude",
            "longitude",
            "notes",
            "answers",
            "results",
            "hazards",
            "submission_key",
            "display",
            "created_at",
            "archived_at",
        ]
        read_only_fields = ["inspector", "created_at", "archived_at"]

    def create(self, validated_data):
        answers = validated_data.pop("answers")
        key = validated_data.pop("submission_key", None)
        inspection = Inspection(**validated_data)
        try:
            results = services.checklist_results(inspection.target, answers)
            services.inspection_record(actor=self._actor(), inspection=inspection, results=results, submission_key=key)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return inspection


class InspectionViewSet(BaseModelViewSet):
    """Inspections in the caller's scope, with their answers and the hazards found.

    POST records one (the same service as the phone form): every item of the target's checklist answered,
    each *hazard* answer becoming a hazard; upload its photos with ``POST /api/hazards/{id}/photos/``. A
    ``submission_key`` already recorded answers 200 with the inspection recorded then, and creates nothing.
    Inspections are records: no update or delete.
    """

    model = Inspection
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    select_related = ("region", "target")
    ordering_fields = ["inspected_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("hazards")

    @extend_schema(responses={201: InspectionSerializer, 200: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            inspection = serializer.save()
        except services.AlreadyRecorded as exc:
            again = self.get_queryset().filter(pk=exc.inspection.pk).first()
            if again is None:
                raise
            return Response(self.get_serializer(again).data, status=status.HTTP_200_OK)
        fresh = self.get_queryset().get(pk=inspection.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


router.register("inspections", InspectionViewSet, basename="inspection")
