from rest_framework import serializers

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, router
from safecity.core.masking import mask_id_number, mask_phone
from safecity.geo.models import Region

from .choices import HolderKind
from .filtersets import CertificateFilterSet, CourseFilterSet
from .models import Certificate, Course, Topic


class CourseSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    topic = serializers.SlugRelatedField(slug_field="code", queryset=Topic.objects.all(), help_text="Topic code.")

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "topic",
            "organiser",
            "region",
            "starts_on",
            "ends_on",
            "hours",
            "place",
            "issues_certificate",
            "validity_months",
            "issuing_body",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class CourseViewSet(BaseModelViewSet):
    """Training courses in the caller's scope; attendees and results are recorded on the course's page."""

    model = Course
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    select_related = ("region", "topic")
    ordering_fields = ["starts_on", "created_at"]


class CertificateSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="Region code; only for another person (others follow the holder).",
    )
    topic = serializers.SlugRelatedField(slug_field="code", queryset=Topic.objects.all(), help_text="Topic code.")
    status = serializers.SerializerMethodField(help_text="valid, expiring or expired (derived from expires_on).")
    holder_name = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "holder_kind",
            "volunteer",
            "expert",
            "team_member",
            "person_name",
            "person_id_number",
            "person_phone",
            "holder_name",
            "region",
            "topic",
            "course",
            "issued_on",
            "expires_on",
            "status",
            "issuing_body",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def get_status(self, obj) -> str:
        return obj.status

    def get_holder_name(self, obj) -> str:
        return obj.holder_name

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("holder_kind", getattr(self.instance, "holder_kind", None))
        holder = {
            HolderKind.VOLUNTEER: attrs.get("volunteer"),
            HolderKind.EXPERT: attrs.get("expert"),
            HolderKind.TEAM_MEMBER: attrs.get("team_member"),
        }.get(kind)
        if holder is not None:
            attrs["region"] = holder.team.region if kind == HolderKind.TEAM_MEMBER else holder.region
        elif kind == HolderKind.PERSON and not attrs.get("region") and self.instance is None:
            raise serializers.ValidationError({"region": ["Give the region that keeps this person's certificate."]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["person_id_number"] = mask_id_number(data.get("person_id_number"))
        data["person_phone"] = mask_phone(data.get("person_phone"))
        return data


class CertificateViewSet(BaseModelViewSet):
    """Certificates in the caller's scope (who is trained); filter by ``topic``, ``holder_kind``,
    ``certificate_status`` and ``region``. Identity numbers and phones are masked."""

    model = Certificate
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    select_related = ("region", "topic", "volunteer", "expert", "team_member__team")
    ordering_fields = ["expires_on", "issued_on", "created_at"]


router.register("courses", CourseViewSet, basename="course")
router.register("certificates", CertificateViewSet, basename="certificate")
