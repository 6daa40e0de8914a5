"""Form bases: every form knows its user, and every choice of a scoped record is scoped."""

from __future__ import annotations

import contextlib

from django import forms
from django.db.models import Model
from django.forms.models import construct_instance

from .querysets import RestrictedQuerySet


def restrict_choice_fields(form_fields, user) -> None:
    """Narrow every model-choice field whose queryset can be restricted to what ``user`` may view."""
    for field in form_fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, RestrictedQuerySet) and user is not None:
            restricted = queryset.restrict(user, "view")
            if hasattr(queryset.model, "archived_at"):
                restricted = restricted.filter(archived_at__isnull=True)
            field.queryset = restricted


class BootstrapMixin:
    """Give widgets Bootstrap 5 classes."""

    def _apply_bootstrap(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            # Long text and multiple choices take the whole row of the form.
            widget.is_wide = isinstance(widget, forms.Textarea | forms.SelectMultiple)
            if field.required:
                widget.attrs.setdefault("required", "required")


class FieldsetsMixin:
    """How ``includes/form_fields.html`` groups a form's fields."""

    #: Field groups as the paper form has them: ``[(legend, [field names]), …]``. Empty: one group.
    fieldsets: list[tuple[str, list[str]]] = []
    #: Legends of groups most entries leave empty (a major hazard's remediation plan): shown folded — one
    #: line to open — unless something in them is filled in, refused, or :meth:`fieldset_open` says so.
    folded_fieldsets: tuple[str, ...] = ()

    def get_fieldsets(self):
        """Bound fields grouped for rendering: ``(legend, fields, folded, open)`` per group."""
        if not self.fieldsets:
            return [("", [self[name] for name in self.fields], False, True)]
        groups = []
        for legend, names in self.fieldsets:
            fields = [self[name] for name in names if name in self.fields]
            folded = legend in self.folded_fieldsets
            groups.append((legend, fields, folded, not folded or self.fieldset_open(legend, fields)))
        placed = {name for _legend, names in self.fieldsets for name in names}
        rest = [self[name] for name in self.fields if name not in placed]
        if rest:  # never drop a field (hidden ones included) that a fieldset list forgot
            groups.append(("", rest, False, True))
        return groups

    def fieldset_open(self, legend, fields) -> bool:
        """Whether a folded group shows open: a field in it was refused, or holds something other than its
        default (what the user typed is never hidden)."""
        for bound in fields:
            if bound.errors:
                return True
            value, default = bound.value(), bound.field.initial  # a model form field's initial: the model default
            default = default() if callable(default) else default
            if value not in (None, "", [], ()) and str(value) != str(default if default is not None else ""):
                return True
        return False


class BaseForm(FieldsetsMixin, BootstrapMixin, forms.Form):
    """A plain form that knows the requesting user."""

    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        restrict_choice_fields(self.fields, user)
        self._apply_bootstrap()


class BaseModelForm(FieldsetsMixin, BootstrapMixin, forms.ModelForm):
    """The model form of every SafeCity record: scoped choices, Bootstrap widgets.

    Saving goes through :func:`safecity.core.services.object_save` in the view, not ``form.save()``.
    """

    def __init__(
        self,
        *args,
        user=None,
        import_cache: dict | None = None,
        import_context: dict | None = None,
        row_number: int | None = None,
        **kwargs,
    ) -> None:
        self.user = user
        self.import_context = import_context
        self.row_number = row_number
        super().__init__(*args, **kwargs)
        restrict_choice_fields(self.fields, user)
        self._apply_bootstrap()
        if import_cache is not None:
            for name, field in self.fields.items():
                if isinstance(field, ImportChoiceField):
                    field.cache = import_cache.setdefault(name, {})

    def _post_clean(self):
        if self.import_context is None:
            return super()._post_clean()
        # Import mode: only the checks that need no query run per row. Foreign keys were resolved by
        # ImportChoiceFields from scoped lookups loaded once; uniqueness is checked for the whole file
        # at once by the importer (see safecity.core.importers.check_existing).
        opts = self._meta
        exclude = self._get_validation_exclusions()
        exclude |= {name for name, field in self.fields.items() if isinstance(field, ImportChoiceField)}
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except forms.ValidationError as exc:
            self._update_errors(exc)
        return None


class ImportChoiceField(forms.ModelChoiceField):
    """A model choice by natural key (e.g. region code) for imports.

    Values are looked up in a dictionary loaded once per import (shared by every row's form through
    ``import_cache``), not with one query per row.
    """

    def __init__(self, queryset, *, to_field_name: str, normalize=None, **kwargs) -> None:
        super().__init__(queryset, to_field_name=to_field_name, **kwargs)
        self.normalize = normalize
        self.cache: dict[str, Model] | None = None

    def _lookup(self) -> dict[str, Model]:
        if self.cache is None:
            self.cache = {}
        if not self.cache:
            self.cache.update({str(getattr(obj, self.to_field_name)): obj for obj in self.queryset})
            self.cache.setdefault("\x00loaded", None)
        return self.cache

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = str(value).strip()
        if key.endswith(".0"):
            key = key[:-2]
        if self.normalize is not None:
            with contextlib.suppress(forms.ValidationError):
                key = self.normalize(key)
        obj = self._lookup().get(key)
        if obj is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return obj
