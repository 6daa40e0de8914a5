from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_id_number, mask_phone
from safecity.core.validators import normalize_id_number, normalize_phone
from safecity.geo.models import Region

from . import services
from .filtersets import DeploymentFilterSet, VolunteerFilterSet, VolunteerTeamFilterSet
from .models import Deployment, Skill, Volunteer, VolunteerTeam


class VolunteerSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    skills = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Skill.objects.all(), required=False, help_text="Skill codes."
    )
    consent = serializers.BooleanField(
        write_only=True, required=False, help_text="Required (true) when registering: the volunteer's consent."
    )

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "employer",
            "region",
            "address",
            "skills",
            "joined_on",
            "notes",
            "consent",
            "consent_at",
            "consent_version",
            "status",
            "status_reason",
            "status_since",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "consent_at",
            "consent_version",
            "status",
            "status_reason",
            "status_since",
            "created_at",
            "updated_at",
            "archived_at",
        ]

    def validate_id_number(self, value):
        try:
            return normalize_id_number(value) if value else value
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_phone(self, value):
        try:
            return normalize_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def create(self, validated_data):
        consent = validated_data.pop("consent", False)
        instance = Volunteer()
        try:
            services.give_consent(instance, consent=consent)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return self._save(instance, validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("consent", None)
        return self._save(instance, validated_data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = mask_id_number(data.get("id_number"))
        data["phone"] = mask_phone(data.get("phone"))
        return data


class VolunteerViewSet(BaseModelViewSet):
    """Registered volunteers in the caller's scope. Registering needs ``consent: true``; identity numbers and
    phones are masked; status changes only on the volunteer's page (with the reason)."""

    model = Volunteer
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "joined_on", "created_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("skills")


class VolunteerTeamSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = VolunteerTeam
        fields = [
            "id",
            "name",
            "specialty",
            "region",
            "contact_phone",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["contact_phone"] = mask_phone(data.get("contact_phone"))
        return data


class VolunteerTeamViewSet(BaseModelViewSet):
    """Volunteer teams in the caller's scope; members are managed on the team's page."""

    model = VolunteerTeam
    serializer_class = VolunteerTeamSerializer
    filterset_class = VolunteerTeamFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]


class DeploymentSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = Deployment
        fields = [
            "id",
            "title",
            "kind",
            "incident",
            "team",
            "starts_at",
            "ends_at",
            "region",
            "place",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class DeploymentViewSet(BaseModelViewSet):
    """Volunteer deployments in the caller's scope; volunteers and hours are recorded on the deployment's page."""

    model = Deployment
    serializer_class = DeploymentSerializer
    filterset_class = DeploymentFilterSet
    select_related = ("region", "team", "incident")
    ordering_fields = ["starts_at", "created_at"]


router.register("volunteers", VolunteerViewSet, basename="volunteer")
router.register("volunteer-teams", VolunteerTeamViewSet, basename="volunteerteam")
router.register("volunteer-deployments", DeploymentViewSet, basename="deployment")
