"""Generate a city-scale outbreak for benchmarks and load tests: persons, exposures, cases, chains, contacts.

    safecity generate_outbreak --persons 1000000 --edges 2000000 --cases 10000 --largest 50000 --seed 1

Everything is computed in memory first — chains with union-find, close and secondary contacts of every
case by the same definitions :mod:`safecity.epidemic.graph` maintains on write — then written set-based:
``COPY`` on PostgreSQL, batched ``INSERT`` elsewhere, each table with its ``+`` history rows (history on
every change, also for generated data; ``--no-history`` skips them for a quicker load). The result is
what the services would have produced had every exposure been recorded one by one, so a benchmark reads
realistic rows.

Shape: every person belongs to one chain; the largest chain has ``--largest`` persons, the second a fifth
of that, the rest between 2 and 1,000 persons (log-uniform). Each chain is a transmission tree rooted at a
case (about half the persons are exposed to a case, the rest to anyone earlier in the chain) plus extra
exposures inside the chain up to ``--edges``; cases are spread over the chains by size (at least one per
chain while cases last). The data uses a disease and protocol of its own (``generated-x``), not a real one.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from safecity.core.validators import id_check_char
from safecity.epidemic.choices import (
    CaseSource,
    Classification,
    ContactClass,
    ExposureSource,
    Outcome,
    Proximity,
    Setting,
    Sex,
)
from safecity.epidemic.models import Case, Cluster, Contact, Disease, Exposure, Person, Protocol
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

DISEASE_CODE = "generated-x"
PROTOCOL_VERSION = "gen-1"
CLOSE_PROXIMITIES = [Proximity.CLOSE_UNPROTECTED.value, Proximity.SAME_SPACE.value]
SECONDARY_SETTINGS = [
    Setting.HOUSEHOLD.value,
    Setting.WORKPLACE.value,
    Setting.DINING.value,
    Setting.ENTERTAINMENT.value,
]
LOOK_BACK_DAYS = 4
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海波宇晨欣怡子涵浩然梓轩"
PROXIMITIES = [
    (Proximity.CLOSE_UNPROTECTED.value, 70),
    (Proximity.SAME_SPACE.value, 15),
    (Proximity.CLOSE_PROTECTED.value, 10),
    (Proximity.DISTANT.value, 5),
]
SETTINGS = [
    (Setting.HOUSEHOLD.value, 35),
    (Setting.WORKPLACE.value, 20),
    (Setting.DINING.value, 15),
    (Setting.ENTERTAINMENT.value, 10),
    (Setting.TRANSPORT.value, 10),
    (Setting.SCHOOL.value, 5),
    (Setting.OTHER.value, 5),
]
CASE_SOURCES = [
    (CaseSource.CONTACT_MANAGEMENT.value, 50),
    (CaseSource.COMMUNITY_TESTING.value, 25),
    (CaseSource.FEVER_CLINIC.value, 15),
    (CaseSource.SCREENING.value, 10),
]


def cluster_sizes(rng: random.Random, persons: int, largest: int) -> list[int]:
    """Chain sizes summing to ``persons``: the largest, a fifth of it, then log-uniform 2–1,000."""
    largest = max(2, min(largest, persons))
    sizes = [largest]
    second = min(max(2, largest // 5), persons - largest)
    if second >= 2:
        sizes.append(second)
    rest = persons - sum(sizes)
    top = max(2, min(1000, second))
    while rest > 0:
        size = int(math.exp(rng.uniform(math.log(2), math.log(top + 1))))
        size = max(2, min(size, rest))
        if rest - size == 1:
            size += 1
        sizes.append(size)
        rest -= size
    if sum(sizes) != persons:  # a single leftover person joins the last chain
        sizes[-1] += persons - sum(sizes)
    return sizes


class Outbreak:
    """The generated rows in memory (column tuples per table), with the ids they will be written with."""

    def __init__(self, *, persons: int, edges: int, cases: int, largest: int, seed: int, today: date):
        self.n, self.edge_target, self.case_target = persons, edges, cases
        self.rng = random.Random(seed)
        self.today = today
        self.sizes = cluster_sizes(self.rng, persons, largest)

    # ---- structure ------------------------------------------------------------------------------------------------

    def build(self, regions: list[tuple[int, str]]) -> None:
        rng, n = self.rng, self.n
        self.person_cluster = [0] * n  # chain index
        self.person_region = [0] * n
        self.t = [0] * n  # day offset of the person's (first) exposure, or of a root case's infection
        self.is_case = bytearray(n)
        cases_left = self.case_target
        total = sum(self.sizes)
        # Cases by size, at least one per chain while there are enough.
        case_alloc = []
        for i, size in enumerate(self.sizes):
            want = max(1, round(self.case_target * size / total)) if i < self.case_target else 0
            want = min(want, size, cases_left)
            case_alloc.append(want)
            cases_left -= want
        i = 0
        while cases_left > 0 and i < 10 * len(self.sizes):  # rounding leftovers to the largest chains
            c = i % len(self.sizes)
            if case_alloc[c] < self.sizes[c]:
                case_alloc[c] += 1
                cases_left -= 1
            i += 1
        src, dst = [], []
        self.cluster_first = []
        horizon = 57  # days before today of the earliest infection
        start = 0
        for c, size in enumerate(self.sizes):
            home = regions[rng.randrange(len(regions))][0]
            members = range(start, start + size)
            self.cluster_first.append(start)
            # Cases: the root, then persons among the earlier half (so that they have persons after them).
            k = case_alloc[c]
            case_nodes = [start] if k else []
            if k > 1:
                pool = range(start + 1, start + max(2, size // 2 + 1))
                case_nodes += rng.sample(pool, min(k - 1, len(pool)))
            for v in case_nodes:
                self.is_case[v] = 1
            case_set_sorted = sorted(case_nodes)
            base = rng.randint(0, 20)
            for v in members:
                self.person_cluster[v] = c
                self.person_region[v] = home if rng.random() < 0.8 else regions[rng.randrange(len(regions))][0]
                if v == start:
                    self.t[v] = base
                    continue
                # Exposed to a case about half of the time (close contacts), else to anyone before.
                earlier_cases = case_set_sorted[: _bisect(case_set_sorted, v)]
                if earlier_cases and rng.random() < 0.5:
                    parent = earlier_cases[rng.randrange(len(earlier_cases))]
                else:
                    parent = rng.randrange(start, v)
                self.t[v] = min(self.t[parent] + rng.randint(0, 2), horizon - 6)
                src.append(parent)
                dst.append(v)
            start += size
        self.tree_edges = len(src)
        # Extra exposures inside the chains (chains of 5+), proportional to size.
        extra = max(0, self.edge_target - len(src))
        big = [(c, s) for c, s in enumerate(self.sizes) if s >= 5]
        big_total = sum(s for _c, s in big) or 1
        seen = set(zip(src, dst, strict=True))
        for c, size in big:
            first = self.cluster_first[c]
            want = min(round(extra * size / big_total), size * (size - 1) // 4)
            made = tries = 0
            while made < want and tries < want * 3:
                tries += 1
                a, b = first + rng.randrange(size), first + rng.randrange(size)
                if a == b or (a, b) in seen:
                    continue
                if self.t[b] < self.t[a]:
                    a, b = b, a
                    if (a, b) in seen:
                        continue
                seen.add((a, b))
                src.append(a)
                dst.append(b)
                made += 1
        del seen
        self.src, self.dst = src, dst
        m = len(src)
        prox_values, prox_weights = zip(*PROXIMITIES, strict=True)
        set_values, set_weights = zip(*SETTINGS, strict=True)
        self.proximity = rng.choices(prox_values, prox_weights, k=m)
        self.setting = rng.choices(set_values, set_weights, k=m)
        # Exposure day: the exposed person's day for tree edges, a day in the overlap for extra ones.
        self.exposed = [
            self.t[b] if i < self.tree_edges else max(self.t[a], self.t[b])
            for i, (a, b) in enumerate(zip(src, dst, strict=True))
        ]
        self.last = [e + (rng.randint(1, 2) if rng.random() < 0.2 else 0) for e in self.exposed]
        # Cases' reference day (onset, or sampling for an asymptomatic infection): two days after infection.
        self.case_nodes = [v for v in range(n) if self.is_case[v]]
        self.case_ref = {v: min(self.t[v] + 2, horizon - 4) for v in self.case_nodes}
        self.case_asymptomatic = {v: rng.random() < 0.1 for v in self.case_nodes}

    def day(self, offset: int) -> date:
        return self.today - timedelta(days=57 - offset)

    # ---- contacts, as graph._desired defines them -------------------------------------------------------------------

    def contacts(self) -> list[tuple]:
        """(case node, person node, class, degree, via index or -1, first day, last day) in write order."""
        out = defaultdict(list)
        for i, a in enumerate(self.src):
            out[a].append(i)
        close_prox, secondary = set(CLOSE_PROXIMITIES), set(SECONDARY_SETTINGS)
        rows: list[tuple] = []
        for v in self.case_nodes:
            window = self.case_ref[v] - LOOK_BACK_DAYS
            close: dict[int, list[int]] = {}
            for i in out.get(v, ()):
                w = self.dst[i]
                if w == v or self.proximity[i] not in close_prox or self.last[i] < window:
                    continue
                span = close.get(w)
                if span is None:
                    close[w] = [self.exposed[i], self.last[i]]
                else:
                    span[0], span[1] = min(span[0], self.exposed[i]), max(span[1], self.last[i])
            close_index = {}
            for w in sorted(close):
                close_index[w] = len(rows)
                rows.append((v, w, ContactClass.CLOSE.value, 1, -1, close[w][0], close[w][1]))
            best: dict[int, list] = {}
            for k in sorted(close):
                k_first = close[k][0]
                for i in out.get(k, ()):
                    w = self.dst[i]
                    if w == v or w in close or self.setting[i] not in secondary or self.last[i] < k_first:
                        continue
                    # controlled_at is not set by the generator: the period is open-ended.
                    candidate = (self.exposed[i], k, self.last[i], close_index[k])
                    entry = best.get(w)
                    if entry is None:
                        best[w] = [candidate, self.exposed[i], self.last[i]]
                    else:
                        entry[0] = min(entry[0], candidate)
                        entry[1], entry[2] = min(entry[1], self.exposed[i]), max(entry[2], self.last[i])
            for w in sorted(best):
                choice, first, last = best[w]
                rows.append((v, w, ContactClass.SECONDARY.value, 2, choice[3], first, last))
        return rows


def _bisect(values: list[int], x: int) -> int:
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


class Writer:
    """Set-based writes: COPY on PostgreSQL, executemany INSERT elsewhere; ``+`` history rows alongside."""

    def __init__(self, *, history: bool, stdout=None):
        self.history = history
        self.postgres = connection.vendor == "postgresql"
        self.stdout = stdout
        self.now = timezone.now()

    def value(self, v):
        if self.postgres or v is None:
            return v
        if isinstance(v, datetime):  # SQLite stores naive UTC text, as Django does
            return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, date):
            return v.isoformat()
        return v

    def write(self, model, columns: list[str], rows, *, actor_id, reason: str = "generated") -> int:
        table = model._meta.db_table
        count = self._insert(table, columns, rows)
        if self.history and hasattr(model, "history"):
            ids = (rows[0][0], rows[-1][0]) if rows else None
            self._history(model, actor_id=actor_id, reason=reason, ids=ids)
        if self.postgres:
            with connection.cursor() as cursor:
                last = f"(SELECT COALESCE(MAX(id), 1) FROM {table})"
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
        return count

    def _insert(self, table: str, columns: list[str], rows) -> int:
        if not rows:
            return 0
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                batch = 5000
                for start in range(0, len(rows), batch):
                    cursor.executemany(sql, [[self.value(v) for v in row] for row in rows[start : start + batch]])
        return len(rows)

    def _history(self, model, *, actor_id, reason: str, ids) -> None:
        """``+`` history rows copied from the rows just written (ids in ``ids`` range), in one INSERT … SELECT."""
        if ids is None:
            return
        history = model.history.model
        table = model._meta.db_table
        names, select = [], []
        for f in history._meta.concrete_fields:
            if f.column == "history_id":
                continue
            names.append(f.column)
            if f.column == "history_date" or f.column == "history_change_reason":
                select.append("%s")
            elif f.column == "history_type":
                select.append("'+'")
            elif f.column == "history_user_id":
                select.append("%s")
            else:
                select.append(f"t.{f.column}")
        sql = (
            f"INSERT INTO {history._meta.db_table} ({', '.join(names)}) "
            f"SELECT {', '.join(select)} FROM {table} t WHERE t.id BETWEEN %s AND %s ORDER BY t.id"
        )
        values = {"history_date": self.value(self.now), "history_change_reason": reason, "history_user_id": actor_id}
        params = [values[c] for c, s in zip(names, select, strict=True) if s == "%s"]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, ids[0], ids[1]])


def _next_id(model) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _disease_and_protocol(actor) -> tuple[Disease, Protocol]:
    disease, _ = Disease.objects.get_or_create(
        code=DISEASE_CODE, defaults={"name": "演练用传染病X（生成数据）", "notifiable_class": "B"}
    )
    protocol = Protocol.objects.filter(disease=disease, version=PROTOCOL_VERSION).first()
    if protocol is None:
        protocol = Protocol(
            disease=disease,
            version=PROTOCOL_VERSION,
            title="演练用防控方案（生成数据）",
            effective_from=date(2020, 1, 1),
            look_back_days=LOOK_BACK_DAYS,
            close_proximities=CLOSE_PROXIMITIES,
            secondary_settings=SECONDARY_SETTINGS,
            retention_days=180,
            created_by=actor,
            updated_by=actor,
        )
        protocol._history_user = actor
        protocol.save()
    return disease, protocol


def generate(
    *,
    persons: int,
    edges: int,
    cases: int,
    largest: int,
    seed: int = 1,
    actor=None,
    history: bool = True,
    county: str = "",
    log=None,
) -> dict:
    """Generate and write an outbreak; returns counts and the ids of the largest chains."""
    log = log or (lambda text: None)
    if persons < 2:
        raise CommandError("--persons must be at least 2")
    region_qs = Region.objects.filter(level__in=(RegionLevel.TOWN, RegionLevel.VILLAGE, RegionLevel.GRID))
    if county:
        region_qs = region_qs.filter(prefix__startswith=Region.objects.get(code=county).prefix)
    regions = list(region_qs.values_list("pk", "code"))
    if not regions:
        raise CommandError("No town, village or grid regions: load the regions first (e.g. safecity load_demo).")
    clock = time.perf_counter()
    today = timezone.localdate()
    outbreak = Outbreak(persons=persons, edges=edges, cases=cases, largest=largest, seed=seed, today=today)
    outbreak.build(regions)
    contacts = outbreak.contacts()
    log(
        f"computed {persons:,} persons, {len(outbreak.src):,} exposures, {len(outbreak.case_nodes):,} cases, "
        f"{len(outbreak.sizes):,} chains, {len(contacts):,} contacts in {time.perf_counter() - clock:.1f}s"
    )
    actor_id = actor.pk if actor is not None else None
    rng = random.Random(seed + 1)
    writer = Writer(history=history)
    now = writer.now
    region_code = dict(regions)
    stats = {}
    with transaction.atomic():
        disease, protocol = _disease_and_protocol(actor)
        # ---- persons
        clock = time.perf_counter()
        person0 = _next_id(Person)
        cluster0 = _next_id(Cluster)
        born0 = date(1940, 1, 1)
        taken_ids = set(Person.objects.exclude(id_number="").values_list("id_number", flat=True))
        rows = []
        for v in range(persons):
            pk = person0 + v
            born = born0 + timedelta(days=(pk // 997) % 27000)
            area = region_code[outbreak.person_region[v]][:6]
            first17 = f"{area}{born:%Y%m%d}{pk % 997:03d}"
            spare = 997  # sequences 997-999 are never generated: the way around a number already in the index
            while taken_ids and first17 + id_check_char(first17) in taken_ids:
                first17 = f"{area}{born:%Y%m%d}{spare:03d}"
                spare += 1
                if spare > 999:
                    born, spare = born - timedelta(days=1), 997
            sex = Sex.MALE.value if (pk % 997) % 2 else Sex.FEMALE.value
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if pk % 3 else "")
            rows.append(
                (
                    pk,
                    now,
                    now,
                    actor_id,
                    actor_id,
                    None,
                    outbreak.person_region[v],
                    name,
                    first17 + id_check_char(first17),
                    f"1{'3456789'[pk % 7]}{pk % 1_000_000_000:09d}",
                    sex,
                    born,
                    "",
                    cluster0 + outbreak.person_cluster[v],
                    None,
                    "",
                )
            )
        person_columns = [
            "id",
            "created_at",
            "updated_at",
            "created_by_id",
            "updated_by_id",
            "archived_at",
            "region_id",
            "name",
            "id_number",
            "phone",
            "sex",
            "birth_date",
            "address",
            "cluster_id",
            "merged_into_id",
            "notes",
        ]
        # ---- clusters (written first: persons point to them)
        case_by_cluster = defaultdict(list)
        for v in outbreak.case_nodes:
            case_by_cluster[outbreak.person_cluster[v]].append(outbreak.case_ref[v])
        cluster_rows = []
        for c, size in enumerate(outbreak.sizes):
            refs = case_by_cluster.get(c, [])
            cluster_rows.append(
                (
                    cluster0 + c,
                    now,
                    now,
                    actor_id,
                    actor_id,
                    None,
                    outbreak.person_region[outbreak.cluster_first[c]],
                    f"TC{cluster0 + c:06d}",
                    disease.pk if refs else None,
                    size,
                    len(refs),
                    outbreak.day(min(refs)) if refs else None,
                    outbreak.day(max(refs)) if refs else None,
                    None,
                )
            )
        cluster_columns = [
            "id",
            "created_at",
            "updated_at",
            "created_by_id",
            "updated_by_id",
            "archived_at",
            "region_id",
            "code",
            "disease_id",
            "size",
            "case_count",
            "first_onset",
            "latest_onset",
            "merged_into_id",
        ]
        stats["clusters"] = writer.write(Cluster, cluster_columns, cluster_rows, actor_id=actor_id)
        stats["persons"] = writer.write(Person, person_columns, rows, actor_id=actor_id)
        del rows
        log(f"wrote chains and persons in {time.perf_counter() - clock:.1f}s")
        # ---- exposures
        clock = time.perf_counter()
        exposure0 = _next_id(Exposure)
        rows = [
            (
                exposure0 + i,
                now,
                now,
                actor_id,
                actor_id,
                None,
                person0 + outbreak.src[i],
                None,
                person0 + outbreak.dst[i],
                outbreak.day(outbreak.exposed[i]),
                outbreak.day(outbreak.last[i]) if outbreak.last[i] != outbreak.exposed[i] else None,
                outbreak.setting[i],
                outbreak.proximity[i],
                ExposureSource.INVESTIGATION.value,
                "",
            )
            for i in range(len(outbreak.src))
        ]
        exposure_columns = [
            "id",
            "created_at",
            "updated_at",
            "created_by_id",
            "updated_by_id",
            "archived_at",
            "source_person_id",
            "source_site_id",
            "person_id",
            "exposed_on",
            "last_exposed_on",
            "setting",
            "proximity",
            "source",
            "note",
        ]
        stats["exposures"] = writer.write(Exposure, exposure_columns, rows, actor_id=actor_id)
        del rows
        log(f"wrote exposures in {time.perf_counter() - clock:.1f}s")
        # ---- cases
        clock = time.perf_counter()
        case0 = _next_id(Case)
        prefix = DISEASE_CODE.upper()
        taken = set(Case.objects.filter(number__startswith=f"{prefix}-").values_list("number", flat=True))
        per_day: dict[date, int] = defaultdict(int)
        tz = timezone.get_current_timezone()
        case_pk = {}
        rows = []
        sources, weights = zip(*CASE_SOURCES, strict=True)
        for j, v in enumerate(outbreak.case_nodes):
            ref_day = outbreak.day(outbreak.case_ref[v])
            ref = datetime.combine(ref_day, dtime(9, rng.randint(0, 59)), tzinfo=tz)
            asymptomatic = outbreak.case_asymptomatic[v]
            detected = ref + timedelta(hours=rng.randint(4, 30))
            reported = detected + timedelta(hours=rng.randint(1, 3))
            isolated = reported + timedelta(hours=rng.randint(1, 12))
            treated = isolated + timedelta(hours=rng.randint(1, 24))
            report_day = timezone.localtime(reported).date()
            while True:
                per_day[report_day] += 1
                number = f"{prefix}-{report_day:%Y%m%d}-{per_day[report_day]:04d}"
                if number not in taken:
                    break
            case_pk[v] = case0 + j
            rows.append(
                (
                    case0 + j,
                    now,
                    now,
                    actor_id,
                    actor_id,
                    None,
                    outbreak.person_region[v],
                    number,
                    person0 + v,
                    disease.pk,
                    protocol.pk,
                    Classification.ASYMPTOMATIC.value if asymptomatic else Classification.CONFIRMED.value,
                    rng.choices(sources, weights)[0],
                    None if asymptomatic else ref,
                    ref if asymptomatic else ref - timedelta(hours=rng.randint(0, 12)),
                    detected,
                    reported,
                    isolated,
                    treated,
                    "",
                    Outcome.UNDER_TREATMENT.value,
                    None,
                    None,
                    "",
                )
            )
        case_columns = [
            "id",
            "created_at",
            "updated_at",
            "created_by_id",
            "updated_by_id",
            "archived_at",
            "region_id",
            "number",
            "person_id",
            "disease_id",
            "protocol_id",
            "classification",
            "source",
            "onset_at",
            "sampled_at",
            "detected_at",
            "reported_at",
            "isolated_at",
            "treated_at",
            "place",
            "outcome",
            "outcome_at",
            "closed_at",
            "notes",
        ]
        stats["cases"] = writer.write(Case, case_columns, rows, actor_id=actor_id)
        del rows
        # ---- contacts
        contact0 = _next_id(Contact)
        rows = [
            (
                contact0 + i,
                now,
                now,
                actor_id,
                actor_id,
                None,
                person0 + w,
                case_pk[v],
                cls,
                degree,
                contact0 + via if via >= 0 else None,
                protocol.pk,
                outbreak.day(first),
                outbreak.day(last),
                now,
                None,
            )
            for i, (v, w, cls, degree, via, first, last) in enumerate(contacts)
        ]
        contact_columns = [
            "id",
            "created_at",
            "updated_at",
            "created_by_id",
            "updated_by_id",
            "archived_at",
            "person_id",
            "case_id",
            "contact_class",
            "degree",
            "via_id",
            "protocol_id",
            "first_exposed_on",
            "last_exposed_on",
            "determined_at",
            "controlled_at",
        ]
        stats["contacts"] = writer.write(Contact, contact_columns, rows, actor_id=actor_id)
        del rows
        log(f"wrote cases and contacts in {time.perf_counter() - clock:.1f}s")
    order = sorted(range(len(outbreak.sizes)), key=lambda c: -outbreak.sizes[c])
    stats["largest_clusters"] = [(cluster0 + c, outbreak.sizes[c]) for c in order[:5]]
    stats["disease_id"] = disease.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Person, Cluster, Exposure, Case, Contact):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return stats


class Command(BaseCommand):
    help = "Generate a city-scale outbreak (persons, exposures, cases, chains, contacts) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=1_000_000)
        parser.add_argument("--edges", type=int, default=2_000_000)
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--largest", type=int, default=50_000, help="Persons in the largest chain.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--county", default="", help="Only regions under this region code.")
        parser.add_argument("--user", default="", help="Username recorded as author of the rows.")
        parser.add_argument("--no-history", action="store_true", help="Skip the history rows (quicker load).")

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        clock = time.perf_counter()
        stats = generate(
            persons=options["persons"],
            edges=options["edges"],
            cases=options["cases"],
            largest=options["largest"],
            seed=options["seed"],
            actor=actor,
            history=not options["no_history"],
            county=options["county"],
            log=lambda text: self.stdout.write(text),
        )
        largest = ", ".join(f"id {pk}: {size:,}" for pk, size in stats["largest_clusters"])
        self.stdout.write(
            f"Generated {stats['persons']:,} persons, {stats['exposures']:,} exposures, {stats['cases']:,} cases, "
            f"{stats['clusters']:,} chains (largest {largest}), {stats['contacts']:,} contacts "
            f"in {time.perf_counter() - clock:.1f}s."
        )
