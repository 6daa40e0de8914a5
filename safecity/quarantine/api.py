"""API of quarantine facilities, beds and stays. Bed status and stays change only through the actions
(which call the services): a refused check-in is a 400 with the reason."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_id_number, mask_name, mask_phone
from safecity.epidemic.models import Person
from safecity.geo.models import Region

from . import selectors, services
from .choices import BedStatus, StayOutcome, StayReason
from .filtersets import FacilityFilterSet, FacilityStaffFilterSet, StayFilterSet
from .models import Bed, Facility, FacilityStaff, Stay


class FacilitySerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    beds = serializers.SerializerMethodField(help_text="Active beds by status, and the total.")

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "address",
            "latitude",
            "longitude",
            "manager",
            "manager_phone",
            "status",
            "status_reason",
            "designed_capacity",
            "notes",
            "beds",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["status", "status_reason", "created_at", "updated_at", "archived_at"]

    def get_beds(self, obj) -> dict:
        counts = self.context.get("bed_counts")
        if counts is None:
            counts = selectors.bed_counts_by_facility([obj.pk])
        return dict(counts[obj.pk])

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["manager_phone"] = mask_phone(data.get("manager_phone"))
        return data


class FacilityStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Facility._meta.get_field("status").choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FacilityViewSet(BaseModelViewSet):
    """Quarantine facilities in the caller's scope, with their beds by status. ``status`` changes through
    the ``set-status`` action."""

    model = Facility
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]
    action_map = {**BaseModelViewSet.action_map, "set_status": "change"}

    def perform_destroy(self, instance):
        try:
            services.facility_archive(actor=self.request.user, facility=instance)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = {
            **self.get_serializer_context(),
            "bed_counts": selectors.bed_counts_by_facility([f.pk for f in rows]),
        }
        data = FacilitySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=FacilityStatusSerializer, responses=FacilitySerializer)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        facility = self.get_object()
        payload = FacilityStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            facility = services.facility_set_status(actor=request.user, facility=facility, **payload.validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(facility).data)


class BedSerializer(BaseModelSerializer):
    facility = serializers.IntegerField(source="room.facility_id", read_only=True)
    room = serializers.CharField(source="room.number", read_only=True)
    floor = serializers.IntegerField(source="room.floor", read_only=True)
    room_type = serializers.CharField(source="room.room_type", read_only=True)

    class Meta:
        model = Bed
        fields = ["id", "facility", "room", "floor", "room_type", "label", "status", "display", "archived_at"]
        read_only_fields = fields


class BedStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in BedStatus.choices if c[0] != BedStatus.OCCUPIED])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class BedViewSet(BaseModelViewSet):
    """Beds of the facilities in the caller's scope (filter with ``?facility=`` and ``?status=``).
    Read-only: the status changes through ``set-status`` and ``cleaned``; occupied only by check-in."""

    model = Bed
    serializer_class = BedSerializer
    select_related = ("room",)
    http_method_names = ["get", "post", "head", "options"]
    action_map = {**BaseModelViewSet.action_map, "set_status": "change", "cleaned": "change"}

    def get_queryset(self):
        queryset = super().get_queryset().filter(archived_at__isnull=True)
        facility = self.request.query_params.get("facility")
        if facility and facility.isdigit():
            queryset = queryset.filter(room__facility_id=int(facility))
        wanted = self.request.query_params.get("status")
        if wanted in BedStatus.values:
            queryset = queryset.filter(status=wanted)
        return queryset.order_by("room__facility_id", "room__floor", "room__number", "label")

    def create(self, request, *args, **kwargs):
        return Response(
            {"detail": "Beds are added with rooms on the facility page."}, status=status.HTTP_405_METHOD_NOT_ALLOWED
        )

    def _run(self, request, run, **kwargs):
        bed = self.get_object()
        try:
            bed = run(actor=request.user, bed=bed, **kwargs)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(BedSerializer(bed, context=self.get_serializer_context()).data)

    @extend_schema(request=BedStatusSerializer, responses=BedSerializer)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        payload = BedStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._run(request, services.bed_set_status, **payload.validated_data)

    @extend_schema(request=None, responses=BedSerializer)
    @action(detail=True, methods=["post"])
    def cleaned(self, request, pk=None):
        """The bed has been cleaned and disinfected: cleaning → ready."""
        return self._run(request, services.bed_cleaned)


class FacilityStaffSerializer(BaseModelSerializer):
    class Meta:
        model = FacilityStaff
        fields = [
            "id",
            "facility",
            "name",
            "role",
            "phone",
            "trained_on",
            "certificate",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = mask_phone(data.get("phone"))
        return data


class FacilityStaffViewSet(BaseModelViewSet):
    """Staff of the facilities in the caller's scope. Phones are masked."""

    model = FacilityStaff
    serializer_class = FacilityStaffSerializer
    filterset_class = FacilityStaffFilterSet
    select_related = ("facility",)
    ordering_fields = ["name", "role", "trained_on"]


class StaySerializer(BaseModelSerializer):
    """A stay. POST checks a person in (``person``, ``facility``, optional ``bed``, ``planned_check_out``)."""

    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    person_name = serializers.SerializerMethodField(help_text="Masked.")
    person_id_number = serializers.SerializerMethodField(help_text="Masked.")
    bed = serializers.PrimaryKeyRelatedField(queryset=Bed.objects.all(), required=False, allow_null=True)
    checked_in_at = serializers.DateTimeField(required=False)
    reason = serializers.ChoiceField(choices=StayReason.choices, default=StayReason.CLOSE_CONTACT)

    class Meta:
        model = Stay
        fields = [
            "id",
            "person",
            "person_name",
            "person_id_number",
            "facility",
            "bed",
            "plan",
            "reason",
            "checked_in_at",
            "planned_check_out",
            "checked_out_at",
            "outcome",
            "note",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["checked_out_at", "outcome", "created_at", "updated_at", "archived_at"]
        # The open-stay constraints are checked by the check-in service (with its clear message) and the database.
        validators = []

    def get_person_name(self, obj) -> str:
        return mask_name(obj.person.name)

    def get_person_id_number(self, obj) -> str:
        return mask_id_number(obj.person.id_number)

    def get_display(self, obj) -> str:
        return f"{mask_name(obj.person.name)} · {obj.facility} {obj.bed}"

    def create(self, validated_data):
        try:
            return services.check_in(
                actor=self._actor(),
                person=validated_data["person"],
                facility=validated_data["facility"],
                bed=validated_data.get("bed"),
                plan=validated_data.get("plan"),
                at=validated_data.get("checked_in_at"),
                planned_check_out=validated_data.get("planned_check_out"),
                reason=validated_data.get("reason", StayReason.CLOSE_CONTACT),
                note=validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        # Only what the page lets correct: planned check-out, reason, note.
        allowed = {k: v for k, v in validated_data.items() if k in ("planned_check_out", "reason", "note")}
        return self._save(instance, allowed)


class CheckOutSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=StayOutcome.choices, default=StayOutcome.COMPLETED)
    checked_out_at = serializers.DateTimeField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StayViewSet(BaseModelViewSet):
    """Quarantine stays in the caller's scope (``?current=true`` for those checked in now).

    POST is a check-in (refused with 400 and the reason: facility full or suspended, person already
    checked in, bed not ready); ``check-out`` closes a stay; DELETE cancels a stay recorded in error."""

    model = Stay
    serializer_class = StaySerializer
    filterset_class = StayFilterSet
    select_related = ("person", "facility", "bed__room")
    ordering_fields = ["checked_in_at", "planned_check_out"]
    action_map = {**BaseModelViewSet.action_map, "check_out": "change"}

    def perform_destroy(self, instance):
        try:
            services.stay_cancel(actor=self.request.user, stay=instance)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    @extend_schema(request=CheckOutSerializer, responses=StaySerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        stay = self.get_object()
        payload = CheckOutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        try:
            stay = services.check_out(
                actor=request.user,
                stay=stay,
                at=values.get("checked_out_at"),
                outcome=values["outcome"],
                note=values.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=stay.pk)).data)


router.register("quarantine-facilities", FacilityViewSet, basename="quarantine-facility")
router.register("quarantine-beds", BedViewSet, basename="quarantine-bed")
router.register("quarantine-staff", FacilityStaffViewSet, basename="quarantine-staff")
router.register("quarantine-stays", StayViewSet, basename="quarantine-stay")
