"""API of follow-up: management plans (made by ``plan_create``; steps read-only), follow-ups and tests
(recorded by the services), assist-investigation requests with their persons (identity numbers and
phones masked). Everything scoped through the person's (or the request's) region."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.exceptions import OutOfScope
from safecity.core.masking import mask_id_number, mask_phone
from safecity.epidemic.choices import Classification
from safecity.epidemic.models import Contact, Disease, Person
from safecity.geo.models import Region

from . import services
from .choices import PERSON_CLASS_CHOICES
from .filtersets import AssistRequestFilterSet, FollowUpFilterSet, ManagementPlanFilterSet, TestResultFilterSet
from .models import AssistRequest, AssistRequestItem, FollowUp, ManagementPlan, PlanStep, TestResult


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise drf_validation_error(exc) from exc
    except OutOfScope as exc:
        raise serializers.ValidationError({"non_field_errors": [exc.message]}) from exc


class PlanStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStep
        fields = ["step", "measure", "start_date", "end_date", "test_dates"]


class ManagementPlanSerializer(BaseModelSerializer):
    steps = PlanStepSerializer(many=True, read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    person_class = serializers.ChoiceField(choices=PERSON_CLASS_CHOICES, required=False, allow_blank=True)
    disease = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Disease.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Disease code (when there is no contact row).",
    )

    class Meta:
        model = ManagementPlan
        fields = [
            "id",
            "person",
            "contact",
            "person_class",
            "disease",
            "protocol",
            "status",
            "start_date",
            "end_date",
            "assigned_to",
            "ended_at",
            "end_reason",
            "case",
            "notes",
            "steps",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "protocol",
            "status",
            "end_date",
            "ended_at",
            "end_reason",
            "case",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        extra_kwargs = {"start_date": {"required": False}}

    def create(self, validated_data):
        return _call(
            services.plan_create,
            actor=self._actor(),
            person=validated_data["person"],
            contact=validated_data.get("contact"),
            person_class=validated_data.get("person_class") or "",
            disease=validated_data.get("disease"),
            start=validated_data.get("start_date"),
            assigned_to=validated_data.get("assigned_to"),
            notes=validated_data.get("notes", ""),
        )

    def update(self, instance, validated_data):
        allowed = {k: v for k, v in validated_data.items() if k in ("assigned_to", "notes")}
        return self._save(instance, allowed)


class EndSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ConvertSerializer(serializers.Serializer):
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.SUSPECTED)
    onset_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, default="")


class ManagementPlanViewSet(BaseModelViewSet):
    """Management plans of persons in the caller's scope. POST makes one from the protocol (``plan_create``)."""

    model = ManagementPlan
    serializer_class = ManagementPlanSerializer
    filterset_class = ManagementPlanFilterSet
    select_related = ("person",)
    ordering_fields = ["start_date", "end_date"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps")

    @extend_schema(request=EndSerializer, responses=ManagementPlanSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        plan = self.get_object()
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = _call(services.plan_end, actor=request.user, plan=plan, reason=data.validated_data["reason"])
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=ConvertSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Convert the (symptomatic or positive) person to a case; returns the case's id and number."""
        plan = self.get_object()
        if not request.user.has_perm("epidemic.add_case"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        data = ConvertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _call(services.plan_convert_to_case, actor=request.user, plan=plan, **data.validated_data)
        return Response({"case": case.pk, "number": case.number}, status=201)


class PersonFollowUpSerializer(BaseModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "plan",
            "day",
            "result",
            "temperature",
            "note",
            "recorded_by",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["recorded_by", "created_at", "updated_at", "archived_at"]
        extra_kwargs = {"day": {"required": False}}
        validators = []  # one record per plan and day: posting the same day again corrects it

    def create(self, validated_data):
        return _call(
            services.followup_record,
            actor=self._actor(),
            plan=validated_data["plan"],
            day=validated_data.get("day"),
            result=validated_data["result"],
            temperature=validated_data.get("temperature"),
            note=validated_data.get("note", ""),
        )

    def update(self, instance, validated_data):
        return _call(
            services.followup_record,
            actor=self._actor(),
            plan=instance.plan,
            day=instance.day,
            result=validated_data.get("result", instance.result),
            temperature=validated_data.get("temperature", instance.temperature),
            note=validated_data.get("note", instance.note),
        )


class FollowUpViewSet(BaseModelViewSet):
    """Daily follow-ups. POST records (or corrects) the day's follow-up; a fever makes it symptomatic."""

    model = FollowUp
    serializer_class = PersonFollowUpSerializer
    filterset_class = FollowUpFilterSet
    select_related = ("plan", "plan__person")
    ordering_fields = ["day"]


class TestResultSerializer(BaseModelSerializer):
    class Meta:
        model = TestResult
        fields = [
            "id",
            "plan",
            "sampled_on",
            "result",
            "result_at",
            "note",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["result_at", "created_at", "updated_at", "archived_at"]

    def create(self, validated_data):
        return _call(
            services.test_record,
            actor=self._actor(),
            plan=validated_data["plan"],
            sampled_on=validated_data["sampled_on"],
            result=validated_data.get("result", "pending"),
            note=validated_data.get("note", ""),
        )

    def update(self, instance, validated_data):
        return _call(
            services.test_record,
            actor=self._actor(),
            plan=instance.plan,
            sampled_on=instance.sampled_on,
            result=validated_data.get("result", instance.result),
            note=validated_data.get("note", instance.note),
            test=instance,
        )


class TestResultViewSet(BaseModelViewSet):
    """Tests of persons under management. A positive result alerts the staff of the person's region."""

    model = TestResult
    serializer_class = TestResultSerializer
    filterset_class = TestResultFilterSet
    select_related = ("plan", "plan__person")
    ordering_fields = ["sampled_on"]


class AssistRequestItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistRequestItem
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "person_class",
            "reason",
            "address",
            "person",
            "result",
            "left_for",
            "measures",
            "result_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = mask_id_number(data.get("id_number"))
        data["phone"] = mask_phone(data.get("phone"))
        return data


class AssistRequestSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="Region code of the handling county."
    )
    disease = serializers.SlugRelatedField(
        slug_field="code", queryset=Disease.objects.all(), required=False, allow_null=True
    )
    items = AssistRequestItemSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = AssistRequest
        fields = [
            "id",
            "direction",
            "counterpart",
            "reference_number",
            "disease",
            "person_class",
            "region",
            "received_at",
            "deadline",
            "status",
            "done_at",
            "overdue",
            "notes",
            "items",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["status", "done_at", "created_at", "updated_at", "archived_at"]


class AssistRequestViewSet(BaseModelViewSet):
    """Assist-investigation requests handled in the caller's scope, with their persons (masked)."""

    model = AssistRequest
    serializer_class = AssistRequestSerializer
    filterset_class = AssistRequestFilterSet
    select_related = ("region", "disease")
    ordering_fields = ["received_at", "deadline"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items")


router.register("management-plans", ManagementPlanViewSet, basename="managementplan")
router.register("follow-ups", FollowUpViewSet, basename="followup")
router.register("test-results", TestResultViewSet, basename="testresult")
router.register("assist-requests", AssistRequestViewSet, basename="assistrequest")
