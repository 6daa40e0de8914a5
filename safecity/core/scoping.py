"""Who may see what: a user's region scopes, resolved once per request.

A scope is a region code prefix (the region's *significant* prefix, e.g. ``440705`` for Xinhui),
optionally narrowed to a department. Superusers are unrestricted. Everything else asks
:func:`get_scopes` and filters by prefix — see :meth:`safecity.core.querysets.RestrictedQuerySet.restrict`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Scope:
    """One region prefix the user may act in, optionally limited to one department (organization id)."""

    prefix: str
    department_id: int | None = None


@dataclass(frozen=True)
class UserScopes:
    """All scopes of one user. ``unrestricted`` is true for superusers."""

    unrestricted: bool
    scopes: tuple[Scope, ...]

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(s.prefix for s in self.scopes)

    def covers_prefix(self, prefix: str) -> bool:
        """True when ``prefix`` (a region's significant prefix) lies inside one of the scopes."""
        return self.unrestricted or any(prefix.startswith(p) for p in self.prefixes)


NO_SCOPES = UserScopes(unrestricted=False, scopes=())


def get_scopes(user) -> UserScopes:
    """Return the user's scopes, cached on the user object for the life of the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return NO_SCOPES
    cached = getattr(user, "_safecity_scopes", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        result = UserScopes(unrestricted=True, scopes=())
    else:
        rows = user.scopes.select_related("region").values_list("region__prefix", "department_id")
        result = UserScopes(unrestricted=False, scopes=tuple(Scope(p, d) for p, d in rows))
    user._safecity_scopes = result
    return result


def clear_scope_cache(user) -> None:
    """Forget cached scopes (after the user's scopes changed)."""
    if hasattr(user, "_safecity_scopes"):
        del user._safecity_scopes
