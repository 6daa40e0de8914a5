"""The epidemic API: persons (identity numbers and phones masked), cases, exposure sites, exposures
(created through ``exposure_record``: chains and contacts follow), contacts of a case, transmission
chains and the chain graph (the JSON the chain page draws).

Every read is scoped (another county's record is a 404). Writes with consequences go through the
services; their refusals come back as 400 with field errors and write nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import BaseModelSerializer, BaseModelViewSet, drf_validation_error, router
from safecity.core.masking import mask_id_number, mask_phone
from safecity.geo.models import Region

from . import rules, selectors, services
from .filtersets import CaseFilterSet, ClusterFilterSet, ExposureFilterSet, ExposureSiteFilterSet, PersonFilterSet
from .models import Case, Cluster, Contact, Disease, Exposure, ExposureSite, Person

_BASE = ["display", "created_at", "updated_at", "archived_at"]


class PersonSerializer(BaseModelSerializer):
    """A person of the index. ``id_number`` and ``phone`` are written in full and always read masked
    (the full view is a logged action of the page)."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "sex",
            "birth_date",
            "region",
            "address",
            "cluster",
            "merged_into",
            "notes",
            *_BASE,
        ]
        read_only_fields = ["sex", "birth_date", "cluster", "merged_into", "created_at", "updated_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = mask_id_number(instance.id_number)
        data["phone"] = mask_phone(instance.phone)
        return data

    def create(self, validated_data):
        try:
            person, _created = services.person_find_or_create(actor=self._actor(), **validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return person

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            if field in ("id_number", "phone") and not value:
                continue
            setattr(instance, field, value)
        try:
            return services.person_save(actor=self._actor(), person=instance)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class PersonViewSet(BaseModelViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    select_related = ("region",)


class CaseSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="Managing region code."
    )
    disease = serializers.SlugRelatedField(slug_field="code", queryset=Disease.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    cluster = serializers.IntegerField(source="person.cluster_id", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "person",
            "person_name",
            "disease",
            "protocol",
            "classification",
            "source",
            "region",
            "place",
            "onset_at",
            "sampled_at",
            "detected_at",
            "reported_at",
            "isolated_at",
            "treated_at",
            "outcome",
            "outcome_at",
            "closed_at",
            "cluster",
            "notes",
            *_BASE,
        ]
        read_only_fields = [
            "number",
            "protocol",
            "outcome",
            "outcome_at",
            "closed_at",
            "created_at",
            "updated_at",
            "archived_at",
        ]

    def create(self, validated_data):
        try:
            return services.case_create(actor=self._actor(), **validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        fixed = {"person", "disease", "classification"} & set(validated_data)
        changed = {f for f in fixed if getattr(instance, f) != validated_data[f]}
        if changed:
            raise serializers.ValidationError(
                {f: ["Fixed after the case is recorded (classification: use the classify action)."] for f in changed}
            )
        times = {f: validated_data[f] for f in services._CASE_TIMES if f in validated_data}
        try:
            return services.case_edit(
                actor=self._actor(),
                case=instance,
                source=validated_data.get("source", instance.source),
                region=validated_data.get("region", instance.region),
                place=validated_data.get("place", instance.place),
                notes=validated_data.get("notes", instance.notes),
                **times,
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class ContactSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    via_person = serializers.IntegerField(source="via.person_id", read_only=True, allow_null=True)
    shared_site = serializers.SerializerMethodField(help_text="The site where they were exposed together, if any.")

    def get_shared_site(self, obj) -> str | None:
        return getattr(obj, "shared_site", None)

    class Meta:
        model = Contact
        fields = [
            "id",
            "person",
            "person_name",
            "case",
            "contact_class",
            "degree",
            "via",
            "via_person",
            "shared_site",
            "protocol",
            "first_exposed_on",
            "last_exposed_on",
            "determined_at",
            "controlled_at",
        ]
        read_only_fields = fields


class ClassifySerializer(serializers.Serializer):
    classification = serializers.CharField()
    reason = serializers.CharField(max_length=100)


class CaseViewSet(BaseModelViewSet):
    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    select_related = ("person", "disease", "region")

    def perform_destroy(self, instance):
        services.case_archive(actor=self.request.user, case=instance)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "depth",
                int,
                description="1: close contacts; 2: and secondary; more: through contacts who became cases.",
            )
        ],
        responses=ContactSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def contacts(self, request, pk=None):
        """The case's contacts (indexed reads of the computed contact rows), scoped to the caller."""
        case = self.get_object()
        try:
            depth = int(request.query_params.get("depth", 2))
        except ValueError:
            raise serializers.ValidationError({"depth": ["A whole number."]}) from None
        rows = selectors.contacts_of_case(case, depth=depth, user=request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(request=ClassifySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        """Change the classification, with the reason kept in the case's history."""
        case = self.get_object()
        body = ClassifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            case = services.case_classify(actor=request.user, case=case, **body.validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(CaseSerializer(case, context={"request": request}).data)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("contacts", "classify"):
            return queryset.model._default_manager.restrict(
                self.request.user, "change" if self.action == "classify" else "view"
            )
        return queryset


class ExposureSiteSerializer(BaseModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")

    class Meta:
        model = ExposureSite
        fields = [
            "id",
            "kind",
            "name",
            "address",
            "started_at",
            "ended_at",
            "region",
            "latitude",
            "longitude",
            "notes",
            *_BASE,
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class ExposureSiteViewSet(BaseModelViewSet):
    model = ExposureSite
    serializer_class = ExposureSiteSerializer
    filterset_class = ExposureSiteFilterSet
    select_related = ("region",)


class ExposureSerializer(BaseModelSerializer):
    """An exposure; creating one runs ``exposure_record`` (chains joined, contacts computed)."""

    source_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(merged_into__isnull=True), required=False, allow_null=True
    )

    class Meta:
        model = Exposure
        fields = [
            "id",
            "person",
            "source_person",
            "source_site",
            "exposed_on",
            "last_exposed_on",
            "setting",
            "proximity",
            "source",
            "note",
            *_BASE,
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]

    def get_fields(self):
        fields = super().get_fields()
        # The source may live in another county (a case there): any current person, not only the caller's.
        fields["source_person"].queryset = Person.objects.filter(merged_into__isnull=True, archived_at__isnull=True)
        return fields

    def create(self, validated_data):
        try:
            return services.exposure_record(actor=self._actor(), **validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def update(self, instance, validated_data):
        for end in ("person", "source_person", "source_site"):
            if end in validated_data and validated_data.pop(end) != getattr(instance, end):
                raise serializers.ValidationError(
                    {end: ["An exposure's ends are fixed; archive it and record another."]}
                )
        try:
            return services.exposure_update(actor=self._actor(), exposure=instance, **validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class ExposureViewSet(BaseModelViewSet):
    model = Exposure
    serializer_class = ExposureSerializer
    filterset_class = ExposureFilterSet
    select_related = ("person", "source_person", "source_site")

    def perform_destroy(self, instance):
        services.exposure_archive(actor=self.request.user, exposure=instance)


class ClusterSerializer(BaseModelSerializer):
    disease = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Cluster
        fields = [
            "id",
            "code",
            "name",
            "disease",
            "size",
            "case_count",
            "first_onset",
            "latest_onset",
            "is_active",
            "region",
            "merged_into",
            "notes",
            *_BASE,
        ]
        read_only_fields = [f for f in fields if f not in ("name", "notes")]


class ClusterViewSet(BaseModelViewSet):
    """Transmission chains are made by the graph: read them, name them; ``graph`` is the chain view's JSON."""

    model = Cluster
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    select_related = ("disease", "region")
    http_method_names = ["get", "patch", "put", "head", "options"]

    def get_queryset(self):
        return selectors.with_activity(super().get_queryset())

    @extend_schema(
        parameters=[
            OpenApiParameter("limit", int, description=f"Nodes drawn one by one (default {rules.GRAPH_NODE_LIMIT})."),
            OpenApiParameter("classes", str, description="Comma-separated: case, close, secondary, other, site."),
            OpenApiParameter("gen_min", int),
            OpenApiParameter("gen_max", int),
            OpenApiParameter("town", str, description="12-digit town code."),
        ],
        responses=dict,
    )
    @action(detail=True, methods=["get"])
    def graph(self, request, pk=None):
        """The chain as a laid-out graph: generations left to right, cases and contacts, aggregated
        count nodes beyond the limit, persons outside the caller's area without name."""
        cluster = self.get_object()
        params = request.query_params

        def as_int(name):
            try:
                return int(params[name])
            except (KeyError, ValueError):
                return None

        classes = {c for c in params.get("classes", "").split(",") if c in selectors.NODE_CLASSES}
        data = selectors.cluster_graph(
            cluster,
            user=request.user,
            limit=as_int("limit") or rules.GRAPH_NODE_LIMIT,
            classes=classes or None,
            generations=(as_int("gen_min"), as_int("gen_max")),
            town=params.get("town", ""),
        )
        return Response(data)


router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("exposure-sites", ExposureSiteViewSet, basename="exposuresite")
router.register("exposures", ExposureViewSet, basename="exposure")
router.register("clusters", ClusterViewSet, basename="cluster")
