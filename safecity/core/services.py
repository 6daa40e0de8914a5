"""Generic state changes: save and archive any SafeCity record as an actor.

Every write goes through here (UI views, API viewsets, imports, admin), so each one records who did
it, writes its history row in the same transaction, and re-checks — inside that transaction — that
the saved object is still within the actor's scope. If it is not, the transaction rolls back and
:class:`~safecity.core.exceptions.OutOfScope` is raised: nobody can create or move a record out of
their area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .exceptions import OutOfScope

M = TypeVar("M", bound=models.Model)


def ensure_in_scope(*, actor, instance: models.Model, action: str) -> None:
    """Raise :class:`OutOfScope` unless ``actor`` may ``action`` the saved ``instance``."""
    model = type(instance)
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope()


def _stamp(instance: models.Model, actor) -> None:
    if hasattr(instance, "created_by_id") and instance._state.adding and actor is not None:
        instance.created_by = actor
    if hasattr(instance, "updated_by_id") and actor is not None:
        instance.updated_by = actor
    instance._history_user = actor


def object_save(
    *, actor, instance: M, after_save: Callable[[M], None] | None = None, change_reason: str | None = None
) -> M:
    """Create or update ``instance`` on behalf of ``actor``, atomically and within scope.

    ``after_save`` runs inside the transaction (e.g. a form's ``save_m2m``) before the scope check.
    """
    action = "add" if instance._state.adding else "change"
    with transaction.atomic():
        _stamp(instance, actor)
        if change_reason:
            instance._change_reason = change_reason
        instance.full_clean(validate_unique=True, validate_constraints=True)
        instance.save()
        if after_save is not None:
            after_save(instance)
        ensure_in_scope(actor=actor, instance=instance, action=action)
    return instance


def object_archive(*, actor, instance: M, change_reason: str | None = None) -> M:
    """Archive ``instance`` instead of deleting it. Idempotent."""
    with transaction.atomic():
        ensure_in_scope(actor=actor, instance=instance, action="delete")
        if instance.archived_at is None:
            _stamp(instance, actor)
            instance.archived_at = timezone.now()
            if hasattr(instance, "is_active"):
                instance.is_active = False
            instance._change_reason = change_reason or "archived"
            instance.save()
    return instance


def object_restore(*, actor, instance: M) -> M:
    """Bring an archived record back — unless a record not archived now holds one of its unique values (a vessel's
    registration number registered again meanwhile): ``ValidationError`` saying which, nothing changed."""
    with transaction.atomic():
        ensure_in_scope(actor=actor, instance=instance, action="delete")
        if instance.archived_at is not None:
            archived_at = instance.archived_at
            instance.archived_at = None
            try:
                instance.validate_unique()
                instance.validate_constraints()
            except ValidationError:
                instance.archived_at = archived_at
                raise
            _stamp(instance, actor)
            if hasattr(instance, "is_active"):
                instance.is_active = True
            instance._change_reason = "restored"
            instance.save()
    return instance


def objects_bulk_create(*, actor, model: type[M], instances: Iterable[M], batch_size: int = 1000) -> list[M]:
    """Create many validated records at once, with history rows, all inside the caller's transaction.

    Instances must already be validated (imports validate every row with the model's form first).
    The scope is re-checked for all of them together; any row outside the actor's scope aborts all.
    """
    instances = list(instances)
    for instance in instances:
        _stamp(instance, actor)
        if hasattr(instance, "prepare_for_bulk"):
            instance.prepare_for_bulk()
    with transaction.atomic():
        created = bulk_create_with_history(
            instances, model, batch_size=batch_size, default_user=actor, default_change_reason="import"
        )
        pks = [obj.pk for obj in created]
        if None in pks:  # older SQLite without RETURNING: nothing to check against, refuse rather than guess
            raise RuntimeError("bulk_create did not return primary keys")
        allowed = 0
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            allowed += model._default_manager.restrict(actor, "add").filter(pk__in=chunk).count()
        if allowed != len(pks):
            raise OutOfScope(_("Some imported records are outside your area; nothing has been imported."))
    return created
