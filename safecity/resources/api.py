"""The resources API: depots with the stock operations as actions, lots and the ledger (read-only),
reserve standards, equipment, experts and their call-ups, rescue teams and dispatches.

Stock changes only through the ledger services (``services.receive`` / ``issue`` / ``transfer`` /
``adjust``), called by the depot actions exactly as the depot page's forms call them; team readiness
only through ``services.set_readiness`` and the dispatch services. Every read is scoped by
``BaseModelViewSet`` (another county's record is a 404); phones are masked.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safecity.core.api import (
    BaseModelSerializer,
    BaseModelViewSet,
    ScopedRelatedFieldsMixin,
    drf_validation_error,
    router,
)
from safecity.core.filtersets import BaseFilterSet, RegionFilter
from safecity.core.masking import mask_phone
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.incidents.models import Incident

from . import services
from .choices import CallUpResponse, Readiness
from .filtersets import (
    DepotFilterSet,
    EquipmentFilterSet,
    ExpertFilterSet,
    MovementFilterSet,
    RescueTeamFilterSet,
    ReserveStandardFilterSet,
)
from .models import (
    Depot,
    Dispatch,
    Equipment,
    Expert,
    ExpertCallUp,
    Item,
    Lot,
    Movement,
    RescueTeam,
    ReserveStandard,
    Specialty,
)


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


class MovementSerializer(BaseModelSerializer):
    """One ledger line (read-only): signed quantity and the lot's balance after it."""

    depot = serializers.IntegerField(source="lot.depot_id", read_only=True)
    item = serializers.IntegerField(source="lot.item_id", read_only=True)
    item_name = serializers.CharField(source="lot.item.name", read_only=True)
    unit = serializers.CharField(source="lot.item.unit", read_only=True)
    lot_number = serializers.CharField(source="lot.lot_number", read_only=True)

    class Meta:
        model = Movement
        fields = [
            "id",
            "lot",
            "depot",
            "item",
            "item_name",
            "unit",
            "lot_number",
            "kind",
            "quantity",
            "balance",
            "occurred_at",
            "incident",
            "counterpart",
            "recipient",
            "note",
            "display",
            "created_at",
        ]
        read_only_fields = fields


class LotSerializer(BaseModelSerializer):
    """One lot on hand (read-only): its quantity is the sum of its ledger lines."""

    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    expired = serializers.SerializerMethodField(help_text="Past its expiry date: not issued, not counted as stock.")

    class Meta:
        model = Lot
        fields = [
            "id",
            "depot",
            "item",
            "item_name",
            "unit",
            "lot_number",
            "production_date",
            "expiry_date",
            "quantity",
            "expired",
            "display",
            "updated_at",
        ]
        read_only_fields = fields

    def get_expired(self, obj) -> bool:
        return obj.expiry_date is not None and obj.expiry_date < timezone.localdate()


class StockPermission(permissions.BasePermission):
    """Stock operations: the right to record movements and to change the depot (as on the depot page)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm("resources.add_movement")
            and user.has_perm("resources.change_depot")
        )


class ScopedSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    """An action's input: its choices (items, lots, depots, incidents) limited to what the caller may view."""


class StockReceiveSerializer(ScopedSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), label=gettext_lazy("item"))
    quantity = serializers.IntegerField(min_value=1, label=gettext_lazy("quantity"))
    lot_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    production_date = serializers.DateField(required=False, allow_null=True, default=None)
    expiry_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Empty: from the production date and shelf life."
    )
    recipient = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StockIssueSerializer(ScopedSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), label=gettext_lazy("item"))
    quantity = serializers.IntegerField(min_value=1, label=gettext_lazy("quantity"))
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Incident.objects.all(), required=False, allow_null=True, default=None
    )
    recipient = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StockTransferSerializer(ScopedSerializer):
    target = serializers.PrimaryKeyRelatedField(queryset=Depot.objects.all(), help_text="The receiving depot.")
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), label=gettext_lazy("item"))
    quantity = serializers.IntegerField(min_value=1, label=gettext_lazy("quantity"))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StockAdjustSerializer(ScopedSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all(), help_text="A lot of this depot.")
    counted = serializers.IntegerField(min_value=0, help_text="The quantity counted on the shelf.")
    note = serializers.CharField(max_length=500, help_text="Why the count differs.")


class DepotViewSet(BaseModelViewSet):
    """Reserve depots in the caller's scope, and their stock operations.

    ``receive``, ``issue`` (earliest expiry first), ``transfer`` and ``adjust`` call the same ledger
    services as the depot page and answer with the movements written. A refusal (an issue larger than
    the usable stock, a lot number with another expiry date …) is a 400 with the field named, and
    nothing is written.
    """

    model = Depot
    serializer_class = DepotSerializer
    filterset_class = DepotFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "created_at"]
    action_map = {
        **BaseModelViewSet.action_map,
        "receive": "change",
        "issue": "change",
        "transfer": "change",
        "adjust": "change",
    }

    def _stock(self, request, serializer_class, run):
        depot = self.get_object()
        payload = serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            movements = run(depot, data)
        except DjangoValidationError as exc:
            if any(e.code == services.INSUFFICIENT_STOCK for e in getattr(exc, "error_list", [])):
                raise serializers.ValidationError({"quantity": exc.messages}) from exc
            raise drf_validation_error(exc) from exc
        written = MovementSerializer(movements, many=True, context=self.get_serializer_context()).data
        return Response(written, status=status.HTTP_201_CREATED if movements else status.HTTP_200_OK)

    @extend_schema(request=StockReceiveSerializer, responses={201: MovementSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[StockPermission])
    def receive(self, request, pk=None):
        """Receive stock into this depot: a new lot, or more of the same lot number."""
        return self._stock(
            request, StockReceiveSerializer, lambda depot, d: [services.receive(actor=request.user, depot=depot, **d)]
        )

    @extend_schema(request=StockIssueSerializer, responses={201: MovementSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[StockPermission])
    def issue(self, request, pk=None):
        """Issue stock, earliest-expiring usable lots first; more than the usable stock is refused (400)."""
        return self._stock(
            request, StockIssueSerializer, lambda depot, d: services.issue(actor=request.user, depot=depot, **d)
        )

    @extend_schema(request=StockTransferSerializer, responses={201: MovementSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[StockPermission])
    def transfer(self, request, pk=None):
        """Transfer stock to another depot: per lot taken, one movement out and one in (linked)."""

        def run(depot, data):
            pairs = services.transfer(actor=request.user, source=depot, **data)
            return [movement for pair in pairs for movement in pair]

        return self._stock(request, StockTransferSerializer, run)

    @extend_schema(
        request=StockAdjustSerializer,
        responses={201: MovementSerializer(many=True), 200: MovementSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], permission_classes=[StockPermission])
    def adjust(self, request, pk=None):
        """Record a stock count of one lot: the difference becomes an adjustment (none when it matches: 200, [])."""

        def run(depot, data):
            lot = data["lot"]
            if lot.depot_id != depot.pk:
                raise DjangoValidationError({"lot": [_("This lot is not in this depot.")]})
            movement = services.adjust(actor=request.user, lot=lot, counted=data["counted"], note=data["note"])
            return [movement] if movement else []

        return self._stock(request, StockAdjustSerializer, run)


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


class LotFilterSet(BaseFilterSet):
    search_fields = ("item__name", "=lot_number")

    region = RegionFilter(queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE), region_path="depot__region")
    depot = django_filters.ModelChoiceFilter(queryset=Depot.objects.all(), label=gettext_lazy("depot"))
    item = django_filters.ModelChoiceFilter(queryset=Item.objects.all(), label=gettext_lazy("item"))
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=gettext_lazy("on hand"))

    class Meta:
        model = Lot
        fields = ["q", "region", "depot", "item", "in_stock"]

    def filter_in_stock(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)


class LotViewSet(BaseModelViewSet):
    """Lots in the depots of the caller's scope (read-only; stock changes through the depot actions)."""

    model = Lot
    serializer_class = LotSerializer
    filterset_class = LotFilterSet
    select_related = ("item", "depot")
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["expiry_date", "quantity", "updated_at"]


class MovementAPIFilterSet(MovementFilterSet):
    """The ledger's filters, plus the lot and a date range (days in local time, both ends included)."""

    lot = django_filters.ModelChoiceFilter(queryset=Lot.objects.all(), label=gettext_lazy("lot"))
    occurred_after = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte")

    class Meta(MovementFilterSet.Meta):
        fields = [*MovementFilterSet.Meta.fields, "lot", "occurred_after", "occurred_before"]


class MovementViewSet(BaseModelViewSet):
    """The stock ledger of the caller's depots, newest first (read-only): filter by depot, item, lot, kind, date."""

    model = Movement
    serializer_class = MovementSerializer
    filterset_class = MovementAPIFilterSet
    select_related = ("lot__item",)
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["occurred_at"]


class ExpertCallUpSerializer(BaseModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = ExpertCallUp
        fields = [
            "id",
            "expert",
            "expert_name",
            "incident",
            "called_at",
            "response",
            "responded_at",
            "note",
            "display",
            "created_at",
        ]
        read_only_fields = ["called_at", "response", "responded_at", "created_at"]
        validators = []  # a second call-up for the same incident: the service's clear message, below

    def create(self, validated_data):
        try:
            made = services.call_up(
                actor=self._actor(),
                incident=validated_data["incident"],
                experts=[validated_data["expert"]],
                note=validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        if not made:
            raise serializers.ValidationError({"expert": [_("Already called up for this incident.")]})
        return made[0]


class CallUpAnswerSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=[c for c in CallUpResponse.choices if c[0] != CallUpResponse.PENDING])


class ExpertCallUpViewSet(BaseModelViewSet):
    """Experts called up for incidents in the caller's scope: call one up (POST), record the answer."""

    model = ExpertCallUp
    serializer_class = ExpertCallUpSerializer
    select_related = ("expert",)
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["called_at"]
    filterset_fields = ["expert", "incident", "response"]
    action_map = {**BaseModelViewSet.action_map, "answer": "change"}

    @extend_schema(request=CallUpAnswerSerializer, responses=ExpertCallUpSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The expert's answer: accepted (the expert becomes busy), declined or no answer."""
        call_up = self.get_object()
        payload = CallUpAnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.record_response(actor=request.user, call_up=call_up, response=payload.validated_data["response"])
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=call_up.pk)).data)


class RescueTeamSerializer(BaseModelSerializer):
    """A rescue team; its readiness is read-only here and changes through the ``readiness`` action."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="Region code.")
    specialties = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Specialty.objects.all(), help_text="Specialty codes."
    )

    class Meta:
        model = RescueTeam
        fields = [
            "id",
            "name",
            "kind",
            "is_reserve",
            "specialties",
            "members",
            "leader",
            "leader_phone",
            "region",
            "base_address",
            "latitude",
            "longitude",
            "readiness",
            "readiness_reason",
            "readiness_since",
            "notes",
            "display",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = [
            "readiness",
            "readiness_reason",
            "readiness_since",
            "created_at",
            "updated_at",
            "archived_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["leader_phone"] = mask_phone(data.get("leader_phone"))
        return data


class TeamReadinessSerializer(serializers.Serializer):
    readiness = serializers.ChoiceField(choices=Readiness.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RescueTeamViewSet(BaseModelViewSet):
    """Rescue teams in the caller's scope; filter by ``kind``, ``readiness``, ``specialty``. Phones are masked."""

    model = RescueTeam
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilterSet
    select_related = ("region",)
    ordering_fields = ["name", "region__code", "readiness_since"]
    action_map = {**BaseModelViewSet.action_map, "readiness": "change"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("specialties")

    @extend_schema(request=TeamReadinessSerializer, responses=RescueTeamSerializer)
    @action(detail=True, methods=["post"])
    def readiness(self, request, pk=None):
        """Change the team's readiness (a reason is required for "not ready"); recorded in its history."""
        team = self.get_object()
        payload = TeamReadinessSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.set_readiness(actor=request.user, team=team, **payload.validated_data)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=team.pk)).data)


class DispatchSerializer(BaseModelSerializer):
    """A team sent to an incident; created through ``services.dispatch_team`` (the team must be ready)."""

    team_name = serializers.CharField(source="team.name", read_only=True)
    response_minutes = serializers.IntegerField(read_only=True, allow_null=True, help_text="Ordered → arrived.")

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "team",
            "team_name",
            "incident",
            "ordered_at",
            "departed_at",
            "arrived_at",
            "returned_at",
            "response_minutes",
            "display",
            "created_at",
        ]
        read_only_fields = ["ordered_at", "departed_at", "arrived_at", "returned_at", "created_at"]

    def create(self, validated_data):
        try:
            return services.dispatch_team(
                actor=self._actor(), team=validated_data["team"], incident=validated_data["incident"]
            )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class DispatchStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Empty: now.")


class DispatchViewSet(BaseModelViewSet):
    """Dispatches of the caller's teams: send a ready team (POST), then record departed, arrived, returned."""

    model = Dispatch
    serializer_class = DispatchSerializer
    select_related = ("team",)
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["ordered_at"]
    filterset_fields = ["team", "incident"]
    action_map = {**BaseModelViewSet.action_map, "departed": "change", "arrived": "change", "returned": "change"}

    def _step(self, request, step: str):
        dispatch = self.get_object()
        payload = DispatchStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        at = payload.validated_data["at"]
        if at is not None and at > timezone.now():
            raise serializers.ValidationError({"at": [_("A time in the future cannot be recorded.")]})
        if at is not None and at < dispatch.ordered_at:
            raise serializers.ValidationError({"at": [_("Earlier than the order to go out.")]})
        try:
            services.record_dispatch_time(actor=request.user, dispatch=dispatch, step=step, at=at)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=dispatch.pk)).data)

    @extend_schema(request=DispatchStepSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def departed(self, request, pk=None):
        """The team left its base."""
        return self._step(request, "departed")

    @extend_schema(request=DispatchStepSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def arrived(self, request, pk=None):
        """The team arrived on site (after its departure): the response time is ordered → arrived."""
        return self._step(request, "arrived")

    @extend_schema(request=DispatchStepSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def returned(self, request, pk=None):
        """The team is back; it is resting."""
        return self._step(request, "returned")


router.register("depots", DepotViewSet, basename="depot")
router.register("lots", LotViewSet, basename="lot")
router.register("stock-movements", MovementViewSet, basename="movement")
router.register("reserve-standards", ReserveStandardViewSet, basename="reservestandard")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("experts", ExpertViewSet, basename="expert")
router.register("expert-call-ups", ExpertCallUpViewSet, basename="expertcallup")
router.register("rescue-teams", RescueTeamViewSet, basename="rescueteam")
router.register("dispatches", DispatchViewSet, basename="dispatch")
