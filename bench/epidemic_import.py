"""Benchmark: import of a list of screened / contact persons through the background job path.

    [DATABASE_URL=postgres://…/<db>] python bench/epidemic_import.py [--rows 1000000]

A CSV of ``--rows`` persons (name, identity number, phone, address, region code, person class, source list)
is generated — 1 % of its rows repeat an earlier row of the file (merged), 1 % are persons already in the
index (matched: a "previous list" of them is imported first, untimed), 5 % have a phone but no identity
number. Then, as user ``hq`` (whole city):

* ``start_import_job`` stores the file, ``run_import_job(check)`` validates and deduplicates every row and
  keeps the rows to save (a signed file next to the upload), ``confirm_import_job`` and
  ``run_import_job(commit)`` save the kept rows (re-checking scope and persons saved since the upload) and
  write persons and history rows — the path the upload page takes (the workers run it; here it runs in this
  process). While it runs, a second thread opens the job page ``/imports/<pk>/`` every half second and
  records the progress it shows.
* Baseline (same run, same file): PostgreSQL's own ``COPY … FROM STDIN (FORMAT csv, HEADER)`` into a bare
  table with the file's 7 text columns; on SQLite (no COPY) ``executemany`` INSERT into a bare table.

* Write floors (PostgreSQL): the database alone writing the same new persons (and history rows) again into
  fresh tables with the person and history tables' own columns (``CREATE TABLE … (LIKE …)``, then ``INSERT …
  SELECT`` of the rows just imported) — no validation, no deduplication, no Python: with all our indexes and
  constraints (what any import into these tables costs at least), and persons alone into a table with only a
  primary key, then with the primary key and the unique identity number (the least any person index that keeps
  one record per person must maintain).

Printed: rows/s of the commit run (validation + deduplication + write: what a user waits for after
confirming), of the check run, of both together, the baseline's rows/s, and the ratio (target ≥ 1/3 of COPY).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import threading
import time

from _setup import BENCH_PASSWORD, Timer, setup  # noqa: F401 - the password documents the demo login


def build_csv(rows: int, regions: list[str], seed: int = 1) -> tuple[bytes, bytes]:
    """(the main file, the "previous list" of persons already in the index before it)."""
    from safecity.core.validators import id_check_char
    from safecity.epidemic.factories import GIVEN, SURNAMES

    rng = random.Random(seed)
    headers = ["姓名", "身份证号", "手机号", "住址", "区划代码", "人员类别", "来源名单"]
    classes = ["密接", "次密接", "高风险区流入", "重点人群筛查"]

    def person(i: int) -> list[str]:
        code = regions[i % len(regions)]
        born = f"{1940 + i % 75}{1 + i % 12:02d}{1 + i % 28:02d}"
        first17 = f"{code[:6]}{born}{(i // 900) % 1000:03d}"
        number = first17 + id_check_char(first17) if i % 20 else ""  # 5 % without an identity number
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        phone = f"1{'3589'[i % 4]}{i:09d}"
        return [name, number, phone, f"{i % 300}号", code, classes[i % 4], "大数据推送名单"]

    previous = [person(i) for i in range(rows, rows + rows // 100)]
    main: list[list[str]] = []
    for i in range(rows):
        if i % 100 == 50 and main:
            main.append(list(main[rng.randrange(len(main))]))  # repeats an earlier row
        elif i % 100 == 70:
            main.append(list(previous[(i // 100) % len(previous)]))  # already in the index
        else:
            main.append(person(i))

    def encode(table):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(table)
        return buffer.getvalue().encode("utf-8")

    return encode(main), encode(previous)


class PagePoller(threading.Thread):
    """Opens the job page as its owner every ``interval`` seconds; records (seconds, status, rows shown)."""

    def __init__(self, job_id: int, user, interval: float = 0.5):
        super().__init__(daemon=True)
        self.job_id, self.user, self.interval = job_id, user, interval
        self.seen: list[tuple[float, str, str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        client = Client()
        client.force_login(self.user)
        start = time.perf_counter()
        try:
            while not self.stop.is_set():
                try:
                    html = client.get(f"/imports/{self.job_id}/", headers={"HX-Request": "true"}).content.decode()
                except Exception as exc:  # a locked SQLite file during the write: note it and go on
                    self.seen.append((time.perf_counter() - start, "error", type(exc).__name__))
                else:
                    status = re.search(r'data-status="(\w+)"', html)
                    shown = re.search(r'aria-valuenow="(\d+)"', html)
                    self.seen.append(
                        (
                            time.perf_counter() - start,
                            status.group(1) if status else "?",
                            f"{shown.group(1)}%" if shown else "?",
                        )
                    )
                self.stop.wait(self.interval)
        finally:
            connection.close()


def copy_baseline(data: bytes) -> tuple[float, int]:
    """Seconds to load the same file into a bare table with the database's own bulk load; rows loaded."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_persons")
        cursor.execute(
            "CREATE TABLE bench_bare_persons (name text, id_number text, phone text, address text, "
            "region_code text, person_class text, source_list text)"
        )
    with Timer() as timer, transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_bare_persons FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                view = memoryview(data)
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])
        else:
            reader = csv.reader(io.StringIO(data.decode("utf-8")))
            next(reader)
            cursor.executemany("INSERT INTO bench_bare_persons VALUES (%s, %s, %s, %s, %s, %s, %s)", list(reader))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_persons")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare_persons")
    return timer.seconds, count


#: The write floors measured, least work first: (label, SQL run on the empty ``bench_floor_person`` — made
#: ``LIKE`` our person table with its columns and defaults only —, write the history rows too (into a table
#: ``LIKE`` ours with all its indexes)).
FLOORS = (
    ("persons only, primary key only", ["ALTER TABLE bench_floor_person ADD PRIMARY KEY (id)"], False),
    (
        "persons only, primary key + unique identity number (one record per person: the least a deduplicating "
        "person index has)",
        [
            "ALTER TABLE bench_floor_person ADD PRIMARY KEY (id)",
            "CREATE UNIQUE INDEX ON bench_floor_person (id_number) WHERE id_number <> '' AND merged_into_id IS NULL",
        ],
        False,
    ),
    ("persons + history, all our indexes and constraints", None, True),
)


def write_floor(first_id: int, person_ddl: list[str] | None, with_history: bool) -> tuple[float, int]:
    """Seconds for PostgreSQL to write the persons with ``id >= first_id`` (and, ``with_history``, their history
    rows) again into fresh logged tables with our tables' columns: the person table with ``person_ddl`` run on it,
    or, for ``None``, with all our person table's indexes and constraints."""
    from django.db import connection, transaction

    from safecity.epidemic.models import Person

    person, history = Person._meta.db_table, Person.history.model._meta.db_table
    with connection.cursor() as cursor:
        like = "INCLUDING DEFAULTS" if person_ddl is not None else "INCLUDING ALL"
        cursor.execute(f"CREATE TABLE bench_floor_person (LIKE {person} {like})")
        for statement in person_ddl or []:
            cursor.execute(statement)
        cursor.execute(f"CREATE TABLE bench_floor_history (LIKE {history} INCLUDING ALL)")
        cursor.execute("CHECKPOINT")
    try:
        with Timer() as timer, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO bench_floor_person SELECT * FROM {person} WHERE id >= %s", [first_id])
            rows = cursor.rowcount
            if with_history:
                cursor.execute(f"INSERT INTO bench_floor_history SELECT * FROM {history} WHERE id >= %s", [first_id])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor_person, bench_floor_history")
    return timer.seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    env = setup()

    from django.contrib.auth import get_user_model

    from safecity.core.import_jobs import confirm_import_job, run_import_job, start_import_job
    from safecity.core.models import ImportJob
    from safecity.epidemic import person_import
    from safecity.epidemic.models import Person
    from safecity.geo.models import Region

    user = get_user_model().objects.get(username="hq")
    regions = list(Region.objects.filter(level__in=person_import.REGION_LEVELS).values_list("code", flat=True))
    with Timer() as t:
        data, previous = build_csv(args.rows, regions)
    print(
        f"# file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB, {len(regions)} region codes (built in {t.seconds:.1f}s)"
    )
    earlier = person_import.import_file(previous, "previous.csv", actor=user)
    assert earlier.ok, earlier.errors[:5]
    print(f"# previous list imported first (untimed): {earlier.created_count:,} persons")

    copy_seconds, copied = copy_baseline(data)
    assert copied == args.rows, copied

    persons_before = Person.objects.count()
    first_new_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    job = start_import_job(
        actor=user,
        importer=person_import.JOB_IMPORTER,
        data=data,
        filename="screening.csv",
        total_rows=person_import.count_rows(data, "screening.csv"),
    )
    poller = PagePoller(job.pk, user)
    poller.start()
    with Timer() as check:
        run_import_job(job.pk, commit=False)
    job.refresh_from_db()
    assert job.error_count == 0, job.errors[:5]
    summary = job.message
    confirm_import_job(actor=user, job=job)
    with Timer() as commit:
        run_import_job(job.pk, commit=True)
    poller.stop.set()
    poller.join()
    job = ImportJob.objects.get(pk=job.pk)
    created = Person.objects.count() - persons_before
    history = Person.history.filter(history_type="+").count()
    assert job.status == "done" and created == job.created_count, (job.status, job.message)

    commit_rate = args.rows / commit.seconds
    copy_rate = args.rows / copy_seconds
    both = check.seconds + commit.seconds
    label = "COPY (FORMAT csv) into a bare table" if env.backend == "postgresql" else "executemany INSERT, bare table"
    print(f"# job summary: {summary.splitlines()[0] if summary else '-'}")
    print(f"# created {created:,} persons (+ {history:,} history rows in total), job status {job.status}")
    progress = [f"{s:.1f}s {status} {shown}" for s, status, shown in poller.seen]
    print(f"# job page polled {len(progress)} times: " + ", ".join(progress[:: max(1, len(progress) // 12)]))
    print(f"baseline  {label}: {copy_seconds:7.2f}s  {copy_rate:10,.0f} rows/s")
    check_rate = args.rows / check.seconds
    print(f"check     validate + deduplicate, nothing written: {check.seconds:7.2f}s  {check_rate:10,.0f} rows/s")
    print(
        f"import    save the kept check (persons + history):   {commit.seconds:7.2f}s  {commit_rate:10,.0f} rows/s"
        f"  ratio to baseline {commit_rate / copy_rate:.2f} (target ≥ 0.33)"
    )
    print(
        f"both      upload check + confirmed import:          {both:7.2f}s  {args.rows / both:10,.0f} rows/s"
        f"  ratio to baseline {args.rows / both / copy_rate:.2f}"
    )
    if env.backend == "postgresql":
        for label, person_ddl, with_history in FLOORS:
            floor_seconds, floor_rows = write_floor(first_new_id, person_ddl, with_history)
            floor_rate = args.rows / floor_seconds
            print(
                f"floor     INSERT of the {floor_rows:,} new {label}: {floor_seconds:7.2f}s"
                f"  {floor_rate:10,.0f} rows/s  ratio to baseline {floor_rate / copy_rate:.2f}"
                f"  (the import is at {commit_rate / floor_rate:.2f} of this floor)"
            )


if __name__ == "__main__":
    main()
