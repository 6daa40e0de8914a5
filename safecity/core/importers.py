"""Bulk import from CSV/XLSX: every row validated with the model's own form, preview, all or nothing.

The flow the import view drives:

1. :func:`read_table` turns the uploaded file into a header row and data rows (XLSX through
   openpyxl in read-only mode; CSV in UTF-8 with or without BOM, or GB18030 as Excel writes it on
   Chinese Windows).
2. :func:`validate_rows` maps headers to form fields (by field name or by the Chinese/English label),
   validates every row with the same form the UI uses, and collects row-level errors
   ("第 3 行 · 区划代码: …").
3. :func:`commit_rows` — only when there is no error at all — saves every row in one transaction
   through the generic services, so history and the scope re-check apply exactly as for a form.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from .services import object_save, objects_bulk_create

MAX_ROWS = 200_000


class ImportFileError(Exception):
    """The file cannot be read as a table (wrong type, empty, no header, too many rows)."""


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    field: str  # the column's label, or "" for a whole-row error
    message: str


@dataclass
class ImportResult:
    headers: list[str]
    unknown_headers: list[str]
    missing_columns: list[str]
    total_rows: int = 0
    forms: list[forms.BaseForm] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    preview: list[list[Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_columns and self.total_rows > 0


def _clean_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return value.strftime(
            "%Y-%m-%d %H:%M" if hasattr(value, "hour") and (value.hour or value.minute) else "%Y-%m-%d"
        )
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Return ``(headers, rows)`` from CSV or XLSX bytes. Blank rows are dropped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise ImportFileError(_("Only .xlsx or .csv files are supported."))
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise ImportFileError(
            _("The file is empty: the first row should be the column headers, then one record per row.")
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(
            _("At most %(max)s rows can be imported at once; split the file.") % {"max": f"{MAX_ROWS:,}"}
        )
    headers = rows[0]
    width = len(headers)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return headers, body


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise ImportFileError(
            _("Cannot read this Excel file; make sure it is in .xlsx format and not damaged.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_clean_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("Cannot recognise the encoding of the CSV file; save it as UTF-8."))
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _normalize_header(text: str) -> str:
    return text.strip().strip("*").strip().lower().replace(" ", "").replace("_", "")


def header_map(form_class: type[forms.BaseForm]) -> dict[str, str]:
    """Every accepted spelling of each field's column → field name (name, Chinese and English label)."""
    mapping: dict[str, str] = {}
    for name, fld in form_class.base_fields.items():
        mapping[_normalize_header(name)] = name
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                if fld.label:
                    mapping[_normalize_header(str(fld.label))] = name
    # Other spellings offices use for the same column, e.g. {"单位名称": "name"}.
    for alias, name in getattr(form_class, "header_aliases", {}).items():
        mapping[_normalize_header(alias)] = name
    return mapping


def column_labels(form_class: type[forms.BaseForm]) -> list[str]:
    """Column headers for an import template, in the current language; required ones marked ``*``."""
    labels = []
    for name, fld in form_class.base_fields.items():
        label = str(fld.label) if fld.label else name
        labels.append(f"{label}*" if fld.required else label)
    return labels


def validate_rows(
    form_class: type[forms.BaseForm],
    headers: list[str],
    rows: Iterable[list[str]],
    *,
    user,
    preview_rows: int = 20,
    progress=None,
    progress_every: int = 500,
) -> ImportResult:
    """Validate every row with ``form_class``; nothing is written."""
    mapping = header_map(form_class)
    columns: list[str | None] = []
    unknown = []
    for header in headers:
        name = mapping.get(_normalize_header(header))
        columns.append(name)
        if name is None and header.strip():
            unknown.append(header)
    present = {c for c in columns if c}
    labels = {name: str(f.label or name) for name, f in form_class.base_fields.items()}
    missing = [labels[n] for n, f in form_class.base_fields.items() if f.required and n not in present]
    result = ImportResult(headers=headers, unknown_headers=unknown, missing_columns=missing)
    if missing:
        return result
    cache: dict = {}
    context: dict = {"seen": {}}
    seen_keys: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        row_number = index + 2
        result.total_rows += 1
        if progress is not None and index and index % progress_every == 0:
            progress(index)
        data = {name: value for name, value in zip(columns, row, strict=False) if name}
        if len(result.preview) < preview_rows:
            result.preview.append(row)
        form = form_class(data=data, user=user, import_cache=cache, import_context=context, row_number=row_number)
        if form.is_valid():
            duplicate_of = _duplicate_row(form, seen_keys, row_number)
            if duplicate_of is not None:
                result.errors.append(
                    RowError(row=row_number, field="", message=_("Duplicate of row %(row)s") % {"row": duplicate_of})
                )
            else:
                result.forms.append(form)
        else:
            for name, messages in form.errors.items():
                label = "" if name == "__all__" else labels.get(name, name)
                for message in messages:
                    result.errors.append(RowError(row=row_number, field=label, message=message))
    check_existing(result, labels)
    return result


def _unique_key_sets(model) -> list[tuple[tuple[str, ...], Q | None]]:
    """``(fields, condition)`` of every unique field and unique constraint; ``condition`` is the constraint's
    (e.g. "among records not archived"), which the existing rows must meet to clash."""
    from django.db.models import UniqueConstraint

    keys = [((f.attname,), None) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    for constraint in model._meta.constraints:
        # Blank values never clash (constraints "unless blank" are common); they are skipped below.
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            fields = tuple(model._meta.get_field(n).attname for n in constraint.fields)
            keys.append((fields, constraint.condition))
    return keys


def check_existing(result: ImportResult, labels: dict[str, str], batch: int = 300) -> None:
    """Move rows whose unique key already exists in the database from ``result.forms`` to ``result.errors``.

    One query per key set per ``batch`` rows, instead of per-row uniqueness queries.
    """
    if not result.forms or not hasattr(result.forms[0], "instance"):
        return  # nothing valid, or plain forms with no model behind them
    model = type(result.forms[0].instance)
    clashes: dict[int, str] = {}
    for key_fields, condition in _unique_key_sets(model):
        keyed = []
        for form in result.forms:
            values = tuple(getattr(form.instance, f) for f in key_fields)
            if form.instance.pk is None and not any(v in (None, "") for v in values):
                keyed.append((values, form))
        for start in range(0, len(keyed), batch):
            chunk = keyed[start : start + batch]
            query = Q(pk__in=[])
            for values, _form in chunk:
                query |= Q(**dict(zip(key_fields, values, strict=True)))
            rows = model._default_manager.filter(query)
            if condition is not None:
                rows = rows.filter(condition)
            existing = set(rows.values_list(*key_fields))
            for values, form in chunk:
                if values in existing and form.row_number not in clashes:
                    names = [f.removesuffix("_id") for f in key_fields]
                    shown = "、".join(labels.get(n, n) for n in names)
                    clashes[form.row_number] = shown
    if not clashes:
        return
    for form in result.forms:
        if form.row_number in clashes:
            result.errors.append(
                RowError(row=form.row_number, field=clashes[form.row_number], message=str(_("already exists")))
            )
    result.forms = [f for f in result.forms if f.row_number not in clashes]
    result.errors.sort(key=lambda e: e.row)


def _duplicate_row(form, seen: dict[tuple, int], row_number: int) -> int | None:
    """The earlier row of the same file that has the same unique key as this one, if any."""
    instance = getattr(form, "instance", None)
    if instance is None:
        return None
    for key_fields, _condition in _unique_key_sets(type(instance)):
        values = tuple(getattr(instance, f) for f in key_fields)
        if any(v in (None, "") for v in values):
            continue
        key = (key_fields, values)
        if key in seen:
            return seen[key]
        seen[key] = row_number
    return None


def commit_rows(result: ImportResult, *, actor, bulk: bool = True) -> int:
    """Save every validated row in one transaction; returns the number saved.

    ``bulk`` uses ``bulk_create`` with history rows (fast, for plain records); otherwise each row
    goes through :func:`object_save` in file order (for rows that depend on earlier rows).
    """
    if not result.ok:
        raise ValueError("refusing to import a file with errors")
    try:
        with transaction.atomic():
            if bulk:
                instances = [form.save(commit=False) for form in result.forms]
                model = type(instances[0])
                objects_bulk_create(actor=actor, model=model, instances=instances)
                return len(instances)
            for form in result.forms:
                instance = form.save(commit=False)
                object_save(actor=actor, instance=instance, after_save=lambda _obj, f=form: f.save_m2m())
            return len(result.forms)
    except IntegrityError as exc:
        # A record saved by someone else since the preview, or a database rule no row check covers.
        raise ImportFileError(
            _("The database refused the rows, so nothing was imported: %(error)s") % {"error": exc}
        ) from exc
