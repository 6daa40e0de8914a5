"""Show one masked value in full to a user who may, and log that they did (PIPL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .models import PersonalDataAccess
from .views import ObjectViews

REVEAL_PERMISSION = "core.reveal_personal_data"


def masked_fields_of(model) -> dict[str, str]:
    """The fields declared masked for ``model`` by its ``ObjectViews`` bundle."""
    for bundle in ObjectViews.registry:
        if bundle.model is model:
            return bundle.masked_fields
    return {}


def reveal_value(*, actor, obj, field: str, ip_address: str | None = None) -> str:
    """Return the full value of a masked field and record the access."""
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied
    if field not in masked_fields_of(type(obj)):
        raise Http404
    PersonalDataAccess.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        field=field,
        ip_address=ip_address,
    )
    return getattr(obj, field) or ""


@login_required
@require_POST
def reveal(request, content_type_id: int, pk: int, field: str):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or not hasattr(model._default_manager, "restrict"):
        raise Http404
    obj = get_object_or_404(model._default_manager.restrict(request.user, "view"), pk=pk)
    value = reveal_value(actor=request.user, obj=obj, field=field, ip_address=request.META.get("REMOTE_ADDR"))
    return HttpResponse(format_html('<span data-testid="revealed">{}</span>', value))
