"""REST framework settings objects (kept apart from :mod:`safecity.core.api` to avoid import cycles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .exceptions import OutOfScope


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class ScopedModelPermissions(permissions.DjangoModelPermissions):
    """Model permissions for every method, reads included (``view_*``)."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


def validation_detail(exc: DjangoValidationError) -> dict:
    """A Django ``ValidationError`` as the API's field-error body: ``{"field": ["message", …]}``."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """DRF's handler, plus Django validation errors as 400 with field messages."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OutOfScope):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            {"detail": str(exc) or _("You do not have permission to perform this action.")},
            status=status.HTTP_403_FORBIDDEN,
        )
    return drf_exception_handler(exc, context)
