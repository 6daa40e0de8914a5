from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, router

from . import codes
from .choices import RegionLevel
from .filtersets import RegionFilterSet
from .models import Region


class RegionSerializer(BaseModelSerializer):
    level = serializers.SerializerMethodField(help_text="province, city, county, town, village or grid")
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="Parent region code; found from the code when omitted.",
    )

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "prefix",
            "name",
            "level",
            "level_display",
            "parent",
            "population",
            "latitude",
            "longitude",
            "boundary",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["prefix", "created_at", "updated_at", "archived_at"]

    def validate_code(self, value):
        try:
            code = codes.normalize_code(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        parent = codes.parent_code(code)
        request = self.context.get("request")
        if parent and codes.level_of(code) > RegionLevel.CITY:
            visible = Region.objects.restrict(request.user, "view").filter(code=parent).exists()
            if not visible:
                raise serializers.ValidationError(
                    _("The parent region %(parent)s does not exist or is outside your area.") % {"parent": parent}
                )
        return code

    @extend_schema_field(serializers.ChoiceField(choices=[lv.name.lower() for lv in RegionLevel]))
    def get_level(self, obj) -> str:
        return RegionLevel(obj.level).name.lower()


class RegionViewSet(BaseModelViewSet):
    """Regions and grids in the caller's scope. ``?level=county``, ``?within=<id>``, ``?q=<name or code>``."""

    model = Region
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    select_related = ("parent",)
    ordering_fields = ["code", "name", "population"]


router.register("regions", RegionViewSet, basename="region")
