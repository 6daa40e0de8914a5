"""The vessel register in the API: scoped, owner phones masked, writes through ``object_save``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, router
from safecity.core.masking import mask_phone
from safecity.core.validators import normalize_phone
from safecity.geo.models import Region

from .filtersets import VesselFilterSet
from .models import Vessel


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


router.register("vessels", VesselViewSet, basename="vessel")
