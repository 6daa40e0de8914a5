"""Pick a person (or any registered record) by search, not from a drop-down of everyone in scope.

A *pick source* is a model registered under a key (``volunteers.volunteer``, ``epidemic.person`` …):
what may be searched (the user's ``restrict(user, "view")`` queryset, not archived, optionally
narrowed), how a search text matches (an identity number or phone exactly, normalised; anything
else part of the name; digits also the record number — as the list pages search), and which personal
numbers are shown masked in the results.

The widget (:class:`PickWidget`) shows the chosen record(s) by name as ticked boxes (rendered by
the server, so the name shows without JavaScript and unticking removes one), and a search box: typing
asks :func:`pick` (htmx, no script of our own) for at most ``limit`` matches; clicking one puts it
in the chosen box(es). Without JavaScript the search text is submitted with the form and resolved by
the field (:class:`PickChoiceField`): one match is taken, none or several give a field error and the
form shows the matches to tick. Whatever arrives is validated by the form field's own (scoped)
queryset, so an id from outside the user's area gets the normal "not one of the available choices".

Modes: ``single`` (one chosen box), ``multiple`` (any number), ``typed`` (the epidemic person
picker: a number input that can also be typed, with the chosen person's name beside it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .masking import mask_id_number, mask_phone
from .validators import normalize_phone, parse_id_number

MASKS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}
MODES = ("single", "multiple", "typed")


class PickQuery(str):
    """Search text submitted with the form instead of a chosen id (no JavaScript, or not clicked)."""


def default_search_q(text: str, *, name: str = "name", id_number: str = "", phone: str = "", prefix: str = "") -> Q:
    """An identity number matches exactly (normalised), a phone exactly (normalised), anything else
    the name; digits also match the record number."""
    text = text.strip()
    if id_number:
        try:
            return Q(**{f"{prefix}{id_number}": parse_id_number(text).number})
        except ValidationError:
            pass
    if phone:
        try:
            return Q(**{f"{prefix}{phone}": normalize_phone(text)})
        except ValidationError:
            pass
    q = Q(**{f"{prefix}{name}__icontains": text})
    if text.isdigit():
        q |= Q(**{f"{prefix}pk": int(text)})
    return q


@dataclass(frozen=True)
class PickSource:
    """What a picker searches. ``masked`` maps a field to the mask used in the results (``id_number``,
    ``phone``); ``where`` gives the place shown after the name (default: the region)."""

    key: str
    model: type[Model]
    filter: Q | None = None
    search: Callable[[str], Q] | None = None
    masked: dict[str, str] = field(default_factory=dict)
    select_related: tuple[str, ...] = ("region",)
    where: Callable[[Model], str] | None = None
    limit: int = 20

    def visible(self, user):
        """Everything ``user`` may view (for showing a chosen record's name)."""
        return self.model._default_manager.restrict(user, "view")

    def queryset(self, user):
        """What the search offers: visible, not archived, narrowed by ``filter``."""
        queryset = self.visible(user)
        if hasattr(self.model, "archived_at"):
            queryset = queryset.filter(archived_at__isnull=True)
        if self.filter is not None:
            queryset = queryset.filter(self.filter)
        return queryset.select_related(*self.select_related)

    def search_q(self, text: str) -> Q:
        if self.search is not None:
            return self.search(text)
        kinds = {kind: name for name, kind in self.masked.items()}
        return default_search_q(text, id_number=kinds.get("id_number", ""), phone=kinds.get("phone", ""))

    def find(self, user, text: str) -> list[Model]:
        text = (text or "").strip()
        if not text:
            return []
        return list(self.queryset(user).filter(self.search_q(text))[: self.limit])

    def place(self, obj) -> str:
        if self.where is not None:
            return str(self.where(obj))
        return str(getattr(obj, "region", "") or "")

    def label(self, obj) -> str:
        place = self.place(obj)
        return f"{obj.name} · {place}" if place else str(obj.name)

    def row(self, obj) -> dict:
        """One search result: name, record number, the personal numbers masked, the place."""
        details = [MASKS[kind](getattr(obj, name)) for name, kind in self.masked.items()]
        return {"pk": obj.pk, "name": obj.name, "details": [*details, self.place(obj)], "label": self.label(obj)}


_SOURCES: dict[str, PickSource] = {}


def register(key: str, model: type[Model], **options) -> PickSource:
    """Register (or replace) the pick source ``key``."""
    source = PickSource(key=key, model=model, **options)
    _SOURCES[key] = source
    return source


def get_source(key: str) -> PickSource:
    try:
        return _SOURCES[key]
    except KeyError:
        raise Http404(f"no pick source {key!r}") from None


# ---- the widget and the fields -----------------------------------------------------------------------


class PickWidget(forms.Widget):
    """The picker (see the module docstring). ``user`` decides which names may be shown."""

    template = "core/pick.html"

    def __init__(self, attrs=None, *, source: str, user=None, mode: str = "single", url: str | None = None):
        super().__init__(attrs)
        assert mode in MODES, mode
        self.source, self.user, self.mode, self._url = source, user, mode, url

    @property
    def allow_multiple_selected(self) -> bool:
        return self.mode == "multiple"

    @property
    def url(self) -> str:
        return self._url or reverse("pick", kwargs={"source": self.source})

    def value_from_datadict(self, data, files, name):
        if self.mode == "typed":
            return data.get(name)
        query = (data.get(f"{name}__q") or "").strip()
        if self.mode == "multiple":
            raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
            values = [v for v in ([raw] if isinstance(raw, str | int) else raw or []) if v]
            return [*values, PickQuery(query)] if query else values
        value = data.get(name)
        if value in (None, "") and query:
            return PickQuery(query)
        return value

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__q" not in data

    def split(self, value) -> tuple[list, str]:
        """The chosen ids and the search text in ``value``."""
        values = value if isinstance(value, list | tuple) else [value]
        query = next((v for v in values if isinstance(v, PickQuery)), "")
        ids = []
        for v in values:
            if isinstance(v, PickQuery) or v in (None, ""):
                continue
            try:
                ids.append(int(getattr(v, "pk", v)))
            except (TypeError, ValueError):
                continue
        return ids, str(query)

    def chosen(self, ids) -> list[dict]:
        """The chosen records as ``{"pk", "label"}``: the name only where the user may see it."""
        if not ids:
            return []
        source = get_source(self.source)
        found = {}
        if self.user is not None:
            found = {
                o.pk: source.label(o)
                for o in source.visible(self.user).filter(pk__in=ids).select_related(*source.select_related)
            }
        return [{"pk": pk, "label": found.get(pk, "" if self.mode == "typed" else f"#{pk}")} for pk in ids]

    def get_context(self, name, value, attrs):
        attrs = self.build_attrs(self.attrs, attrs)
        ids, query = self.split(value)
        matches = []
        if query and self.user is not None:  # re-shown after a search text did not resolve: tick one
            source = get_source(self.source)
            chosen = set(ids)
            matches = [source.row(o) for o in source.find(self.user, query) if o.pk not in chosen]
        chosen = self.chosen(ids)
        return {
            "name": name,
            "id": attrs.get("id", f"id_{name}"),
            "attrs": attrs,
            "mode": self.mode,
            "value": "" if value in (None, "") or self.mode != "typed" else value,
            "chosen": chosen,
            "chosen_label": chosen[0]["label"] if chosen else "",
            "query": query,
            "matches": matches,
            "url": self.url,
        }

    def render(self, name, value, attrs=None, renderer=None):
        # our own template; it escapes the values
        return mark_safe(render_to_string(self.template, self.get_context(name, value, attrs)))


class _Resolve:
    """Resolve a submitted search text against the field's own (scoped) queryset."""

    source: str

    def resolve(self, text: str):
        source = get_source(self.source)
        matches = list(self.queryset.filter(source.search_q(text))[:2])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(
                _("Nobody in your area matches “%(query)s”."), code="invalid_choice", params={"query": text}
            )
        raise ValidationError(
            _("Several match “%(query)s”: tick one below, or search by phone or identity number."),
            code="ambiguous",
            params={"query": text},
        )


class PickChoiceField(_Resolve, forms.ModelChoiceField):
    """One record chosen with the picker, validated by ``queryset``."""

    def __init__(self, queryset, *, source: str, user=None, mode: str = "single", **kwargs):
        self.source = source
        kwargs.setdefault("widget", PickWidget(source=source, user=user, mode=mode))
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if isinstance(value, PickQuery):
            return self.resolve(value)
        return super().to_python(value)


class PickMultipleChoiceField(_Resolve, forms.ModelMultipleChoiceField):
    """Several records chosen with the picker, validated by ``queryset``."""

    def __init__(self, queryset, *, source: str, user=None, **kwargs):
        self.source = source
        kwargs.setdefault("widget", PickWidget(source=source, user=user, mode="multiple"))
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        values = list(value or [])
        queries = [v for v in values if isinstance(v, PickQuery)]
        ids = [v for v in values if not isinstance(v, PickQuery)]
        if not queries:
            return super().clean(ids)
        extra = [self.resolve(q) for q in queries]
        chosen = list(super().clean(ids)) if ids else []
        return self.queryset.filter(pk__in={o.pk for o in [*chosen, *extra]})


def use_picker(form, name: str, source: str, *, multiple: bool = False) -> None:
    """Replace the drop-down ``form.fields[name]`` by a picker over the same (already scoped) queryset."""
    old = form.fields[name]
    cls = PickMultipleChoiceField if multiple else PickChoiceField
    attrs = {"class": "form-control"}
    if old.required:
        attrs["required"] = "required"
    new = cls(
        old.queryset,
        source=source,
        user=form.user,
        required=old.required,
        label=old.label,
        help_text=old.help_text or _("Type part of a name, or a phone or identity number, and pick from the list."),
        initial=old.initial,
    )
    new.widget.attrs.update(attrs)
    new.widget.is_wide = False
    form.fields[name] = new


# ---- the search endpoint --------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return re.sub(r"[^\w-]", "", value or "")[:60]


def pick_response(request, source: PickSource, *, mode: str | None = None, url: str | None = None) -> HttpResponse:
    """The search results (``<name>__q``), or with ``choose`` the chosen record: the whole picker
    holding it (single, typed) or one more ticked box (multiple). Only records the user may see."""
    mode = mode or (request.GET.get("mode") if request.GET.get("mode") in MODES else "single")
    target, name = _clean(request.GET.get("target", "")), _clean(request.GET.get("name", ""))
    url = url or request.path
    if request.GET.get("choose"):
        obj = get_object_or_404(source.queryset(request.user), pk=request.GET["choose"])
        widget = PickWidget(attrs={"class": "form-control"}, source=source.key, user=request.user, mode=mode, url=url)
        if mode != "multiple":
            return HttpResponse(widget.render(name, obj.pk, attrs={"id": target}))
        return render(
            request,
            "core/pick_chosen.html",
            {
                "row": {"pk": obj.pk, "label": source.label(obj)},
                "name": name,
                "id": target,
                "mode": mode,
                "url": url,
                "oob": True,
            },
        )
    query = next((v for k, v in request.GET.items() if k.endswith("__q")), "").strip()
    rows = [source.row(o) for o in source.find(request.user, query)]
    return render(
        request,
        "core/pick_results.html",
        {"rows": rows, "searched": bool(query), "target": target, "name": name, "url": url, "mode": mode},
    )


@login_required
def pick(request, source: str):
    """``/pick/<source>/``: the generic search endpoint of the registered pick sources."""
    return pick_response(request, get_source(source))
