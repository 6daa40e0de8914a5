from rest_framework import serializers

from safecity.core.api import BaseModelViewSet, ScopedRelatedFieldsMixin, router
from safecity.core.masking import mask_id_number, mask_phone

from .filtersets import UserFilterSet
from .models import User


class UserSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    """Users are read-only through the API; they are managed on the users page."""

    roles = serializers.SerializerMethodField()
    scopes = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "title",
            "phone",
            "id_number",
            "email",
            "department",
            "roles",
            "scopes",
            "is_active",
        ]

    def get_roles(self, obj) -> list[str]:
        return [g.name for g in obj.groups.all()]

    def get_scopes(self, obj) -> list[str]:
        return [s.region.code for s in obj.scopes.all()]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class UserViewSet(BaseModelViewSet):
    """Users in the caller's scope (read-only; phones and ID numbers masked)."""

    model = User
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["username", "full_name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("groups", "scopes__region")


router.register("users", UserViewSet, basename="user")
