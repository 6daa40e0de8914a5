"""Reads of epidemic investigation: contacts of a case, the chain of a person, the chain graph.

Contacts and chains are maintained on write (:mod:`safecity.epidemic.graph`), so these are indexed
reads, never a graph walk over the whole city.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from safecity.geo.models import Region

from . import rules
from .choices import ContactClass
from .models import Case, Cluster, Contact, Exposure, ExposureSite, Person


def contacts_of_case(case: Case, depth: int = 2, *, user=None) -> QuerySet[Contact]:
    """The current contacts of ``case``: close contacts (depth 1), plus secondary contacts (depth 2).

    Deeper than 2 the chain is followed through contacts who became cases themselves: depth 3 adds
    those cases' close contacts, depth 4 their secondary contacts, and so on (at most
    :data:`rules.CONTACT_DEPTH_MAX`). ``user`` restricts the rows to what they may see.
    """
    depth = max(1, min(int(depth), rules.CONTACT_DEPTH_MAX))
    q = Q(case_id=case.pk, degree__lte=min(depth, 2))
    remaining, frontier, seen = depth - 2, {case.pk}, {case.pk}
    while remaining > 0 and frontier:
        persons = Contact.objects.filter(case_id__in=frontier, archived_at__isnull=True).values("person_id")
        frontier = set(
            Case.objects.filter(person_id__in=persons, archived_at__isnull=True)
            .exclude(pk__in=seen)
            .values_list("pk", flat=True)
        )
        seen |= frontier
        if frontier:
            q |= Q(case_id__in=frontier, degree__lte=min(remaining, 2))
        remaining -= 2
    manager = Contact.objects.restrict(user, "view") if user is not None else Contact.objects.all()
    return (
        manager.filter(q, archived_at__isnull=True)
        .select_related("person", "case", "via", "via__person")
        .only(*_CONTACT_COLUMNS)
        .annotate(linker_id=Coalesce("via__person_id", "case__person_id"), shared_site=_shared_site())
        .order_by("degree", "first_exposed_on", "pk")
    )


def _shared_site() -> Subquery:
    """The name of the first site where the contact's person and the person linking them to the case — the
    case's person for a close contact, the close contact they came through for a secondary one — were
    exposed on overlapping days (what made them a contact there); ``None`` when they met person to person.
    Needs ``linker_id`` on the outer rows."""
    end = Coalesce("last_exposed_on", "exposed_on")
    linker_there = (
        Exposure.objects.filter(
            archived_at__isnull=True,
            source_site=OuterRef("source_site"),
            person_id=OuterRef(OuterRef("linker_id")),
            exposed_on__lte=OuterRef("end"),
        )
        .annotate(end=end)
        .filter(end__gte=OuterRef("exposed_on"))
    )
    own = (
        Exposure.objects.filter(archived_at__isnull=True, source_site__isnull=False, person_id=OuterRef("person_id"))
        .annotate(end=end)
        .filter(Exists(linker_there))
        .order_by("exposed_on", "pk")
        .values("source_site__name")[:1]
    )
    return Subquery(own)


#: What the callers of :func:`contacts_of_case` show (the case page's table, the API's ContactSerializer):
#: the contact row, the names of the person and of the close contact it came through, the case's number.
#: Only these columns are read — a contact list can run to hundreds of rows with four joined tables.
_CONTACT_COLUMNS = (
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
    "archived_at",
    "person__name",
    "case__number",
    "case__person_id",
    "via__person_id",
    "via__person__name",
)


def close_contacts_of_case(case: Case) -> QuerySet[Contact]:
    return contacts_of_case(case, depth=1).filter(contact_class=ContactClass.CLOSE)


def cluster_of(person: Person) -> Cluster | None:
    """The transmission chain of ``person`` (one indexed read: the caller's object may predate a merge)."""
    cluster = Cluster.objects.filter(persons__pk=person.pk).first()
    while cluster is not None and cluster.merged_into_id is not None:  # never left so by the services
        cluster = cluster.merged_into
    return cluster


# --------------------------------------------------------------------------------------------------
# Chains: activity and the chain graph
# --------------------------------------------------------------------------------------------------


def with_activity(clusters: QuerySet[Cluster], *, today: date | None = None) -> QuerySet[Cluster]:
    """Annotate ``is_active``: an onset, or a new contact, in the last :data:`rules.CLUSTER_ACTIVE_DAYS` days."""
    today = today or timezone.localdate()
    since = today - timedelta(days=rules.CLUSTER_ACTIVE_DAYS)
    since_at = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    recent_contact = Contact.objects.filter(
        person__cluster=OuterRef("pk"), archived_at__isnull=True, determined_at__gte=since_at
    )
    return clusters.annotate(
        is_active=ExpressionWrapper(Q(latest_onset__gte=since) | Exists(recent_contact), output_field=BooleanField())
    )


def town_code(region_code: str) -> str:
    """The town (township or street) a region lies in, as a 12-digit code (the county for county-level rows)."""
    return region_code[:9].ljust(12, "0")


@dataclass
class _Node:
    id: str
    kind: str  # person | site | group
    cls: str  # case | close | secondary | other | site
    generation: int = 0
    date: str | None = None  # ISO
    label: str = ""
    town: str = ""
    url: str = ""
    outside: bool = False
    count: int = 1
    detail: str = ""
    x: float = 0
    y: float = 0


NODE_CLASSES = ("case", "close", "secondary", "other", "site")
_CLASS_ORDER = {c: i for i, c in enumerate(NODE_CLASSES)}
_NO_DATE = "9999-12-31"  # sorts after every ISO date

#: Layout: a generation is a band of sub-columns, each at most this many rows.
_ROWS_PER_COLUMN = 40
_ROW_HEIGHT = 26
_COLUMN_WIDTH = 150
_BAND_GAP = 90


def cluster_graph(
    cluster: Cluster,
    *,
    user=None,
    limit: int = rules.GRAPH_NODE_LIMIT,
    classes: set[str] | None = None,
    generations: tuple[int | None, int | None] = (None, None),
    town: str = "",
) -> dict:
    """The chain as a laid-out graph for the chain view (and the API), built from one read of the
    chain's persons, one of the exposures among them, one of its cases and one of its contacts (plus
    the names of the drawn persons and sites, and of the towns, in chunks) — never a query per node.

    Generation = hops from the earliest case along exposures (either direction; a site is a hop).
    Beyond ``limit`` nodes, cases and close contacts stay individual and the rest is aggregated into
    count nodes per (generation, class, town). Persons outside ``user``'s area are shown without
    name, town or link. Filters (``classes``, ``generations``, ``town``) apply after generations are
    computed, before aggregation. Internally persons are keyed by their id and sites by minus theirs.
    """
    # Hundreds of thousands of short-lived tuples and lists, none in a reference cycle: the cyclic garbage
    # collector's passes over them took a third of the time (measured on a 50,000-person chain).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _cluster_graph(cluster, user=user, limit=limit, classes=classes, generations=generations, town=town)
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Structure:
    """What the chain graph is made of, the same for every reader: persons with their region, class and date
    (sites as minus their id), case numbers, the person–person / person–site edges, generations."""

    persons: list[tuple[int, int]]  # (pk, region_id)
    region_ids: set[int]
    cls_of: dict[int, str]
    date_of: dict[int, str | None]
    case_number: dict[int, str]
    edge_list: list[tuple[int, int]]
    generation: dict[int, int]


#: Chain structures of large chains, per process: cluster pk → (fingerprint, structure), least recently used first.
_structures: OrderedDict[int, tuple[tuple, _Structure]] = OrderedDict()
_structures_lock = threading.Lock()


def _fingerprint(cluster: Cluster) -> tuple:
    """Changes whenever anything the structure is built from changes: for the chain's persons, exposures and
    cases, the row count, the sum and extremes of the ids and the latest ``updated_at`` — one aggregate per
    table, computed by the database. Every service write saves its row (``updated_at`` is ``auto_now``) and an
    archived row leaves the counts; the set-based moves of persons between chains (union, split, merge)
    change the persons' count and ids. Contacts are not read: they are recomputed only by writes of
    exposures, cases and persons of the same chain, which change those three."""
    parts = []
    for queryset in (
        Person.objects.filter(cluster=cluster),
        _of_chain(Exposure.objects.filter(archived_at__isnull=True), cluster),
        Case.objects.filter(person__cluster=cluster, archived_at__isnull=True),
    ):
        aggregate = queryset.order_by().aggregate(
            n=Count("pk"), s=Sum("pk"), lo=Min("pk"), hi=Max("pk"), at=Max("updated_at")
        )
        parts.append(tuple(aggregate.values()))
    return tuple(parts)


def _structure(cluster: Cluster) -> _Structure:
    """The chain's structure, from the per-process cache when nothing in the chain changed since it was built
    (chains of at least :data:`rules.GRAPH_CACHE_MIN_PERSONS` persons; smaller ones are quick to build)."""
    if (cluster.size or 0) < rules.GRAPH_CACHE_MIN_PERSONS:
        return _build_structure(cluster)
    fingerprint = _fingerprint(cluster)
    with _structures_lock:
        cached = _structures.get(cluster.pk)
        if cached is not None and cached[0] == fingerprint:
            _structures.move_to_end(cluster.pk)
            return cached[1]
    structure = _build_structure(cluster)
    with _structures_lock:
        _structures[cluster.pk] = (fingerprint, structure)
        _structures.move_to_end(cluster.pk)
        while len(_structures) > rules.GRAPH_CACHE_CHAINS:
            _structures.popitem(last=False)
    return structure


def _build_structure(cluster: Cluster) -> _Structure:
    # Plain tuples of the columns needed, dates as ISO text (they compare as dates, and the driver's date
    # conversion of ~100,000 exposure rows is most of the read on SQLite); names only for drawn nodes.
    as_text = CharField()
    persons = list(Person.objects.filter(cluster=cluster).values_list("pk", "region_id").order_by())
    exposures = list(
        _of_chain(Exposure.objects.filter(archived_at__isnull=True), cluster)
        .values_list("person_id", "source_person_id", "source_site_id", Cast("exposed_on", as_text))
        .order_by()
    )
    cases = list(
        Case.objects.filter(person__cluster=cluster, archived_at__isnull=True)
        .exclude(classification__in=rules.NOT_A_CASE)
        .values_list("person_id", "number", "onset_at", "sampled_at", "detected_at", "reported_at")
        .order_by()
    )
    contacts = list(
        _of_chain(Contact.objects.filter(archived_at__isnull=True), cluster)
        .values_list("person_id", "contact_class", Cast("first_exposed_on", as_text))
        .order_by()
    )

    case_of: dict[int, tuple[str, str | None]] = {}
    for person_id, number, *times in cases:
        ref = next((t for t in times if t is not None), None)
        ref = timezone.localtime(ref).date().isoformat() if ref is not None else None
        prev = case_of.get(person_id)
        if prev is None or (ref is not None and (prev[1] is None or ref < prev[1])):
            case_of[person_id] = (number, ref)
    close = ContactClass.CLOSE
    contact_of: dict[int, tuple[str, str]] = {}
    for person_id, cls, first in contacts:
        prev = contact_of.get(person_id)
        if prev is None or (cls == close and prev[0] != close) or (cls == prev[0] and first < prev[1]):
            contact_of[person_id] = (cls, first)

    # column-wise, so the per-row work is done by C loops (zip, dict) where it can be
    exposed, sources, source_sites, days = zip(*exposures, strict=True) if exposures else ((), (), (), ())
    del exposures
    others = [src if src is not None else -site for src, site in zip(sources, source_sites, strict=True)]
    edge_list = list(zip(others, exposed, strict=True))
    adjacency: dict[int, list[int]] = defaultdict(list)
    for a, b in edge_list:
        adjacency[a].append(b)
        adjacency[b].append(a)
    # first exposure date of every key, as either end: later dict entries win, so feed them latest first
    order = sorted(range(len(days)), key=days.__getitem__, reverse=True)
    latest_first = [days[i] for i in order]
    first_seen = dict(zip([others[i] for i in order], latest_first, strict=True))
    seen_get = first_seen.get
    for key, day in dict(zip([exposed[i] for i in order], latest_first, strict=True)).items():
        if day < seen_get(key, _NO_DATE):
            first_seen[key] = day

    # node class and date, by key (sites: minus their id)
    cls_of: dict[int, str] = {}
    date_of: dict[int, str | None] = {}
    for pk, _region_id in persons:
        case = case_of.get(pk)
        if case is not None:
            cls_of[pk], date_of[pk] = "case", case[1]
        else:
            contact = contact_of.get(pk)
            if contact is not None:
                cls_of[pk], date_of[pk] = contact
            else:
                cls_of[pk], date_of[pk] = "other", seen_get(pk)
    for key in adjacency:
        if key < 0:
            cls_of[key], date_of[key] = "site", seen_get(key)

    # generations: breadth-first from the earliest case (or the earliest exposed person)
    generation: dict[int, int] = {}
    starts = sorted((k for k in cls_of if k > 0), key=lambda k: (cls_of[k] != "case", date_of[k] or _NO_DATE, k))
    deepest = -1
    for start in starts:
        if start in generation:
            continue
        generation[start] = deepest + 1
        queue = deque([start])
        while queue:
            current = queue.popleft()
            g = generation[current] + 1
            for nxt in adjacency.get(current, ()):
                if nxt not in generation and nxt in cls_of:
                    generation[nxt] = g
                    queue.append(nxt)
            deepest = max(deepest, g - 1)
    for key in cls_of:
        generation.setdefault(key, 0)

    return _Structure(
        persons=persons,
        region_ids={region_id for _pk, region_id in persons},
        cls_of=cls_of,
        date_of=date_of,
        case_number={pk: number for pk, (number, _ref) in case_of.items()},
        edge_list=edge_list,
        generation=generation,
    )


def _cluster_graph(cluster, *, user, limit, classes, generations, town) -> dict:
    from safecity.core.scoping import get_scopes

    limit = max(50, min(int(limit or rules.GRAPH_NODE_LIMIT), rules.GRAPH_NODE_LIMIT_MAX))
    structure = _structure(cluster)
    persons, cls_of, date_of, generation = structure.persons, structure.cls_of, structure.date_of, structure.generation
    regions = dict(Region.objects.filter(pk__in=structure.region_ids).values_list("pk", "code").order_by())

    # who may be seen by name: decided per region (a handful), not per person
    if user is None:
        region_visible = dict.fromkeys(regions, True)
    else:
        scopes = get_scopes(user)
        can_view = user.has_perm("epidemic.view_person")
        prefixes = tuple(scopes.prefixes)
        region_prefix = dict(Region.objects.filter(pk__in=regions).values_list("pk", "prefix"))
        region_visible = {
            pk: can_view and (scopes.unrestricted or bool(prefixes and region_prefix[pk].startswith(prefixes)))
            for pk in regions
        }
    region_town = {pk: (town_code(code) if region_visible[pk] else "") for pk, code in regions.items()}
    town_of: dict[int, str] = {}
    outside: set[int] = set()
    for pk, region_id in persons:
        town_of[pk] = region_town[region_id]
        if not region_visible[region_id]:
            outside.add(pk)
    for key in cls_of:
        if key < 0:
            town_of[key] = ""

    total = len(cls_of)
    towns_present = sorted({t for t in town_of.values() if t})

    # filters
    selected = list(cls_of)
    if classes:
        selected = [k for k in selected if cls_of[k] in classes]
    gen_min, gen_max = generations
    if gen_min is not None:
        selected = [k for k in selected if generation[k] >= gen_min]
    if gen_max is not None:
        selected = [k for k in selected if generation[k] <= gen_max]
    if town:
        selected = [k for k in selected if town_of[k] == town or k < 0]

    # aggregation beyond the limit: visible id of every selected key (its own node, or its group's)
    visible: dict[int, str] = {}
    groups: dict[tuple[int, str, str], _Node] = {}
    truncated = len(selected) > limit
    if truncated:
        priority = sorted(
            (k for k in selected if cls_of[k] in ("case", "close")),
            key=lambda k: (_CLASS_ORDER[cls_of[k]], generation[k], date_of[k] or _NO_DATE, k),
        )
        individual = priority[:limit]
        chosen = set(individual)
        for k in selected:
            if k in chosen:
                continue
            gkey = (generation[k], cls_of[k], town_of[k])
            group = groups.get(gkey)
            if group is None:
                group = groups[gkey] = _Node(
                    id=f"g{gkey[0]}:{gkey[1]}:{gkey[2] or '-'}",
                    kind="group",
                    cls=gkey[1],
                    generation=gkey[0],
                    town=gkey[2],
                    count=0,
                    date=None,
                )
            group.count += 1
            day = date_of[k]
            if day is not None and (group.date is None or day < group.date):
                group.date = day
            visible[k] = group.id
    else:
        individual = selected
    for k in individual:
        visible[k] = f"p{k}" if k > 0 else f"s{-k}"

    outside_label = gettext("outside your area")
    labels = class_labels()
    town_names = dict(Region.objects.filter(code__in=towns_present).values_list("code", "name"))
    name_of = _names(Person, [k for k in individual if k > 0 and k not in outside])
    name_of.update((-pk, name) for pk, name in _names(ExposureSite, [-k for k in individual if k < 0]).items())
    person_url = reverse("epidemic:person_detail", kwargs={"pk": 0})
    site_url = reverse("epidemic:exposuresite_detail", kwargs={"pk": 0})
    drawn: list[_Node] = []
    for k in individual:
        node = _Node(
            id=visible[k],
            kind="person" if k > 0 else "site",
            cls=cls_of[k],
            generation=generation[k],
            date=date_of[k],
            town=town_of[k],
            outside=k in outside,
        )
        if node.outside:
            node.label = outside_label
        else:
            node.label = name_of.get(k, "")
            node.url = (person_url if k > 0 else site_url).replace("/0/", f"/{abs(k)}/")
            if node.cls == "case":
                node.detail = structure.case_number[k]
        drawn.append(node)
    for group in groups.values():
        group.label = f"{group.count} × {labels[group.cls]}"
        group.detail = town_names.get(group.town, outside_label if not group.town else group.town)
        drawn.append(group)

    edges: dict[tuple[str, str], int] = defaultdict(int)
    visible_get = visible.get
    for a, b in structure.edge_list:
        va = visible_get(a)
        if va is not None:
            vb = visible_get(b)
            if vb is not None and va != vb:
                edges[(va, vb)] += 1

    _layout(drawn)
    return {
        "cluster": {
            "id": cluster.pk,
            "code": cluster.code,
            "size": cluster.size,
            "case_count": cluster.case_count,
            "first_onset": cluster.first_onset.isoformat() if cluster.first_onset else None,
            "latest_onset": cluster.latest_onset.isoformat() if cluster.latest_onset else None,
        },
        "total_nodes": total,
        "selected_nodes": len(selected),
        "shown_nodes": len(drawn),
        "limit": limit,
        "truncated": truncated,
        "classes": [{"value": c, "label": labels[c]} for c in NODE_CLASSES],
        "towns": [{"code": c, "name": town_names.get(c, c)} for c in towns_present],
        "generations": sorted(set(generation.values())),
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "class": n.cls,
                "generation": n.generation,
                "date": n.date,
                "label": n.label,
                "detail": n.detail,
                "town": n.town,
                "url": n.url,
                "outside": n.outside,
                "count": n.count,
                "x": n.x,
                "y": n.y,
            }
            for n in drawn
        ],
        "edges": [[a, b, count] for (a, b), count in edges.items()],
    }


def _of_chain(queryset: QuerySet, cluster: Cluster) -> QuerySet:
    """The rows of ``queryset`` (exposures, contacts) whose person is in the chain.

    On PostgreSQL as ``person_id = ANY(ARRAY(<the chain's person ids>))``: an index scan of the chain's own
    rows. The join ``person__cluster`` is planned as a hash join over the whole table — at city scale a
    sequential scan of 2,000,000 exposures for a 50,000-person chain's 100,000.
    """
    if connection.vendor != "postgresql":
        return queryset.filter(person__cluster=cluster)
    table, persons = queryset.model._meta.db_table, Person._meta.db_table
    where = f"{table}.person_id = ANY(ARRAY(SELECT id FROM {persons} WHERE cluster_id = %s))"
    return queryset.extra(where=[where], params=[cluster.pk])


def _names(model, pks: list[int]) -> dict[int, str]:
    """``pk → name`` of the given rows, in chunks that fit any backend's parameter limit."""
    names: dict[int, str] = {}
    for start in range(0, len(pks), 500):
        names.update(model.objects.filter(pk__in=pks[start : start + 500]).values_list("pk", "name").order_by())
    return names


def class_labels() -> dict[str, str]:
    """Names of the node classes, in the reader's language."""
    return {
        "case": gettext("case"),
        "close": gettext("close contact"),
        "secondary": gettext("secondary contact"),
        "other": gettext("other person in the chain"),
        "site": gettext("exposure site"),
    }


def _layout(drawn: list[_Node]) -> None:
    """Generations left to right; within one, by date then class, wrapped into sub-columns."""
    by_generation: dict[int, list[_Node]] = defaultdict(list)
    for node in drawn:
        by_generation[node.generation].append(node)
    x = 0.0
    for generation in sorted(by_generation):
        column = sorted(
            by_generation[generation], key=lambda n: (n.date or _NO_DATE, _CLASS_ORDER[n.cls], n.kind == "group", n.id)
        )
        for index, node in enumerate(column):
            sub, row = divmod(index, _ROWS_PER_COLUMN)
            node.x = x + sub * _COLUMN_WIDTH
            node.y = row * _ROW_HEIGHT
        x += ((len(column) - 1) // _ROWS_PER_COLUMN + 1) * _COLUMN_WIDTH + _BAND_GAP
