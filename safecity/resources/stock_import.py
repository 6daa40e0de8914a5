"""Opening balances from a spreadsheet: each row becomes a receipt (so the ledger explains the stock).

All or nothing: every row is checked first; if any row is wrong, the errors name the row and column
and nothing is written; otherwise every receipt is made in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import importers
from safecity.core.forms import BaseForm

from . import services
from .models import Depot, Item


class StockRowForm(BaseForm):
    """One row of an opening-balance import."""

    header_aliases = {"储备库名称": "depot", "物资名称": "item", "数量": "quantity", "库存数量": "quantity"}

    depot = forms.CharField(label=gettext_lazy("depot"), max_length=200)
    item = forms.ModelChoiceField(
        Item.objects.filter(archived_at__isnull=True),
        to_field_name="name",
        label=gettext_lazy("item"),
        error_messages={"invalid_choice": gettext_lazy("No such item in the catalogue.")},
    )
    lot_number = forms.CharField(label=gettext_lazy("lot number"), max_length=50, required=False)
    production_date = forms.DateField(label=gettext_lazy("production date"), required=False)
    expiry_date = forms.DateField(label=gettext_lazy("expiry date"), required=False)
    quantity = forms.IntegerField(label=gettext_lazy("quantity"), min_value=1)

    def clean_depot(self):
        name = self.cleaned_data["depot"].strip()
        matches = list(Depot.objects.restrict(self.user, "change").active().filter(name=name)[:2])
        if not matches:
            raise ValidationError(_("No depot of this name in your area."))
        if len(matches) > 1:
            raise ValidationError(_("Several depots have this name."))
        return matches[0]


@dataclass
class StockImport:
    errors: list[importers.RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_columns and bool(self.rows)


def check(headers: list[str], rows: list[list[str]], *, user) -> StockImport:
    """Validate every row; nothing is written."""
    mapping = importers.header_map(StockRowForm)
    columns = [mapping.get(importers._normalize_header(h)) for h in headers]
    labels = {name: str(f.label) for name, f in StockRowForm.base_fields.items()}
    result = StockImport()
    result.missing_columns = [
        labels[n] for n, f in StockRowForm.base_fields.items() if f.required and n not in set(columns)
    ]
    if result.missing_columns:
        return result
    for index, row in enumerate(rows):
        data = {name: value for name, value in zip(columns, row, strict=False) if name}
        form = StockRowForm(data=data, user=user)
        if form.is_valid():
            result.rows.append({"row": index + 2, **form.cleaned_data})
        else:
            for name, messages in form.errors.items():
                for message in messages:
                    result.errors.append(importers.RowError(index + 2, labels.get(name, ""), message))
    return result


def commit(result: StockImport, *, actor) -> int:
    """Receive every row, in one transaction; a row the service refuses aborts all (with its row number)."""
    with transaction.atomic():
        for row in result.rows:
            number = row.pop("row")
            try:
                services.receive(actor=actor, note=_("opening balance"), **row)
            except ValidationError as exc:
                raise ValidationError(
                    _("Row %(row)s: %(error)s") % {"row": number, "error": " ".join(exc.messages)}
                ) from exc
    return len(result.rows)
