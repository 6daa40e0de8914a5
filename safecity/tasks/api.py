from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
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
from safecity.orgs.models import Organization

from . import services
from .filtersets import TaskFilterSet
from .models import Task, TaskFeedback
from .sources import source_label


class TaskSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The responsible unit's region code."
    )
    overdue = serializers.SerializerMethodField(help_text="Unfinished and past the deadline.")
    source = serializers.SerializerMethodField(help_text="What produced the task: kind, id and title.")

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "detail",
            "priority",
            "responsible_organization",
            "responsible_person",
            "supervisor",
            "deadline",
            "region",
            "status",
            "overdue",
            "progress",
            "source",
            "started_at",
            "completed_at",
            "completed_by",
            "result",
            "evidence",
            "cancelled_at",
            "cancel_reason",
            "reopened_count",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "status",
            "progress",
            "started_at",
            "completed_at",
            "completed_by",
            "result",
            "evidence",
            "cancelled_at",
            "cancel_reason",
            "reopened_count",
            "created_at",
            "updated_at",
            "archived_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_source(self, obj) -> dict | None:
        if obj.source_type_id is None:
            return None
        return {
            "kind": f"{obj.source_type.app_label}.{obj.source_type.model}",
            "label": str(source_label(obj.source_type)),
            "id": obj.source_id,
        }

    def create(self, validated_data):
        task = Task(**validated_data)
        try:
            return services.task_create(actor=self._actor(), task=task)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        except OutOfScope as exc:
            raise serializers.ValidationError({"responsible_organization": [exc.message]}) from exc

    def update(self, instance, validated_data):
        # Responsibility and deadline change through the ``assign`` action (history + notification).
        for name in ("responsible_organization", "responsible_person", "deadline"):
            if name in validated_data and validated_data[name] != getattr(instance, name):
                raise serializers.ValidationError({name: ["Change it with the assign action."]})
        return super().update(instance, validated_data)


class TaskAssignSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    responsible_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    deadline = serializers.DateField(required=False, allow_null=True)


class TaskProgressSerializer(serializers.Serializer):
    text = serializers.CharField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class TaskCompleteSerializer(serializers.Serializer):
    result = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class TaskReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TaskFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskFeedback
        fields = ["id", "author", "text", "percent", "created_at"]


class TaskViewSet(BaseModelViewSet):
    """Tasks in the caller's scope (a task belongs to its responsible unit's region).

    POST creates an open task (the responsible person is notified). The status moves only by the
    step actions; a refused step is 400 with the reason (403 when the caller's side may not take it,
    see ``safecity.tasks.rules.STEP_SIDES``) and changes nothing.
    """

    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    select_related = ("region", "source_type")
    ordering_fields = ["deadline", "priority", "created_at"]
    action_map = {
        **BaseModelViewSet.action_map,
        "assign": "change",
        "start": "change",
        "feedback": "change",
        "complete": "change",
        "cancel": "change",
        "reopen": "change",
        "timeline": "view",
    }

    def perform_update(self, serializer):
        self._require_side(serializer.instance, "edit")
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self._require_side(instance, "archive")
        super().perform_destroy(instance)

    def _require_side(self, task, step: str) -> None:
        try:
            services.require_side(self.request.user, task, step)
        except services.StepRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc

    def _step(self, request, run, serializer_class=None):
        task = self.get_object()
        try:  # the caller's side first: 403 with the reason, whatever the payload
            services.require_side(request.user, task, self.action)
        except services.StepRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        data = {}
        if serializer_class is not None:
            payload = serializer_class(data=request.data, context=self.get_serializer_context())
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
        try:
            run(actor=request.user, task=task, **data)
        except services.StepRefused as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        except OutOfScope as exc:
            raise serializers.ValidationError({"non_field_errors": [exc.message]}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=TaskAssignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """(Re-)assign: responsible unit, person, new deadline."""
        return self._step(request, services.task_assign, TaskAssignSerializer)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start work (open → in progress)."""
        return self._step(request, services.task_start)

    @extend_schema(request=TaskProgressSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """Report progress (text and percent)."""
        return self._step(request, services.task_feedback, TaskProgressSerializer)

    @extend_schema(request=TaskCompleteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Report the task done; the result is required."""
        return self._step(request, services.task_complete, TaskCompleteSerializer)

    @extend_schema(request=TaskReasonSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel with a reason."""
        return self._step(request, services.task_cancel, TaskReasonSerializer)

    @extend_schema(request=TaskReasonSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Re-open a done or cancelled task, with a reason."""
        return self._step(request, services.task_reopen, TaskReasonSerializer)

    @extend_schema(responses=TaskFeedbackSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """The task's progress reports, oldest first."""
        task = self.get_object()
        return Response(TaskFeedbackSerializer(task.feedback.all(), many=True).data)


router.register("tasks", TaskViewSet, basename="task")
