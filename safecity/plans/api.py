from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import (
    BaseModelSerializer,
    BaseModelViewSet,
    ScopedRelatedFieldsMixin,
    drf_validation_error,
    router,
)
from safecity.core.exceptions import OutOfScope
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import services
from .choices import ProblemSeverity
from .filtersets import ContingencyPlanFilterSet, DrillFilterSet
from .models import ContingencyPlan, Drill, DrillProblem
from .selectors import with_last_drill


class ContingencyPlanSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    last_drill_on = serializers.DateField(read_only=True, allow_null=True)
    review_due = serializers.SerializerMethodField()
    drill_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ContingencyPlan
        fields = [
            "id",
            "title",
            "plan_type",
            "category",
            "region",
            "owner",
            "version",
            "approved_on",
            "next_review_on",
            "status",
            "summary",
            "last_drill_on",
            "review_due",
            "drill_overdue",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]
        extra_kwargs = {"next_review_on": {"required": False}}

    def get_review_due(self, obj) -> bool:
        return obj.review_due()

    def get_drill_overdue(self, obj) -> bool:
        return obj.drill_overdue(getattr(obj, "last_drill_on", None))


class ContingencyPlanViewSet(BaseModelViewSet):
    """Contingency plans in the caller's scope, with the last drill date and the review/drill flags."""

    model = ContingencyPlan
    serializer_class = ContingencyPlanSerializer
    filterset_class = ContingencyPlanFilterSet
    select_related = ("region", "owner")
    ordering_fields = ["title", "approved_on", "next_review_on"]

    def get_queryset(self):
        return with_last_drill(super().get_queryset())


class DrillProblemSerializer(serializers.ModelSerializer):
    task_status = serializers.CharField(source="task.status", read_only=True, default=None)

    class Meta:
        model = DrillProblem
        fields = ["id", "description", "severity", "responsible_organization", "deadline", "task", "task_status"]
        read_only_fields = fields


class ProblemCreateSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=ProblemSeverity.choices, default=ProblemSeverity.MINOR)
    responsible_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    deadline = serializers.DateField()


class DrillSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = Drill
        fields = [
            "id",
            "plan",
            "title",
            "kind",
            "held_on",
            "region",
            "place",
            "organiser",
            "participants",
            "headcount",
            "scenario",
            "rating",
            "evaluation",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class DrillViewSet(BaseModelViewSet):
    """Drills in the caller's scope. ``problems``: list them, or POST one — its follow-up task is created with it."""

    model = Drill
    serializer_class = DrillSerializer
    filterset_class = DrillFilterSet
    select_related = ("region",)
    ordering_fields = ["held_on", "title"]
    action_map = {**BaseModelViewSet.action_map, "problems": "view"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("participants")

    @extend_schema(methods=["GET"], responses=DrillProblemSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProblemCreateSerializer, responses={201: DrillProblemSerializer})
    @action(detail=True, methods=["get", "post"])
    def problems(self, request, pk=None):
        """The drill's problems with their follow-up task; POST records one and creates its task."""
        drill = self.get_object()
        if request.method == "GET":
            rows = drill.problems.filter(archived_at__isnull=True).select_related("task")
            return Response(DrillProblemSerializer(rows, many=True).data)
        if not (request.user.has_perm("plans.add_drillproblem") and request.user.has_perm("tasks.add_task")):
            self.permission_denied(request)
        payload = ProblemCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        try:
            problem = services.drill_problem_add(actor=request.user, drill=drill, **payload.validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        except OutOfScope as exc:
            raise serializers.ValidationError({"responsible_organization": [exc.message]}) from exc
        return Response(DrillProblemSerializer(problem).data, status=status.HTTP_201_CREATED)


router.register("contingency-plans", ContingencyPlanViewSet, basename="contingencyplan")
router.register("drills", DrillViewSet, basename="drill")
