"""The duty API: posts (with ``coverage`` and ``on-duty``), shifts, swaps, the duty log and handovers.

Every list is scoped to the caller's regions; swaps and handovers are created, decided and
acknowledged through :mod:`safecity.duty.services`, like on the pages.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.accounts.models import User
from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_phone
from safecity.core.services import object_save
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import services
from .choices import SwapStatus
from .filtersets import DutyLogEntryFilterSet, DutyPostFilterSet, HandoverFilterSet, ShiftFilterSet, ShiftSwapFilterSet
from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap
from .roster import person_label
from .selectors import coverage, duty_day_of, month_period, on_duty
from .views import parse_month


class DutyPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _users(**kwargs):
    """A user reference limited to the caller's scope (declared: DRF's default is a manager, which is not scoped)."""
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), **kwargs)


def _posts():
    return serializers.PrimaryKeyRelatedField(queryset=DutyPost.objects.all())


def _person(user) -> dict | None:
    return {"id": user.pk, "name": person_label(user)} if user is not None else None


# ---- duty posts ------------------------------------------------------------------------------------


class DutyPostSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DutyPost
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "organization",
            "phone",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    minutes = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    """Hours without a duty officer and duty days without a leader on shift."""

    post = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    ok = serializers.BooleanField()
    uncovered = IntervalSerializer(many=True)
    uncovered_minutes = serializers.IntegerField()
    days_without_leader = serializers.ListField(child=serializers.DateField())


class OnDutySerializer(serializers.Serializer):
    """Who is on duty at a post at a moment; ``shift`` is null when nobody is."""

    post = serializers.IntegerField()
    at = serializers.DateTimeField()
    shift = serializers.IntegerField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    leader = DutyPersonSerializer(allow_null=True)
    officers = DutyPersonSerializer(many=True)
    phone = serializers.CharField()


def _moment(text: str | None) -> datetime | None:
    """An ISO date-time from a query parameter; a naive one is read in the city's time zone."""
    moment = parse_datetime(text or "")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


class DutyPostViewSet(BaseModelViewSet):
    """Duty posts in the caller's scope, with their roster coverage and who is on duty."""

    model = DutyPost
    serializer_class = DutyPostSerializer
    filterset_class = DutyPostFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]

    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="Month as YYYY-MM (default: this month)."),
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="Period start (with end, instead of month)."),
            OpenApiParameter("end", OpenApiTypes.DATETIME, description="Period end."),
        ],
        responses=CoverageSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def coverage(self, request, pk=None):
        """Every interval without a duty officer and every duty day without a leader on shift."""
        post = self.get_object()
        if request.query_params.get("start") or request.query_params.get("end"):
            start = _moment(request.query_params.get("start"))
            end = _moment(request.query_params.get("end"))
            if start is None or end is None or end <= start:
                raise serializers.ValidationError(
                    {"start": _("Give start and end as ISO date-times, end after start.")}
                )
        else:
            text = request.query_params.get("month")
            parsed = parse_month(text) if text else None
            if text and parsed is None:
                raise serializers.ValidationError({"month": _("Give the month as YYYY-MM, e.g. 2026-12.")})
            if parsed is None:
                today = duty_day_of(post, timezone.now())
                parsed = (today.year, today.month)
            start, end = month_period(post, *parsed)
        check = coverage(post, start, end)
        data = {
            "post": post.pk,
            "start": check.start,
            "end": check.end,
            "ok": check.ok,
            "uncovered": [{"start": a, "end": b, "minutes": _minutes(a, b)} for a, b in check.uncovered],
            "uncovered_minutes": int(check.uncovered_duration.total_seconds() // 60),
            "days_without_leader": check.days_without_leader,
        }
        return Response(CoverageSerializer(data).data)

    @extend_schema(
        parameters=[OpenApiParameter("at", OpenApiTypes.DATETIME, description="The moment (default: now).")],
        responses=OnDutySerializer,
    )
    @action(detail=True, methods=["get"], url_path="on-duty", filter_backends=[], pagination_class=None)
    def on_duty(self, request, pk=None):
        """Who is on duty at this post now (or at ``at``)."""
        post = self.get_object()
        at = None
        if request.query_params.get("at"):
            at = _moment(request.query_params["at"])
            if at is None:
                raise serializers.ValidationError({"at": _("Give the moment as an ISO date-time.")})
        now = on_duty(post, at)
        data = {
            "post": post.pk,
            "at": now.at,
            "shift": now.shift.pk if now.shift else None,
            "starts_at": now.shift.starts_at if now.shift else None,
            "ends_at": now.shift.ends_at if now.shift else None,
            "leader": _person(now.leader),
            "officers": [_person(o) for o in now.officers],
            "phone": now.phone,
        }
        return Response(OnDutySerializer(data).data)


# ---- shifts ----------------------------------------------------------------------------------------


class ShiftSerializer(BaseModelSerializer):
    post = _posts()
    leader = _users(required=False, allow_null=True)
    officers = _users(many=True, required=False)
    leader_name = serializers.SerializerMethodField()
    officer_names = serializers.SerializerMethodField()

    class Meta:
        model = Shift
        fields = [
            "id",
            "post",
            "starts_at",
            "ends_at",
            "leader",
            "officers",
            "leader_name",
            "officer_names",
            "phone",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def get_leader_name(self, obj) -> str:
        return person_label(obj.leader)

    def get_officer_names(self, obj) -> list[str]:
        return [person_label(u) for u in obj.officers.all()]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        leader = attrs.get("leader", getattr(self.instance, "leader", None))
        officers = attrs.get("officers")
        if leader is not None and officers is not None and leader in officers:
            raise serializers.ValidationError(
                {"officers": _("The leader on shift is not also listed as a duty officer.")}
            )
        return attrs

    def _save(self, instance, validated_data):
        officers = validated_data.pop("officers", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        after = (lambda shift: shift.set_officers(officers)) if officers is not None else None
        try:
            return object_save(actor=self._actor(), instance=instance, after_save=after)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class ShiftViewSet(BaseModelViewSet):
    """Shifts (the duty roster) in the caller's scope."""

    model = Shift
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilterSet
    select_related = ("post", "leader")
    ordering_fields = ["starts_at", "ends_at", "created_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("officers")


# ---- swaps -----------------------------------------------------------------------------------------


class ShiftSwapSerializer(BaseModelSerializer):
    shift = serializers.PrimaryKeyRelatedField(queryset=Shift.objects.all())
    from_user = _users()
    to_user = _users()

    class Meta:
        model = ShiftSwap
        fields = [
            "id",
            "shift",
            "from_user",
            "to_user",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
            "updated_at",
            "archived_at",
        ]

    def create(self, validated_data):
        try:
            return services.swap_request(
                actor=self._actor(),
                shift=validated_data["shift"],
                from_user=validated_data["from_user"],
                to_user=validated_data["to_user"],
                reason=validated_data.get("reason", ""),
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        if instance.status != SwapStatus.REQUESTED:
            raise serializers.ValidationError(_("This swap has been decided and can no longer be changed."))
        for name in ("shift", "from_user", "to_user"):
            if name in validated_data and validated_data[name] != getattr(instance, name):
                raise serializers.ValidationError({name: _("Ask for a new swap instead of changing this one.")})
        return self._save(instance, {"reason": validated_data.get("reason", instance.reason)})


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ShiftSwapViewSet(BaseModelViewSet):
    """Shift swaps in the caller's scope; ``approve`` and ``reject`` for the leader on shift or HQ."""

    model = ShiftSwap
    serializer_class = ShiftSwapSerializer
    filterset_class = ShiftSwapFilterSet
    select_related = ("shift__post", "from_user", "to_user", "decided_by")
    ordering_fields = ["created_at", "decided_at"]

    def _decide(self, request, service):
        swap = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            swap = service(actor=request.user, swap=swap, note=decision.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(ShiftSwapSerializer(swap, context=self.get_serializer_context()).data)

    @extend_schema(request=DecisionSerializer, responses=ShiftSwapSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the shift is reassigned in the same transaction."""
        return self._decide(request, services.swap_approve)

    @extend_schema(request=DecisionSerializer, responses=ShiftSwapSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject: the shift stays as it is."""
        return self._decide(request, services.swap_reject)


# ---- duty log --------------------------------------------------------------------------------------


class DutyLogEntrySerializer(BaseModelSerializer):
    post = _posts()

    class Meta:
        model = DutyLogEntry
        fields = [
            "id",
            "post",
            "occurred_at",
            "place",
            "summary",
            "details",
            "informed",
            "caller_unit",
            "caller_name",
            "caller_title",
            "caller_phone",
            "recorded_by",
            "recorded_at",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["recorded_by", "recorded_at", "created_at", "updated_at", "archived_at"]

    def create(self, validated_data):
        return self._save(DutyLogEntry(recorded_by=self._actor()), validated_data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["caller_phone"] = mask_phone(data.get("caller_phone"))
        return data


class DutyLogEntryViewSet(BaseModelViewSet):
    """The duty log in the caller's scope. Callers' phones are masked."""

    model = DutyLogEntry
    serializer_class = DutyLogEntrySerializer
    filterset_class = DutyLogEntryFilterSet
    select_related = ("post",)
    ordering_fields = ["occurred_at", "recorded_at"]


# ---- handovers -------------------------------------------------------------------------------------


class HandoverSerializer(BaseModelSerializer):
    post = _posts()
    outgoing = _users()
    incoming = _users()

    class Meta:
        model = Handover
        fields = [
            "id",
            "post",
            "outgoing",
            "incoming",
            "open_matters",
            "handed_over_at",
            "acknowledged_at",
            "acknowledged_by",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["acknowledged_at", "acknowledged_by", "created_at", "updated_at", "archived_at"]

    def create(self, validated_data):
        try:
            return services.handover_create(actor=self._actor(), **validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        if instance.acknowledged_at is not None:
            raise serializers.ValidationError(_("This handover has been acknowledged and can no longer be changed."))
        return super().update(instance, validated_data)


class HandoverViewSet(BaseModelViewSet):
    """Shift handovers in the caller's scope; ``acknowledge`` for the incoming officer."""

    model = Handover
    serializer_class = HandoverSerializer
    filterset_class = HandoverFilterSet
    select_related = ("post",)
    ordering_fields = ["handed_over_at", "acknowledged_at"]

    @extend_schema(request=None, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The incoming officer acknowledges the open matters (nobody else can)."""
        handover = self.get_object()
        try:
            handover = services.handover_acknowledge(actor=request.user, handover=handover)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(HandoverSerializer(handover, context=self.get_serializer_context()).data)


router.register("duty-posts", DutyPostViewSet, basename="duty-post")
router.register("duty-shifts", ShiftViewSet, basename="duty-shift")
router.register("duty-shift-swaps", ShiftSwapViewSet, basename="duty-shift-swap")
router.register("duty-log-entries", DutyLogEntryViewSet, basename="duty-log-entry")
router.register("duty-handovers", HandoverViewSet, basename="duty-handover")
