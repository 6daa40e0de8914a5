"""The vessel register in the API (scoped, owner phones masked, writes through ``object_save``), and typhoon
responses: their figures, and the vessels' checks recorded from a phone app or another system."""

from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from safecity.core.api import (
    BaseModelSerializer,
    BaseModelViewSet,
    ScopedRelatedFieldsMixin,
    drf_validation_error,
    router,
)
from safecity.core.exceptions import OutOfScope
from safecity.core.masking import mask_phone
from safecity.core.validators import normalize_phone
from safecity.geo.models import Region

from . import selectors, services
from .choices import Position
from .filtersets import TyphoonResponseFilterSet, VesselFilterSet
from .models import TyphoonResponse, Vessel, VesselCheck


class VesselSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="Region code of the town or village."
    )

    class Meta:
        model = Vessel
        fields = [
            "id",
            "name",
            "registration_number",
            "kind",
            "region",
            "home_port",
            "length_m",
            "crew_count",
            "owner_name",
            "owner_phone",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]
        # Uniqueness among vessels not archived is the model's conditional constraint, checked when saving.
        validators = []
        extra_kwargs = {"registration_number": {"validators": []}}

    def validate_owner_phone(self, value):
        try:
            return normalize_phone(value) if value else value
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["owner_phone"] = mask_phone(data.get("owner_phone"))
        return data


class VesselViewSet(BaseModelViewSet):
    """Vessels in the caller's scope; owners' phones are masked."""

    model = Vessel
    serializer_class = VesselSerializer
    filterset_class = VesselFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "registration_number", "region__code", "created_at"]


class TyphoonResponseSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Region code.")

    class Meta:
        model = TyphoonResponse
        fields = [
            "id",
            "title",
            "warning",
            "region",
            "started_at",
            "port_deadline",
            "ashore_deadline",
            "ended_at",
            "archived_at",
        ]
        read_only_fields = fields


class SummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    in_port = serializers.IntegerField()
    sheltering = serializers.IntegerField()
    not_out = serializers.IntegerField()
    at_sea = serializers.IntegerField()
    unchecked = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Not in port after the port deadline.")
    crew_not_ashore = serializers.IntegerField(help_text="Crew not confirmed ashore after the ashore deadline.")


class TyphoonResponseDetailSerializer(TyphoonResponseSerializer):
    summary = serializers.SerializerMethodField(help_text="The figures for the vessels the caller sees.")

    class Meta(TyphoonResponseSerializer.Meta):
        fields = [*TyphoonResponseSerializer.Meta.fields, "summary"]
        read_only_fields = fields

    @extend_schema_field(SummarySerializer)
    def get_summary(self, obj) -> dict:
        return asdict(selectors.response_summary(obj, self.context["request"].user))


class VesselCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = VesselCheck
        fields = ["vessel", "status", "crew_ashore", "note", "checked_at", "checked_by"]
        read_only_fields = fields


class VesselCheckInSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    """A check; the vessel among those the caller sees (another county's is "does not exist", as a 404 would be)."""

    vessel = serializers.PrimaryKeyRelatedField(queryset=Vessel.objects.all())
    status = serializers.ChoiceField(choices=Position.choices)
    crew_ashore = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    checked_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Empty: now.")


class TyphoonResponseViewSet(BaseModelViewSet):
    """Typhoon responses reaching the caller's area; one response's figures; its vessels' checks (GET the current
    ones, POST one — refused with field errors, nothing written, as on the page)."""

    model = TyphoonResponse
    serializer_class = TyphoonResponseSerializer
    filterset_class = TyphoonResponseFilterSet
    select_related = ("region",)
    http_method_names = ["get", "post", "head", "options"]
    action_map = {**BaseModelViewSet.action_map, "checks": "view"}

    def get_serializer_class(self):
        return TyphoonResponseDetailSerializer if self.action == "retrieve" else TyphoonResponseSerializer

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        """Responses are started on the page (deadlines from the warning's colour); POST is for ``checks``."""
        raise MethodNotAllowed(request.method)

    @extend_schema(methods=["GET"], responses=VesselCheckSerializer(many=True))
    @extend_schema(methods=["POST"], request=VesselCheckInSerializer, responses={201: VesselCheckSerializer})
    @action(detail=True, methods=["get", "post"])
    def checks(self, request, pk=None):
        response = self.get_object()
        if request.method == "GET":
            visible = selectors.vessels_of(response, request.user).values("pk")
            rows = VesselCheck.objects.filter(response=response, vessel__in=visible).order_by("vessel_id")
            return Response(VesselCheckSerializer(rows, many=True).data)
        if not (
            request.user.has_perm("typhoon.add_vesselcheck") and request.user.has_perm("typhoon.change_vesselcheck")
        ):
            self.permission_denied(request)
        payload = VesselCheckInSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        try:
            check = services.vessel_check(actor=request.user, response=response, **payload.validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        except OutOfScope as exc:
            raise serializers.ValidationError({"vessel": [exc.message]}) from exc
        return Response(VesselCheckSerializer(check).data, status=status.HTTP_201_CREATED)


router.register("vessels", VesselViewSet, basename="vessel")
router.register("typhoon-responses", TyphoonResponseViewSet, basename="typhoonresponse")
