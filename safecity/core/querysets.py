"""The one place where reads are scoped: ``Model.objects.restrict(user, action)``."""

from __future__ import annotations

from django.db import models

from .scoping import get_scopes

ACTIONS = ("view", "add", "change", "delete")


def permission_name(model: type[models.Model], action: str) -> str:
    """The Django permission for ``action`` on ``model``, e.g. ``orgs.change_organization``."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; expected one of {ACTIONS}")
    opts = model._meta.concrete_model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may do.

    ``restrict(user, action)`` returns nothing when the user lacks the model permission for
    ``action``; otherwise it keeps the rows inside the user's region scopes, as defined by the
    model's ``scope_q(scopes)`` class method. Superusers see everything.
    """

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        scopes = get_scopes(user)
        if scopes.unrestricted:
            return self
        if not scopes.scopes:
            return self.none()
        return self.filter(self.model.scope_q(scopes.scopes))

    def active(self) -> RestrictedQuerySet:
        """Rows that are not archived."""
        return self.filter(archived_at__isnull=True)
