from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, router
from safecity.core.masking import mask_phone
from safecity.geo.models import Region

from .filtersets import DepotFilterSet, EquipmentFilterSet, ExpertFilterSet, ReserveStandardFilterSet
from .models import Depot, Equipment, Expert, ReserveStandard, Specialty


class DepotSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = Depot
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "address",
            "latitude",
            "longitude",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class DepotViewSet(BaseModelViewSet):
    """Reserve depots in the caller's scope. Stock changes only through the pages' movement forms."""

    model = Depot
    serializer_class = DepotSerializer
    filterset_class = DepotFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]


class ReserveStandardSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = ReserveStandard
        fields = ["id", "item", "region", "minimum", "basis", "display", "created_at", "updated_at", "archived_at"]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class ReserveStandardViewSet(BaseModelViewSet):
    """Reserve standards (minimum stock of an item in a region) in the caller's scope."""

    model = ReserveStandard
    serializer_class = ReserveStandardSerializer
    filterset_class = ReserveStandardFilterSet
    select_related = ("region", "item")
    ordering_fields = ["region__code", "created_at"]


class EquipmentSerializer(BaseModelSerializer):
    class Meta:
        model = Equipment
        fields = [
            "id",
            "name",
            "model",
            "serial_number",
            "depot",
            "condition",
            "commissioned_on",
            "last_maintained_on",
            "maintenance_interval_days",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class EquipmentViewSet(BaseModelViewSet):
    """Equipment in the depots of the caller's scope."""

    model = Equipment
    serializer_class = EquipmentSerializer
    filterset_class = EquipmentFilterSet
    select_related = ("depot__region",)
    ordering_fields = ["name", "created_at"]


class ExpertSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    specialties = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Specialty.objects.all(), help_text="Specialty codes."
    )

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "specialties",
            "title",
            "employer",
            "source",
            "availability",
            "region",
            "phone",
            "certificates",
            "certificates_expire_on",
            "notes",
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


class ExpertViewSet(BaseModelViewSet):
    """The expert pool in the caller's scope; filter by ``specialty`` and ``region``. Phones are masked."""

    model = Expert
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("specialties")


router.register("depots", DepotViewSet, basename="depot")
router.register("reserve-standards", ReserveStandardViewSet, basename="reservestandard")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("experts", ExpertViewSet, basename="expert")
