"""Table base (django-tables2): sortable, paginated in the database, exportable, masked where needed."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .masking import mask_id_number, mask_phone


class MaskedColumn(tables.Column):
    """Shows a phone or ID number masked — on screen *and* in exports."""

    def __init__(self, *args, kind: str = "phone", **kwargs) -> None:
        self.mask = mask_id_number if kind == "id_number" else mask_phone
        super().__init__(*args, **kwargs)

    def render(self, value):
        return self.mask(value)

    def value(self, value):
        return self.mask(value)


class ArchivedBadgeColumn(tables.Column):
    """Grey "已归档" badge for archived rows, empty otherwise."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("Status"))
        kwargs.setdefault("accessor", "archived_at")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def render(self, value):
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Archived")) if value else ""

    def value(self, value):
        return str(_("Archived")) if value else ""


class BaseTable(tables.Table):
    """Every list's table: the first column links to the detail page; ``status`` marks archived rows."""

    status = ArchivedBadgeColumn(exclude_from_export=False)

    #: Foreign keys the columns read: joined by the table itself (``select_related``), so every page showing
    #: it — its list, a related table on another record's detail page built generically — reads them in its
    #: one query, not one per row.
    related: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs):
        if self.related and isinstance(data, QuerySet):
            data = data.select_related(*self.related)
        super().__init__(data, *args, **kwargs)
        # On a phone each row is a card: every cell says what it is (``data-label``, shown by safecity.css
        # under 576 px, where the header row is hidden) — no table wider than the screen to scroll sideways.
        self.attrs = {**self.attrs, "class": f"{self.attrs.get('class', '')} sc-cards".strip()}
        for bound in self.columns:
            column = bound.column
            column.attrs = {**column.attrs, "td": {"data-label": str(bound.verbose_name), **column.attrs.get("td", {})}}

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
        empty_text = ""
