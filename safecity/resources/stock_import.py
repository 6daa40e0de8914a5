"""Opening balances from a spreadsheet: each row becomes a receipt, so the ledger explains the stock.

The flow is the core imports' (:mod:`safecity.core.importers`): upload → :func:`check` validates every
row and writes nothing → the preview lists every row with what it will write (depot, item, lot, dates,
the lot's balance before and after) or its errors by row and column → "import N rows" runs
:func:`commit`, every receipt through :func:`services.receive` in one transaction, all or nothing.
Files with more rows than ``SAFECITY["IMPORT_SYNC_ROWS"]`` run as a background ``ImportJob`` through
:data:`JOB_IMPORTER` (same check, same commit, with progress).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import importers
from safecity.core.forms import BaseForm
from safecity.core.import_jobs import JobImporter, register_importer

from . import services
from .models import Depot, Item, Lot


class StockRowForm(BaseForm):
    """One row of an opening-balance import. Depots and items are looked up once per file, not per row."""

    header_aliases = {
        "储备库名称": "depot",
        "仓库": "depot",
        "物资名称": "item",
        "数量": "quantity",
        "库存数量": "quantity",
        "储备库区划代码": "region",
    }

    depot = forms.CharField(label=gettext_lazy("depot"), max_length=200)
    region = forms.CharField(
        label=gettext_lazy("region code"),
        max_length=15,
        required=False,
        help_text=gettext_lazy("The depot's region code; needed only where two depots in your area share a name."),
    )
    item = forms.CharField(label=gettext_lazy("item"), max_length=100)
    lot_number = forms.CharField(label=gettext_lazy("lot number"), max_length=50, required=False)
    production_date = forms.DateField(label=gettext_lazy("production date"), required=False)
    expiry_date = forms.DateField(label=gettext_lazy("expiry date"), required=False)
    quantity = forms.IntegerField(label=gettext_lazy("quantity"), min_value=1)

    def __init__(self, *args, import_cache=None, import_context=None, row_number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache = import_cache if import_cache is not None else {}
        self.row_number = row_number

    def _depots(self) -> dict[str, list[Depot]]:
        if "depots" not in self.cache:
            by_name: dict[str, list[Depot]] = {}
            for depot in Depot.objects.restrict(self.user, "change").active().select_related("region"):
                by_name.setdefault(depot.name, []).append(depot)
            self.cache["depots"] = by_name
        return self.cache["depots"]

    def _items(self) -> dict[str, Item]:
        if "items" not in self.cache:
            self.cache["items"] = {i.name: i for i in Item.objects.restrict(self.user, "view").active()}
        return self.cache["items"]

    def clean_item(self):
        item = self._items().get(self.cleaned_data["item"].strip())
        if item is None:
            raise ValidationError(_("No such item in the catalogue."))
        return item

    def clean(self):
        data = super().clean()
        name = (data.get("depot") or "").strip()
        if name:
            matches = self._depots().get(name, [])
            code = (data.get("region") or "").strip().removesuffix(".0")
            if code:
                matches = [d for d in matches if d.region.code == code]
            if not matches:
                self.add_error("depot", _("No depot of this name in your area."))
            elif len(matches) > 1:
                self.add_error("depot", _("Several depots in your area have this name: add the region code column."))
            else:
                data["depot"] = matches[0]
        produced, expires = data.get("production_date"), data.get("expiry_date")
        if produced and expires and expires < produced:
            self.add_error("expiry_date", _("The expiry date is before the production date."))
        return data


@dataclass
class StockLine:
    """What one valid row will write: a receipt into a new lot or more of an existing one."""

    row: int
    depot: Depot
    item: Item
    quantity: int
    lot_number: str
    production_date: date | None
    expiry_date: date | None  # as given in the file (the service decides the lot's)
    lot_expiry: date | None  # the lot's expiry after the receipt
    expiry_computed: bool  # from the production date and the item's shelf life
    new_lot: bool
    balance_before: int
    balance_after: int


@dataclass
class StockImportResult(importers.ImportResult):
    lines: list[StockLine] = field(default_factory=list)

    @property
    def entries(self) -> list[dict]:
        """Every row of the file in order: what it will write, or its errors."""
        by_row: dict[int, dict] = {}
        for line in self.lines:
            by_row[line.row] = {"row": line.row, "line": line, "errors": []}
        for error in self.errors:
            by_row.setdefault(error.row, {"row": error.row, "line": None, "errors": []})["errors"].append(error)
        for entry in by_row.values():
            if entry["errors"]:
                entry["line"] = None
        return [by_row[row] for row in sorted(by_row)]

    @property
    def total_quantity(self) -> dict[str, int]:
        """Total received per item (name and unit), for the preview's summary."""
        totals: dict[str, int] = {}
        for line in self.lines:
            key = f"{line.item.name}（{line.item.unit}）"
            totals[key] = totals.get(key, 0) + line.quantity
        return totals


def check(headers: list[str], rows: list[list[str]], *, user, progress=None) -> StockImportResult:
    """Validate every row, then play the receipts against the lots on hand; nothing is written.

    Beyond each row's own checks, a lot number already in the depot (or earlier in the file) with another
    expiry date is an error of that row, as the ledger service would refuse it.
    """
    base = importers.validate_rows(StockRowForm, headers, rows, user=user, progress=progress)
    result = StockImportResult(**{f: getattr(base, f) for f in base.__dataclass_fields__})
    if not result.forms:
        return result
    labels = {name: str(f.label) for name, f in StockRowForm.base_fields.items()}
    depots = {form.cleaned_data["depot"].pk for form in result.forms}
    items = {form.cleaned_data["item"].pk for form in result.forms}
    lots: dict[tuple, dict] = {
        (lot.depot_id, lot.item_id, lot.lot_number): {"expiry": lot.expiry_date, "on_hand": lot.quantity}
        for lot in Lot.objects.filter(depot_id__in=depots, item_id__in=items)
    }
    valid = []
    for form in result.forms:
        data = form.cleaned_data
        depot, item, number = data["depot"], data["item"], data.get("lot_number") or ""
        expiry, produced = data.get("expiry_date"), data.get("production_date")
        key = (depot.pk, item.pk, number)
        known = lots.get(key)
        if known is not None and expiry is not None and known["expiry"] not in (None, expiry):
            result.errors.append(
                importers.RowError(
                    form.row_number,
                    labels["expiry_date"],
                    _("Lot %(lot)s is already in this depot with expiry date %(date)s.")
                    % {"lot": number or "-", "date": known["expiry"]},
                )
            )
            continue
        computed = False
        if known is None:
            lot_expiry = expiry
            if expiry is None and produced is not None and item.shelf_life_days:
                lot_expiry, computed = produced + timedelta(days=item.shelf_life_days), True
            known = lots[key] = {"expiry": lot_expiry, "on_hand": 0, "new": True}
        before = known["on_hand"]
        known["on_hand"] = before + data["quantity"]
        result.lines.append(
            StockLine(
                row=form.row_number,
                depot=depot,
                item=item,
                quantity=data["quantity"],
                lot_number=number,
                production_date=produced,
                expiry_date=expiry,
                lot_expiry=known["expiry"],
                expiry_computed=computed,
                new_lot=known.get("new", False) and before == 0,
                balance_before=before,
                balance_after=known["on_hand"],
            )
        )
        valid.append(form)
    result.forms = valid
    result.errors.sort(key=lambda e: e.row)
    return result


def commit(result: StockImportResult, *, actor) -> int:
    """Receive every row through the ledger service in one transaction; returns the number of receipts.

    A row the service refuses (the stock changed since the check) aborts everything, naming the row.
    """
    if not result.ok:
        raise ValueError("refusing to import a file with errors")
    note = _("opening balance")
    with transaction.atomic():
        for line in result.lines:
            try:
                services.receive(
                    actor=actor,
                    depot=line.depot,
                    item=line.item,
                    quantity=line.quantity,
                    lot_number=line.lot_number,
                    production_date=line.production_date,
                    expiry_date=line.expiry_date,
                    note=note,
                )
            except ValidationError as exc:
                raise importers.ImportFileError(
                    _("Row %(row)s: %(error)s") % {"row": line.row, "error": " ".join(exc.messages)}
                ) from exc
    return len(result.lines)


JOB_IMPORTER = register_importer(
    JobImporter(key="resources.stock", check=check, commit=commit, url_name="resources:stock")
)
