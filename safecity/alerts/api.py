"""Warnings in the API (read), and the intake: POST a CAP message as its XML body to ``/api/cap-messages/``
(``Content-Type: application/cap+xml`` or ``application/xml``) — 201 with what it did, 200 for a message
already received, 400 with ``{"message": [reasons]}`` for one that cannot be used (nothing kept)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from safecity.core.api import BaseModelViewSet, drf_validation_error, router

from . import services
from .choices import Channel
from .filtersets import CapMessageFilterSet, WarningSignalFilterSet
from .models import CapMessage, WarningSignal


class CapParser(BaseParser):
    """The request body as bytes, exactly as sent (the message is kept byte for byte)."""

    media_type = "application/cap+xml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""


class XmlParser(CapParser):
    media_type = "application/xml"


class TextXmlParser(CapParser):
    media_type = "text/xml"


class WarningSignalSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Region code.")
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text="Region codes.")
    state = serializers.SerializerMethodField()

    class Meta:
        model = WarningSignal
        fields = [
            "id",
            "event",
            "kind",
            "colour",
            "state",
            "severity",
            "urgency",
            "certainty",
            "headline",
            "description",
            "instruction",
            "area_description",
            "region",
            "regions",
            "sender",
            "sender_name",
            "sent",
            "effective",
            "onset",
            "expires",
            "lifted_at",
            "exercise",
            "archived_at",
        ]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return obj.state()


class CapMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = CapMessage
        fields = [
            "id",
            "identifier",
            "sender",
            "sent",
            "cap_status",
            "msg_type",
            "references",
            "event",
            "area_description",
            "outcome",
            "signal",
            "notices",
            "signed",
            "channel",
            "digest",
            "created_at",
        ]
        read_only_fields = fields


class WarningSignalViewSet(BaseModelViewSet):
    """Warnings that reach the caller's area (``state=in_force`` for those in force now)."""

    model = WarningSignal
    serializer_class = WarningSignalSerializer
    filterset_class = WarningSignalFilterSet
    select_related = ("region",)
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("regions")


class CapMessageViewSet(BaseModelViewSet):
    """CAP messages as received. POST one as the request body (XML) to receive it."""

    model = CapMessage
    serializer_class = CapMessageSerializer
    filterset_class = CapMessageFilterSet
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [CapParser, XmlParser, TextXmlParser]  # the only writes are messages as XML bodies

    @extend_schema(
        request={"application/cap+xml": OpenApiTypes.BINARY, "application/xml": OpenApiTypes.BINARY},
        responses={
            201: CapMessageSerializer,
            200: OpenApiResponse(CapMessageSerializer, description="Received before; nothing changed."),
        },
    )
    def create(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, bytes) else b""
        try:
            result = services.receive(actor=request.user, data=data, channel=Channel.API)
        except PermissionDenied as exc:
            raise DrfPermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        code = status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED
        return Response(CapMessageSerializer(result.message).data, status=code)


router.register("warnings", WarningSignalViewSet, basename="warningsignal")
router.register("cap-messages", CapMessageViewSet, basename="capmessage")
