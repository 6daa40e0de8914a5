"""Benchmark: a county official imports an Excel list of organizations (default 20,000 rows).

Generates an XLSX in memory (unique enterprise names, real Xinhui town/village codes, valid mobiles) and, as
``county-xinhui``, times the three phases the import page runs:

1. ``read_table``      — XLSX bytes → header + rows (openpyxl, read-only);
2. ``validate_rows``   — every row through ``OrganizationImportForm`` (queries counted);
3. ``commit_rows``     — ``bulk_create`` with history rows and the scope re-check, in one transaction.

Baseline, same run: a plain ``Organization.objects.bulk_create`` (batch 1,000, in one transaction) of the same
number of rows with fresh names — no validation, no history, no scope check.

    .venv/bin/python bench/import_organizations.py [--rows N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_organizations.py
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter, deque

import _setup

HEADERS = ["名称", "类型", "区划代码", "负责人", "负责人电话"]
SURNAMES = "陈李黄张梁林何吴罗谭郑冯钟赵周"


def make_rows(n: int, codes: list[str], tag: str) -> list[list[str]]:
    """``n`` valid organization rows: unique names, kind "enterprise", Xinhui codes, valid mobiles."""
    rows = []
    for i in range(n):
        rows.append(
            [
                f"新会{tag}{SURNAMES[i % len(SURNAMES)]}记{i:06d}五金制品有限公司",
                "enterprise",
                codes[i % len(codes)],
                f"{SURNAMES[(i // 7) % len(SURNAMES)]}{'伟芳娜敏静丽强磊军洋'[i % 10]}",
                f"13{(i % 7) + 3}{i:08d}",
            ]
        )
    return rows


class ExecuteTimer:
    """``connection.execute_wrapper`` that adds up the time spent executing queries in the driver and database."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def query_shape(sql: str) -> str:
    """A query with its literals removed, so per-row queries group together."""
    shape = re.sub(r"'(?:[^']|'')*'", "?", sql)
    shape = re.sub(r"\b\d+\b", "?", shape)
    return shape[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the file (default 20,000)")
    args = parser.parse_args()
    n = args.rows

    _setup.setup()

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from safecity.accounts.models import User
    from safecity.core.importers import commit_rows, read_table, validate_rows
    from safecity.core.testing import xlsx_bytes
    from safecity.geo.models import Region
    from safecity.orgs.forms import OrganizationImportForm
    from safecity.orgs.models import Organization

    user = User.objects.get(username="county-xinhui")
    regions = {r.code: r for r in Region.objects.filter(prefix__startswith="440705", level__in=[4, 5])}
    codes = sorted(regions)
    before = Organization.objects.count()

    with _setup.Timer() as t:
        data = xlsx_bytes(HEADERS, make_rows(n, codes, "导入"))
    print(f"# scale: {n:,} rows over {len(codes)} Xinhui town/village codes; XLSX {len(data) / 1e6:.1f} MB")
    print(f"#        (generated in {t.seconds:.1f}s, not counted)")

    # ---- baseline: plain bulk_create of N fresh rows ----------------------------------------------------------------
    baseline_rows = make_rows(n, codes, "对照")
    with _setup.Timer() as t_base, transaction.atomic():
        Organization.objects.bulk_create(
            [
                Organization(name=name, kind=kind, region=regions[code], responsible_person=who, responsible_phone=ph)
                for name, kind, code, who, ph in baseline_rows
            ],
            batch_size=1000,
        )
    baseline = t_base.seconds

    # ---- the import, phase by phase ---------------------------------------------------------------------------------
    with _setup.Timer() as t_read:
        headers, rows = read_table(data, "organizations.xlsx")
    assert len(rows) == n, (len(rows), n)

    # CaptureQueriesContext reads connection.queries_log, capped at 9,000 entries: lift the cap for this count.
    connection.queries_log = deque(maxlen=None)
    db_time = ExecuteTimer()
    with (
        _setup.Timer() as t_validate,
        CaptureQueriesContext(connection) as queries,
        connection.execute_wrapper(db_time),
    ):
        result = validate_rows(OrganizationImportForm, headers, rows, user=user)
    if not result.ok:
        raise SystemExit(f"validation failed: {result.errors[:5]} {result.missing_columns}")

    with _setup.Timer() as t_commit:
        saved = commit_rows(result, actor=user, bulk=True)
    assert saved == n
    history = Organization.history.filter(history_change_reason="import").count()
    assert Organization.objects.count() == before + 2 * n and history == n

    total = t_read.seconds + t_validate.seconds + t_commit.seconds
    print()
    print(f"{'phase':<34} {'seconds':>9} {'rows/s':>10}")
    for label, seconds in (
        ("read_table (openpyxl)", t_read.seconds),
        ("validate_rows (form per row)", t_validate.seconds),
        ("commit_rows (bulk + history)", t_commit.seconds),
        ("import total", total),
        ("baseline: plain bulk_create", baseline),
    ):
        print(f"{label:<34} {seconds:9.2f} {n / seconds:10,.0f}")
    print(f"ratio import total / baseline: {_setup.ratio(total, baseline)}")
    print(f"ratio validate_rows / baseline: {_setup.ratio(t_validate.seconds, baseline)}")

    count = len(queries.captured_queries)
    print()
    print(f"validate_rows SQL queries: {count:,} = {count / n:.2f} per row")
    share = db_time.seconds / t_validate.seconds
    print(f"  time inside cursor.execute: {db_time.seconds:.2f}s = {share:.0%} of validate_rows (the rest is Python)")
    shapes = Counter(query_shape(q["sql"]) for q in queries.captured_queries)
    for shape, times in shapes.most_common(4):
        print(f"  {times:>7,}x  {shape}")


if __name__ == "__main__":
    main()
