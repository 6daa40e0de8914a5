"""Bulk import of screened and contact persons into the person index (人员库), up to a million rows.

The flow is the background import job's (:mod:`safecity.core.import_jobs`): upload → :func:`check` reads
the file as a stream and validates every row with plain functions (no form per row), writing nothing →
the job page shows every error by row and column, or a summary (new persons, persons already in the
index, rows that repeat an earlier row) → the user confirms → :func:`check` runs again and
:func:`commit` writes the new persons and their history rows, all or nothing.

Deduplication follows the person index's rule (the same as ``person_find_or_create``): two rows are the
same person when they have the same identity number, or — when one of them has no identity number —
the same name and phone. Within the file, a repeated person is merged into its first row; against the
database, a person already in the index is matched (reported, not created again). Existing persons are
fetched in chunks of :data:`CHUNK` keys, never one query per row.

Writing: on PostgreSQL the rows are ``COPY``-ed into a temporary staging table, then one
``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` into ``epidemic_person`` per :data:`WRITE_BATCH`
rows (the job page counts them) feeds, in the same statement, the ``INSERT`` of the ``+`` history rows
(simple-history's ``epidemic_historicalperson``): history is written set-based, never skipped. On SQLite
the staging table is filled with batched ``INSERT``s and the same two ``INSERT … SELECT`` follow; any other
backend goes through :func:`safecity.core.services.objects_bulk_create` (persons and history rows in
batches). All re-check the actor's scope inside the transaction.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import getitem
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import importers
from safecity.core.exceptions import OutOfScope
from safecity.core.import_jobs import JobImporter, register_importer
from safecity.core.scoping import get_scopes
from safecity.core.services import objects_bulk_create
from safecity.core.validators import ID_NUMBER_MIN_BIRTH_DATE, normalize_phone, parse_id_number
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .choices import Sex
from .models import Person

#: Keys per query when matching existing persons.
CHUNK = 5000
#: Rows per progress report while checking.
PROGRESS_EVERY = 20_000
#: A file may hold this many rows (a city-wide screening list), more than the generic imports' cap.
MAX_ROWS = 2_000_000
#: Persons written per statement while saving (the job page counts the rows saved between them).
WRITE_BATCH = 50_000
#: Largest upload: a 2,000,000-row CSV with every column is about 180 MB (the generic imports' cap is 20 MB).
MAX_BYTES = 200 * 1024 * 1024
#: Persons' regions: a town, village or grid (the finest known place of residence).
REGION_LEVELS = (RegionLevel.TOWN, RegionLevel.VILLAGE, RegionLevel.GRID)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # a lazy translation (English msgid)
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("name", gettext_lazy("name"), True, ("姓名",)),
    Column("id_number", gettext_lazy("identity number"), False, ("身份证号", "身份证号码", "证件号码", "公民身份号码")),
    Column("phone", gettext_lazy("phone"), False, ("手机号", "手机号码", "联系电话", "电话")),
    Column("address", gettext_lazy("address"), False, ("住址", "现住址", "居住地址", "详细地址")),
    Column("region", gettext_lazy("region code"), True, ("区划代码", "网格代码", "所属区划代码", "region")),
    Column("person_class", gettext_lazy("person class"), False, ("人员类别", "人员类型")),
    Column("reason", gettext_lazy("reason"), False, ("原因", "筛查原因", "管控原因")),
    Column("source_list", gettext_lazy("source list"), False, ("来源名单", "名单名称", "名单来源")),
)
_BY_KEY = {c.key: c for c in COLUMNS}


def _normalize_header(text: str) -> str:
    return text.strip().strip("*").strip().lower().replace(" ", "").replace("_", "")


def header_map() -> dict[str, str]:
    """Every accepted spelling of each column (key, Chinese and English label, aliases) → column key."""
    mapping: dict[str, str] = {}
    for column in COLUMNS:
        mapping[_normalize_header(column.key)] = column.key
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                mapping[_normalize_header(str(column.label))] = column.key
        for alias in column.aliases:
            mapping[_normalize_header(alias)] = column.key
    return mapping


def column_labels() -> list[str]:
    """Column headers for the template, in the current language; required ones marked ``*``."""
    return [f"{c.label}*" if c.required else str(c.label) for c in COLUMNS]


# ---- reading ---------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise importers.ImportFileError(_("Cannot recognise the encoding of the CSV file; save it as UTF-8."))


def read(data: bytes, filename: str) -> tuple[list[str], Iterable[list[str]]]:
    """``(headers, rows)`` of a CSV or XLSX file; CSV rows are streamed (a million rows are never held as lists)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        headers, rows = importers.read_table(data, filename)
        return headers, rows
    if not name.endswith(".csv"):
        raise importers.ImportFileError(_("Only .xlsx or .csv files are supported."))
    reader = csv.reader(io.StringIO(_decode(data)))
    for first in reader:
        if any(c.strip() for c in first):
            return [c.strip() for c in first], reader
    raise importers.ImportFileError(
        _("The file is empty: the first row should be the column headers, then one record per row.")
    )


def count_rows(data: bytes, filename: str) -> int:
    """About how many data rows a file has (for the job's progress bar before the check counts them)."""
    if filename.lower().endswith(".csv"):
        return max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))
    _headers, rows = importers.read_table(data, filename)
    return len(rows)


# ---- checking --------------------------------------------------------------------------------------------------------

#: One new person: row, name, id_number, phone, sex, birth_date, address, region_id, notes.
Record = list


@dataclass
class PersonImportResult(importers.ImportResult):
    """What a file will do: new persons (as compact records), matches, merged rows, or errors."""

    records: list[Record] = field(default_factory=list)
    matched: list[tuple[int, int]] = field(default_factory=list)  # (row, existing person pk)
    merged: list[tuple[int, int]] = field(default_factory=list)  # (row, the earlier row it repeats)
    notes: list[str] = field(default_factory=list)  # summary lines for the job page
    created_count: int = 0  # set by :func:`import_file` after the commit

    @property
    def new_count(self) -> int:
        return len(self.records)


_SPACES = re.compile(r"\s+")
_ROW, _NAME, _ID, _PHONE, _SEX, _BIRTH, _ADDRESS, _REGION, _NOTES = range(9)


class _Regions:
    """Region codes looked up once per file, with the actor's scope decided once per region."""

    def __init__(self, user):
        self.by_code: dict[str, tuple[int, str, int]] = {
            code: (pk, prefix, level)
            for pk, code, prefix, level in Region.objects.filter(archived_at__isnull=True).values_list(
                "pk", "code", "prefix", "level"
            )
        }
        self.user = user
        self.can_add = user.has_perm("epidemic.add_person")
        self.scopes = get_scopes(user)
        self._allowed: dict[str, bool] = {}

    def allowed(self, prefix: str) -> bool:
        if prefix not in self._allowed:
            self._allowed[prefix] = self.can_add and (
                self.scopes.unrestricted or any(prefix.startswith(p) for p in self.scopes.prefixes)
            )
        return self._allowed[prefix]


_ID_TABLES = tuple({str(d): d * w for d in range(10)} for w in (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))
_ID_CHECK = "10X98765432"


def _fast_id(raw: str, today: date) -> tuple[str, date, str] | None:
    """(number, birth date, sex) of a well-formed 18-character identity number, or ``None``.

    The common case of a million-row file, decided without building anything: ``None`` for anything else
    (lower-case x, spaces, full-width digits, the 15-digit form, any error), which then goes through
    :func:`safecity.core.validators.parse_id_number` — the one source of the rules and of the messages.
    A test checks that both agree on every number it accepts.
    """
    if len(raw) != 18 or not raw.isascii() or not raw[:17].isdigit() or raw[0] == "0":
        return None
    if _ID_CHECK[sum(map(getitem, _ID_TABLES, raw)) % 11] != raw[17]:
        return None
    try:
        birth = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        return None
    if birth < ID_NUMBER_MIN_BIRTH_DATE or birth > today:
        return None
    return raw, birth, (Sex.MALE.value if int(raw[16]) % 2 else Sex.FEMALE.value)


def check(
    headers: list[str],
    rows: Iterable[list[str]],
    *,
    user,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> PersonImportResult:
    """Validate every row, merge repeated persons, match persons already in the index; nothing is written."""
    # A million records (lists, none in a reference cycle) and their dict entries: the cyclic garbage collector's
    # passes over them are pure overhead.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(headers, rows, user=user, progress=progress, today=today)
    finally:
        if collecting:
            gc.enable()


def _check(headers, rows, *, user, progress, today) -> PersonImportResult:
    mapping = header_map()
    columns: list[str | None] = []
    unknown = []
    for header in headers:
        key = mapping.get(_normalize_header(header))
        columns.append(key)
        if key is None and header.strip():
            unknown.append(header)
    present = {c for c in columns if c}
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in present]
    result = PersonImportResult(headers=list(headers), unknown_headers=unknown, missing_columns=missing)
    if missing:
        return result
    if "id_number" not in present and "phone" not in present:
        result.missing_columns.append(f"{_BY_KEY['id_number'].label} / {_BY_KEY['phone'].label}")
        return result

    index = {key: columns.index(key) for key in present}
    i_name, i_region = index["name"], index["region"]
    i_id, i_phone, i_address = index.get("id_number"), index.get("phone"), index.get("address")
    extras = [(index[k], str(_BY_KEY[k].label)) for k in ("person_class", "reason", "source_list") if k in index]
    labels = {c.key: str(c.label) for c in COLUMNS}
    width = len(headers)
    today = today or timezone.localdate()
    regions = _Regions(user)
    errors = result.errors
    records = result.records
    by_id: dict[str, Record] = {}
    by_name_phone: dict[tuple[str, str], Record] = {}
    male, female, unknown_sex = Sex.MALE.value, Sex.FEMALE.value, Sex.UNKNOWN.value
    msg_name_required = _("Enter the name.")
    msg_name_long = _("The name is longer than 50 characters.")
    msg_no_key = _("Give an identity number or a phone, so that the person can be found again.")
    msg_region_required = _("Enter the region code of the town, village or grid.")
    msg_region_unknown = _("No region has this code.")
    msg_region_level = _("Give the code of a town, village or grid, not of a county or city.")
    msg_region_scope = _("This region is outside your area.")
    msg_address_long = _("The address is longer than 255 characters.")

    row_number = 1
    for row in rows:
        row_number += 1
        if len(row) < width:
            row = row + [""] * (width - len(row))
        name = _SPACES.sub(" ", row[i_name]).strip()
        raw_id = row[i_id].strip() if i_id is not None else ""
        raw_phone = row[i_phone].strip() if i_phone is not None else ""
        code = row[i_region].strip().removesuffix(".0")
        if not (name or raw_id or raw_phone or code) and not any(c.strip() for c in row):
            continue  # a blank line: skipped, but it keeps its number so rows match the spreadsheet
        result.total_rows += 1
        if result.total_rows > MAX_ROWS:
            raise importers.ImportFileError(
                _("At most %(max)s rows can be imported at once; split the file.") % {"max": f"{MAX_ROWS:,}"}
            )
        if progress is not None and result.total_rows % PROGRESS_EVERY == 0:
            progress(result.total_rows)
        bad = False
        if not name:
            errors.append(importers.RowError(row_number, labels["name"], msg_name_required))
            bad = True
        elif len(name) > 50:
            errors.append(importers.RowError(row_number, labels["name"], msg_name_long))
            bad = True
        id_number = sex = birth = None
        if raw_id:
            fast = _fast_id(raw_id, today)
            if fast is not None:
                id_number, birth, sex = fast
            else:
                try:
                    info = parse_id_number(raw_id, today=today)
                except ValidationError as exc:
                    errors.append(importers.RowError(row_number, labels["id_number"], " ".join(exc.messages)))
                    bad = True
                else:
                    id_number, birth = info.number, info.birth_date
                    sex = male if info.sex == "male" else female
        phone = ""
        if raw_phone:
            try:
                phone = normalize_phone(raw_phone)
            except ValidationError as exc:
                errors.append(importers.RowError(row_number, labels["phone"], " ".join(exc.messages)))
                bad = True
        if not raw_id and not raw_phone:
            errors.append(importers.RowError(row_number, labels["id_number"], msg_no_key))
            bad = True
        region_id = None
        if not code:
            errors.append(importers.RowError(row_number, labels["region"], msg_region_required))
            bad = True
        else:
            found = regions.by_code.get(code)
            if found is None:
                errors.append(importers.RowError(row_number, labels["region"], msg_region_unknown))
                bad = True
            elif found[2] not in REGION_LEVELS:
                errors.append(importers.RowError(row_number, labels["region"], msg_region_level))
                bad = True
            elif not regions.allowed(found[1]):
                errors.append(importers.RowError(row_number, labels["region"], msg_region_scope))
                bad = True
            else:
                region_id = found[0]
        address = row[i_address].strip() if i_address is not None else ""
        if len(address) > 255:
            errors.append(importers.RowError(row_number, labels["address"], msg_address_long))
            bad = True
        if bad:
            continue
        # Same person as an earlier row? Same ID; else same name + phone where one of the two has no ID.
        earlier = None
        if id_number:
            earlier = by_id.get(id_number)
            if earlier is None and phone:
                candidate = by_name_phone.get((name, phone))
                if candidate is not None and not candidate[_ID]:
                    earlier = candidate
                    candidate[_ID], candidate[_SEX], candidate[_BIRTH] = id_number, sex, birth
                    by_id[id_number] = candidate
        else:
            earlier = by_name_phone.get((name, phone))
        if earlier is not None:
            result.merged.append((row_number, earlier[_ROW]))
            continue
        notes = "；".join(f"{label}：{row[i].strip()}" for i, label in extras if row[i].strip())
        record = [row_number, name, id_number or "", phone, sex or unknown_sex, birth, address, region_id, notes]
        records.append(record)
        if id_number:
            by_id[id_number] = record
        if phone:
            by_name_phone.setdefault((name, phone), record)
        if len(result.preview) < 20:
            result.preview.append(row)
    if progress is not None:
        progress(result.total_rows)
    if result.total_rows == 0 and not errors:
        raise importers.ImportFileError(
            _("The file is empty: the first row should be the column headers, then one record per row.")
        )
    if not errors:
        _match_existing(result, by_id, by_name_phone)
    result.notes = _summary(result)
    return result


def _match_existing(
    result: PersonImportResult, by_id: dict[str, Record], by_name_phone: dict[tuple[str, str], Record]
) -> None:
    """Drop records whose person is already in the index (same ID; else same name + phone), in chunked queries."""
    matched: dict[int, int] = {}  # id(record) → existing pk
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        for number, pk in _existing("id_number", ["id_number", "id"], ids[start : start + CHUNK]):
            matched[id(by_id[number])] = pk
    phones = sorted({phone for _name, phone in by_name_phone})
    for start in range(0, len(phones), CHUNK):
        for name, phone, number, pk in _existing(
            "phone", ["name", "phone", "id_number", "id"], phones[start : start + CHUNK]
        ):
            record = by_name_phone.get((name, phone))
            if record is None or id(record) in matched:
                continue
            if not record[_ID] or not number:  # one side without an ID: same name + phone is the same person
                matched[id(record)] = pk
    if not matched:
        return
    kept = []
    for record in result.records:
        pk = matched.get(id(record))
        if pk is None:
            kept.append(record)
        else:
            result.matched.append((record[_ROW], pk))
    result.records = kept


def _existing(column: str, columns: list[str], values: list[str]) -> list[tuple]:
    """Persons (not merged away) whose ``column`` is one of ``values``: one plain query per chunk (the ORM's
    ``__in`` costs more in Python than the query itself at 5,000 values)."""
    table = Person._meta.db_table
    if connection.vendor == "postgresql":
        where, params = f"{column} = ANY(%s)", [values]
    else:
        where, params = f"{column} IN ({', '.join(['%s'] * len(values))})", values
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE merged_into_id IS NULL AND {where}", params)
        return cursor.fetchall()


def _summary(result: PersonImportResult) -> list[str]:
    if result.errors or result.missing_columns:
        return []
    lines = [
        _(
            "%(rows)s rows: %(new)s new persons, %(matched)s already in the person index (not created again), "
            "%(merged)s rows repeat an earlier row of the file (merged into it)."
        )
        % {
            "rows": f"{result.total_rows:,}",
            "new": f"{result.new_count:,}",
            "matched": f"{len(result.matched):,}",
            "merged": f"{len(result.merged):,}",
        }
    ]
    if result.merged:
        shown = "、".join(_("row %(row)s → row %(first)s") % {"row": r, "first": f} for r, f in result.merged[:10])
        lines.append(_("Repeated rows, for example: %(rows)s") % {"rows": shown})
    if result.matched:
        shown = "、".join(str(r) for r, _pk in result.matched[:10])
        lines.append(_("Rows already in the person index, for example rows %(rows)s") % {"rows": shown})
    return lines


# ---- committing ------------------------------------------------------------------------------------------------------


def _check_scope(actor, region_ids: set[int]) -> None:
    """Inside the transaction: every region written to is still in the actor's scope (else nothing is written)."""
    scopes = get_scopes(actor)
    allowed = actor.has_perm("epidemic.add_person")
    if allowed and not scopes.unrestricted:
        ids = list(region_ids)
        for start in range(0, len(ids), CHUNK):
            prefixes = Region.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("prefix", flat=True)
            if not all(any(p.startswith(s) for s in scopes.prefixes) for p in prefixes):
                allowed = False
                break
    if not allowed:
        raise OutOfScope(_("Some imported records are outside your area; nothing has been imported."))


def commit(result: PersonImportResult, *, actor, progress=None) -> int:
    """Create the new persons with their ``+`` history rows in one transaction; returns how many were created.

    A person with the same identity number saved by someone else since the check is matched, not duplicated
    (``ON CONFLICT DO NOTHING`` on PostgreSQL); any other refusal of the database imports nothing.
    """
    if not result.ok:
        raise ValueError("refusing to import a file with errors")
    if not result.records:
        return 0
    try:
        with transaction.atomic():
            _check_scope(actor, {r[_REGION] for r in result.records})
            if connection.vendor in ("postgresql", "sqlite"):
                return _commit_staged(result.records, actor=actor, progress=progress)
            return _commit_bulk(result.records, actor=actor)
    except IntegrityError as exc:
        raise importers.ImportFileError(
            _("The database refused the rows, so nothing was imported: %(error)s") % {"error": exc}
        ) from exc


def _commit_bulk(records: list[Record], *, actor) -> int:
    instances = [
        Person(
            name=r[_NAME],
            id_number=r[_ID],
            phone=r[_PHONE],
            sex=r[_SEX],
            birth_date=r[_BIRTH],
            address=r[_ADDRESS],
            region_id=r[_REGION],
            notes=r[_NOTES],
        )
        for r in records
    ]
    objects_bulk_create(actor=actor, model=Person, instances=instances, batch_size=500)
    return len(instances)


_STAGE_COLUMNS = ("row_number", "name", "id_number", "phone", "sex", "birth_date", "address", "region_id", "notes")


def _insert_parts(*, actor, stage: str, person: str):
    """Column lists and SELECT lists (``%s`` placeholders and their values) of the person and history inserts:
    persons from the staging table aliased ``stage``, history rows from the inserted persons aliased ``person``."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fixed = {
        "created_at": ("%s", now),
        "updated_at": ("%s", now),
        "created_by_id": ("%s", actor.pk),
        "updated_by_id": ("%s", actor.pk),
        "archived_at": ("NULL", None),
        "cluster_id": ("NULL", None),
        "merged_into_id": ("NULL", None),
    }
    person_columns = [f.column for f in Person._meta.concrete_fields if not f.primary_key]
    person_select, person_params = [], []
    for column in person_columns:
        if column in fixed:
            expression, value = fixed[column]
            person_select.append(expression)
            if expression == "%s":
                person_params.append(value)
        elif column in _STAGE_COLUMNS:
            person_select.append(f"{stage}.{column}")
        else:
            raise RuntimeError(f"person import does not know how to fill epidemic_person.{column}")
    history_fixed = {
        "history_date": ("%s", now),
        "history_change_reason": ("%s", "import"),
        "history_type": ("%s", "+"),
        "history_user_id": ("%s", actor.pk),
    }
    history_columns, history_select, history_params = [], [], []
    history_model = Person.history.model
    for f in history_model._meta.concrete_fields:
        if f.column == "history_id":
            continue
        history_columns.append(f.column)
        if f.column in history_fixed:
            expression, value = history_fixed[f.column]
            history_select.append(expression)
            history_params.append(value)
        elif f.column == "id" or f.column in person_columns:
            history_select.append(f"{person}.{f.column}")
        else:
            raise RuntimeError(f"person import does not know how to fill {history_model._meta.db_table}.{f.column}")
    person_insert = (
        f"INSERT INTO {Person._meta.db_table} ({', '.join(person_columns)}) "
        f"SELECT {', '.join(person_select)} FROM person_import_stage {stage} "
        f"WHERE {stage}.row_number >= %s AND {stage}.row_number < %s ORDER BY {stage}.row_number "
        f"ON CONFLICT DO NOTHING"
    )
    history_insert = (
        f"INSERT INTO {history_model._meta.db_table} ({', '.join(history_columns)}) SELECT {', '.join(history_select)}"
    )
    return person_insert, person_params, history_insert, history_params


_STAGE_TABLE = (
    "CREATE TEMPORARY TABLE person_import_stage (row_number integer, name varchar(50), id_number varchar(18), "
    "phone varchar(30), sex varchar(10), birth_date date, address varchar(255), region_id bigint, notes text)"
)


def _create_stage(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(_STAGE_TABLE + " ON COMMIT DROP")
    else:
        cursor.execute("DROP TABLE IF EXISTS temp.person_import_stage")
        cursor.execute(_STAGE_TABLE)


def _stage_records(cursor, records: list[Record]) -> None:
    """Fill the staging table from checked records (PostgreSQL: COPY; otherwise batched INSERTs)."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY person_import_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
        return
    insert = f"INSERT INTO person_import_stage VALUES ({', '.join(['%s'] * len(_STAGE_COLUMNS))})"
    for start in range(0, len(records), 10_000):
        cursor.executemany(
            insert,
            [
                (*r[:_BIRTH], r[_BIRTH] and r[_BIRTH].isoformat(), *r[_ADDRESS:])
                for r in records[start : start + 10_000]
            ],
        )


#: Text columns of the kept file that are never NULL (an empty CSV field is NULL to COPY unless forced).
_NOT_NULL = ("name", "id_number", "phone", "sex", "address", "notes")


def _stage_kept(cursor, path: Path) -> None:
    """Fill the staging table from a kept check (:func:`keep`): on PostgreSQL the file goes to COPY as it is."""
    if connection.vendor == "postgresql":
        sql = (
            f"COPY person_import_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN "
            f"(FORMAT csv, FORCE_NOT_NULL ({', '.join(_NOT_NULL)}))"
        )
        with cursor.cursor.copy(sql) as copy, path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                copy.write(block)
        return
    insert = f"INSERT INTO person_import_stage VALUES ({', '.join(['%s'] * len(_STAGE_COLUMNS))})"
    with path.open(newline="", encoding="utf-8") as file:
        rows = csv.reader(file)
        while True:
            chunk = [
                (int(r[_ROW]), *r[_NAME:_BIRTH], r[_BIRTH] or None, r[_ADDRESS], int(r[_REGION]), r[_NOTES])
                for r in itertools.islice(rows, 10_000)
            ]
            if not chunk:
                break
            cursor.executemany(insert, chunk)


def _write_staged(cursor, *, actor, progress=None) -> int:
    """Insert the staged persons and their ``+`` history rows, :data:`WRITE_BATCH` rows of the file at a time.

    PostgreSQL: one statement per batch inserts the persons and, from its RETURNING, their history rows; a person
    with the same identity number inserted meanwhile is skipped (ON CONFLICT), not duplicated. SQLite: the
    transaction holds the write lock, so the ids after the previous maximum are the batch's persons.
    """
    cursor.execute("CREATE INDEX person_import_stage_row ON person_import_stage (row_number)")
    cursor.execute("SELECT MIN(row_number), MAX(row_number) FROM person_import_stage")
    low, high = cursor.fetchone()
    if low is None:
        return 0
    postgresql = connection.vendor == "postgresql"
    person_insert, person_params, history_insert, history_params = _insert_parts(
        actor=actor, stage="s", person="ins" if postgresql else "p"
    )
    table = Person._meta.db_table
    created = 0
    for first in range(low, high + 1, WRITE_BATCH):
        bounds = [first, min(first + WRITE_BATCH, high + 1)]
        if postgresql:
            cursor.execute(
                f"WITH ins AS ({person_insert} RETURNING *) {history_insert} FROM ins",
                [*person_params, *bounds, *history_params],
            )
            created += cursor.rowcount
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            before = cursor.fetchone()[0]
            cursor.execute(person_insert, [*person_params, *bounds])
            created += cursor.rowcount
            cursor.execute(f"{history_insert} FROM {table} p WHERE p.id > %s ORDER BY p.id", [*history_params, before])
        if progress is not None:
            progress(bounds[1] - 2)  # rows of the file done (row 1 is the header)
    cursor.execute("DROP TABLE person_import_stage" if postgresql else "DROP TABLE temp.person_import_stage")
    return created


def _commit_staged(records: list[Record], *, actor, progress=None) -> int:
    with connection.cursor() as cursor:
        _create_stage(cursor)
        _stage_records(cursor, records)
        return _write_staged(cursor, actor=actor, progress=progress)


# ---- a kept check: the confirmed import saves what the upload's check found ------------------------------------------


def keep(result: PersonImportResult, path: Path) -> None:
    """Write the records of a check without errors as CSV, in the staging table's columns (:func:`commit_kept`)."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerows(
            (*r[:_BIRTH], r[_BIRTH].isoformat() if r[_BIRTH] else "", *r[_ADDRESS:]) for r in result.records
        )


def _match_since(cursor, since) -> tuple[int, list[int]]:
    """Drop staged rows whose person was saved by someone else since ``since`` (the same rule as the check:
    same identity number; else same name and phone where one side has no identity number). Returns how
    many, and some of their row numbers."""
    table = Person._meta.db_table
    since = connection.ops.adapt_datetimefield_value(since)
    same = (
        f"SELECT s.row_number FROM person_import_stage s JOIN {table} p ON p.id_number = s.id_number "
        f"WHERE s.id_number <> '' AND p.merged_into_id IS NULL AND p.updated_at >= %s "
        f"UNION SELECT s.row_number FROM person_import_stage s JOIN {table} p ON p.name = s.name AND p.phone = s.phone "
        f"WHERE s.phone <> '' AND (s.id_number = '' OR p.id_number = '') AND p.merged_into_id IS NULL "
        f"AND p.updated_at >= %s"
    )
    cursor.execute(f"SELECT row_number FROM ({same}) m ORDER BY row_number LIMIT 10", [since, since])
    examples = [row for (row,) in cursor.fetchall()]
    if not examples:
        return 0, []
    cursor.execute(f"DELETE FROM person_import_stage WHERE row_number IN ({same})", [since, since])
    return cursor.rowcount, examples


def commit_kept(path: Path, *, actor, since, progress=None) -> tuple[int, list[str]]:
    """Save a kept check all or nothing: the actor's scope and the regions are checked again inside the
    transaction, and rows whose person was saved by someone else since the upload are matched, not created."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _create_stage(cursor)
            _stage_kept(cursor, path)
            cursor.execute("SELECT DISTINCT region_id FROM person_import_stage")
            region_ids = {region_id for (region_id,) in cursor.fetchall()}
            _check_scope(actor, region_ids)
            matched, examples = _match_since(cursor, since)
            created = _write_staged(cursor, actor=actor, progress=progress)
    except IntegrityError as exc:
        raise importers.ImportFileError(
            _("The database refused the rows, so nothing was imported: %(error)s") % {"error": exc}
        ) from exc
    notes = []
    if matched:
        notes.append(
            _(
                "%(count)s rows matched persons saved by others since the upload (not created again), "
                "for example rows %(rows)s."
            )
            % {"count": f"{matched:,}", "rows": "、".join(map(str, examples))}
        )
    return created, notes


def template_response():
    """An empty XLSX with the person-list columns, required ones marked, and one example row."""
    from django.http import HttpResponse
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("person list"))[:31]
    sheet.append(column_labels())
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="person-list-template.xlsx"'
    workbook.save(response)
    return response


def import_file(data: bytes, filename: str, *, actor, progress=None) -> PersonImportResult:
    """Check and, without errors, commit a file in the caller's process (management command, tests)."""
    headers, rows = read(data, filename)
    result = check(headers, rows, user=actor, progress=progress)
    if result.ok:
        result.created_count = commit(result, actor=actor)
    return result


JOB_IMPORTER = register_importer(
    JobImporter(
        key="epidemic.person_list",
        check=check,
        commit=commit,
        url_name="epidemic:person_import",
        read=read,
        commit_progress=True,
        keep=keep,
        commit_kept=commit_kept,
    )
)
