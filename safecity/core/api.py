"""API bases (Django REST framework): every viewset is scoped, every write goes through the services.

A domain app declares a serializer (``BaseModelSerializer``) and a viewset (``BaseModelViewSet``)
and registers it on :data:`router`. Reads are ``restrict(user, action)``-ed (another county's
record is a 404); related-field choices are limited to the caller's scope (a region outside it is
a 400 field error); saves run ``object_save`` so history and the in-transaction scope re-check apply;
DELETE archives.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Manager
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from .querysets import RestrictedQuerySet
from .rest import validation_detail
from .services import object_archive, object_save

router = DefaultRouter()


def drf_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's Django ``ValidationError`` as DRF's, so the API answers 400 with field messages."""
    return serializers.ValidationError(validation_detail(exc))


class ScopedRelatedFieldsMixin:
    """Limit every related field's choices to what the requesting user may view."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if isinstance(queryset, Manager):  # fields DRF generates hold the model's manager
                queryset = queryset.all()
            if isinstance(queryset, RestrictedQuerySet) and user is not None:
                restricted = queryset.restrict(user, "view")
                if hasattr(queryset.model, "archived_at"):
                    restricted = restricted.filter(archived_at__isnull=True)
                target.queryset = restricted
        return fields


class BaseModelSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    """Serializer base: ``display`` text, scoped related fields, saves through ``object_save``."""

    display = serializers.SerializerMethodField(help_text="Human-readable name.")

    def get_display(self, obj) -> str:
        return str(obj)

    def _actor(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _save(self, instance, validated_data):
        many = {}
        for name, value in list(validated_data.items()):
            field = instance._meta.get_field(name)
            if field.many_to_many:
                many[name] = validated_data.pop(name)
            else:
                setattr(instance, name, value)

        def save_m2m(obj):
            for name, value in many.items():
                getattr(obj, name).set(value)

        try:
            return object_save(actor=self._actor(), instance=instance, after_save=save_m2m)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class BaseModelViewSet(viewsets.ModelViewSet):
    """Viewset base: scoped per action; DELETE archives; archived rows only with ``?archived=true``."""

    model: type[models.Model]
    action_map = {
        "list": "view",
        "retrieve": "view",
        "create": "add",
        "update": "change",
        "partial_update": "change",
        "destroy": "delete",
    }
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        action = self.action_map.get(self.action, "view")
        return queryset.restrict(self.request.user, action)

    @property
    def queryset(self):  # lets DjangoModelPermissions and drf-spectacular find the model
        return self.model._default_manager.none()

    def perform_destroy(self, instance):
        object_archive(actor=self.request.user, instance=instance)

    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
