"""Reads of epidemic investigation: contacts of a case, the chain of a person, the chain graph.

Contacts and chains are maintained on write (:mod:`safecity.epidemic.graph`), so these are indexed
reads, never a graph walk over the whole city.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
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
        .select_related("person", "person__region", "case", "via", "via__person")
        .order_by("degree", "first_exposed_on", "pk")
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
    date: date | None = None
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
    the names of its sites and towns) — never a query per node.

    Generation = hops from the earliest case along exposures (either direction; a site is a hop).
    Beyond ``limit`` nodes, cases and close contacts stay individual and the rest is aggregated into
    count nodes per (generation, class, town). Persons outside ``user``'s area are shown without
    name, town or link. Filters (``classes``, ``generations``, ``town``) apply after generations are
    computed, before aggregation. Internally persons are keyed by their id and sites by minus theirs.
    """
    from safecity.core.scoping import get_scopes

    limit = max(50, min(int(limit or rules.GRAPH_NODE_LIMIT), rules.GRAPH_NODE_LIMIT_MAX))
    persons = list(Person.objects.filter(cluster=cluster).values_list("pk", "name", "region_id").order_by())
    exposures = list(
        Exposure.objects.filter(archived_at__isnull=True, person__cluster=cluster)
        .values_list("person_id", "source_person_id", "source_site_id", "exposed_on")
        .order_by()
    )
    cases = list(
        Case.objects.filter(person__cluster=cluster, archived_at__isnull=True)
        .exclude(classification__in=rules.NOT_A_CASE)
        .values_list("person_id", "number", "onset_at", "sampled_at", "detected_at", "reported_at")
        .order_by()
    )
    contacts = list(
        Contact.objects.filter(person__cluster=cluster, archived_at__isnull=True)
        .values_list("person_id", "contact_class", "first_exposed_on")
        .order_by()
    )
    site_ids = {s for _, _, s, _ in exposures if s is not None}
    sites = dict(ExposureSite.objects.filter(pk__in=site_ids).values_list("pk", "name"))
    regions = dict(Region.objects.filter(pk__in={r for _, _, r in persons}).values_list("pk", "code").order_by())

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
    region_town = {pk: town_code(code) for pk, code in regions.items()}

    case_of: dict[int, tuple[str, date | None]] = {}
    for person_id, number, *times in cases:
        ref = next((t for t in times if t is not None), None)
        ref = timezone.localtime(ref).date() if ref is not None else None
        prev = case_of.get(person_id)
        if prev is None or (ref is not None and (prev[1] is None or ref < prev[1])):
            case_of[person_id] = (number, ref)
    contact_of: dict[int, tuple[str, date]] = {}
    for person_id, cls, first in contacts:
        prev = contact_of.get(person_id)
        if (
            prev is None
            or (cls == ContactClass.CLOSE and prev[0] != ContactClass.CLOSE)
            or (cls == prev[0] and first < prev[1])
        ):
            contact_of[person_id] = (cls, first)

    adjacency: dict[int, list[int]] = defaultdict(list)
    first_seen: dict[int, date] = {}
    edge_list: list[tuple[int, int]] = []
    for person_id, src, site, day in exposures:
        other = src if src is not None else -site
        adjacency[person_id].append(other)
        adjacency[other].append(person_id)
        edge_list.append((other, person_id))
        for key in (person_id, other):
            if key not in first_seen or day < first_seen[key]:
                first_seen[key] = day

    # node attributes, by key
    cls_of: dict[int, str] = {}
    date_of: dict[int, date | None] = {}
    name_of: dict[int, str] = {}
    town_of: dict[int, str] = {}
    outside: set[int] = set()
    for pk, name, region_id in persons:
        if pk in case_of:
            cls_of[pk], date_of[pk] = "case", case_of[pk][1]
        elif pk in contact_of:
            cls_of[pk], date_of[pk] = contact_of[pk]
        else:
            cls_of[pk], date_of[pk] = "other", first_seen.get(pk)
        if region_visible.get(region_id):
            name_of[pk] = name
            town_of[pk] = region_town[region_id]
        else:
            outside.add(pk)
            town_of[pk] = ""
    for pk, name in sites.items():
        cls_of[-pk], date_of[-pk], name_of[-pk], town_of[-pk] = "site", first_seen.get(-pk), name, ""

    # generations: breadth-first from the earliest case (or the earliest exposed person)
    generation: dict[int, int] = {}
    starts = sorted((k for k in cls_of if k > 0), key=lambda k: (cls_of[k] != "case", date_of[k] or date.max, k))
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
            deepest = max(deepest, generation[current])
    for key in cls_of:
        generation.setdefault(key, 0)

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

    # aggregation beyond the limit
    individual = set(selected)
    groups: dict[str, _Node] = {}
    member_of: dict[int, str] = {}
    truncated = len(selected) > limit
    if truncated:
        priority = sorted(
            (k for k in selected if cls_of[k] in ("case", "close")),
            key=lambda k: (_CLASS_ORDER[cls_of[k]], generation[k], date_of[k] or date.max, k),
        )
        individual = set(priority[:limit])
        for k in selected:
            if k in individual:
                continue
            gkey = f"g{generation[k]}:{cls_of[k]}:{town_of[k] or '-'}"
            group = groups.get(gkey)
            if group is None:
                group = groups[gkey] = _Node(
                    id=gkey, kind="group", cls=cls_of[k], generation=generation[k], town=town_of[k], count=0, date=None
                )
            group.count += 1
            day = date_of[k]
            if day is not None and (group.date is None or day < group.date):
                group.date = day
            member_of[k] = gkey

    outside_label = gettext("outside your area")
    labels = class_labels()
    town_names = dict(Region.objects.filter(code__in=towns_present).values_list("code", "name"))
    person_url = reverse("epidemic:person_detail", kwargs={"pk": 0})
    site_url = reverse("epidemic:exposuresite_detail", kwargs={"pk": 0})
    drawn: list[_Node] = []
    for k in individual:
        node = _Node(
            id=f"p{k}" if k > 0 else f"s{-k}",
            kind="person" if k > 0 else "site",
            cls=cls_of[k],
            generation=generation[k],
            date=date_of[k],
            town=town_of[k],
            outside=k in outside,
        )
        if k in outside:
            node.label = outside_label
        else:
            node.label = name_of[k]
            node.url = (person_url if k > 0 else site_url).replace("/0/", f"/{abs(k)}/")
            if cls_of[k] == "case":
                node.detail = case_of[k][0]
        drawn.append(node)
    for group in groups.values():
        group.label = f"{group.count} × {labels[group.cls]}"
        group.detail = town_names.get(group.town, outside_label if not group.town else group.town)
        drawn.append(group)

    def visible_id(key: int) -> str | None:
        if key in individual:
            return f"p{key}" if key > 0 else f"s{-key}"
        return member_of.get(key)

    edges: dict[tuple[str, str], int] = defaultdict(int)
    for a, b in edge_list:
        va, vb = visible_id(a), visible_id(b)
        if va and vb and va != vb:
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
                "date": n.date.isoformat() if n.date else None,
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
            by_generation[generation], key=lambda n: (n.date or date.max, _CLASS_ORDER[n.cls], n.kind == "group", n.id)
        )
        for index, node in enumerate(column):
            sub, row = divmod(index, _ROWS_PER_COLUMN)
            node.x = x + sub * _COLUMN_WIDTH
            node.y = row * _ROW_HEIGHT
        x += ((len(column) - 1) // _ROWS_PER_COLUMN + 1) * _COLUMN_WIDTH + _BAND_GAP
