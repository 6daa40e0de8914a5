from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, router
from safecity.core.masking import mask_phone
from safecity.geo.models import Region

from .filtersets import OrganizationFilterSet
from .models import Organization

MASKED = ("phone", "contact_phone", "responsible_phone")


class OrganizationSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "sector",
            "parent",
            "credit_code",
            "region",
            "address",
            "phone",
            "contact_name",
            "contact_phone",
            "responsible_person",
            "responsible_phone",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in MASKED:
            data[name] = mask_phone(data.get(name))
        return data


class OrganizationViewSet(BaseModelViewSet):
    """Organizations in the caller's scope. Phones are masked."""

    model = Organization
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]


router.register("organizations", OrganizationViewSet, basename="organization")
