"""The transmission graph kept current on write: chains (union-find on ``Person.cluster``) and contacts.

Called by :mod:`safecity.epidemic.services` inside their transactions; nothing here opens pages or
checks the actor's scope (the services do). Both structures are maintained *locally*: a new exposure
touches the two clusters it joins and re-classifies only the persons it can affect.

**Chains.** A chain is a connected component of persons joined by exposures (an exposure at a site
joins everyone exposed at that site). Joining two chains moves the smaller into the larger with one
``UPDATE person SET cluster = larger WHERE cluster = smaller`` and marks the smaller ``merged_into``.
Archiving an exposure can split a chain: :func:`cluster_rebuild` recomputes that one chain's
components from one read of its persons and one read of the exposures among them.

**Contacts** of a case (protocol version ``p`` of its disease):

* close contact (degree 1): exposed to the case's person at a proximity in ``p.close_proximities``,
  the exposure lasting until on or after the case's reference date − ``p.look_back_days`` (reference
  date: onset, else sampling, else detection, else report);
* secondary contact (degree 2, ``via`` a close contact K): not a close contact, exposed to K's person
  in a setting in ``p.secondary_settings``, the exposure overlapping the period from K's first
  exposure until K was put under control (open-ended while K is not). Of several close contacts the
  one met first is ``via`` (ties: lower person id).

An exposure at a site (place, event, consignment, vehicle) counts as an exposure to every other person
exposed at the same site on an overlapping day (``exposed_on`` … ``last_exposed_on``), for the days in
common and with the proximity and setting of the person's *own* exposure there: present with a case's
person at a close proximity, one is a close contact; present with a close contact in a secondary
setting, a secondary contact. So a protocol whose ``close_proximities`` are empty (dengue) makes no
contacts at a site either.

A case that is excluded or archived has no contacts. A contact that stops qualifying is archived
(never deleted: management plans hang off it) and comes back if it qualifies again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import rules
from .choices import ContactClass
from .models import Case, Cluster, Contact, Exposure, Person, Protocol

# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _local_date(value) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def case_reference_date(case: Case) -> date | None:
    """The date a case's look-back and its chain's onset dates count from: onset, else sampling, else
    detection, else report."""
    for value in (case.onset_at, case.sampled_at, case.detected_at, case.reported_at):
        if value is not None:
            return _local_date(value)
    return None


def case_counts(case: Case) -> bool:
    """Whether a case counts (gives contacts, counts in its chain)."""
    return case.archived_at is None and case.classification not in rules.NOT_A_CASE


def protocol_in_force(disease, on: date | None = None) -> Protocol | None:
    """The disease's protocol version in force on ``on`` (default today); if none was yet, the earliest."""
    on = on or timezone.localdate()
    versions = Protocol.objects.filter(disease=disease, archived_at__isnull=True)
    current = (
        versions.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from", "-pk")
        .first()
    )
    return current or versions.order_by("effective_from", "pk").first()


def _system_save(instance, actor, reason: str, update_fields: list[str] | None = None) -> None:
    """Save a row the platform computes (chains, contacts): stamped and with history, no scope check
    (a county's exposure may extend a chain or a contact list that reaches into another county)."""
    if actor is not None:
        if instance._state.adding and hasattr(instance, "created_by_id"):
            instance.created_by = actor
        if hasattr(instance, "updated_by_id"):
            instance.updated_by = actor
    instance._history_user = actor
    instance._change_reason = reason
    instance.save()


# --------------------------------------------------------------------------------------------------
# Chains: union-find on Person.cluster
# --------------------------------------------------------------------------------------------------

_CASE_DATE = Coalesce("onset_at", "sampled_at", "detected_at", "reported_at")


def _case_stats(cases) -> tuple[int, date | None, date | None, int | None]:
    """(count, first date, latest date, disease id of the earliest) of counting cases in ``cases``."""
    cases = cases.filter(archived_at__isnull=True).exclude(classification__in=rules.NOT_A_CASE)
    stats = cases.aggregate(n=Count("pk"), first=Min(_CASE_DATE), latest=Max(_CASE_DATE))
    disease_id = None
    if stats["n"]:
        ordered = cases.annotate(d=_CASE_DATE).order_by(F("d").asc(nulls_last=True), "pk")
        disease_id = ordered.values_list("disease_id", flat=True).first()
    return stats["n"], _local_date(stats["first"]), _local_date(stats["latest"]), disease_id


def _next_cluster_code() -> str:
    last = Cluster.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"{rules.CLUSTER_CODE_PREFIX}{last + 1:06d}"


def _new_cluster(actor, person: Person) -> Cluster:
    for attempt in range(5):
        cluster = Cluster(code=_next_cluster_code(), region_id=person.region_id)
        if attempt:
            cluster.code = f"{cluster.code}-{attempt}"
        try:
            with transaction.atomic():
                _system_save(cluster, actor, "created")
        except IntegrityError:
            continue
        return cluster
    raise RuntimeError("could not allocate a transmission chain code")


def _min_date(a, b):
    return min(d for d in (a, b) if d is not None) if (a or b) else None


def _max_date(a, b):
    return max(d for d in (a, b) if d is not None) if (a or b) else None


def cluster_union(*, actor, person_ids) -> Cluster | None:
    """Put the given persons (and everyone in their chains) into one chain; return it.

    Persons without a chain join it; chains are merged smaller-into-larger (union by size). Locks the
    persons and the chains involved (in primary-key order) so concurrent writes serialise.
    """
    person_ids = sorted({pk for pk in person_ids if pk is not None})
    if not person_ids:
        return None
    persons = list(Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk"))
    cluster_ids = sorted({p.cluster_id for p in persons if p.cluster_id})
    clusters = list(Cluster.objects.select_for_update().filter(pk__in=cluster_ids).order_by("pk"))
    target = max(clusters, key=lambda c: (c.size, -c.pk)) if clusters else _new_cluster(actor, persons[0])
    changed = False
    for other in clusters:
        if other.pk == target.pk:
            continue
        Person.objects.filter(cluster=other).update(cluster=target)
        target.size += other.size
        target.case_count += other.case_count
        target.first_onset = _min_date(target.first_onset, other.first_onset)
        target.latest_onset = _max_date(target.latest_onset, other.latest_onset)
        if target.disease_id is None:
            target.disease_id = other.disease_id
        other.merged_into = target
        other.archived_at = timezone.now()
        _system_save(other, actor, f"merged into {target.code}")
        changed = True
    loose = [p.pk for p in persons if p.cluster_id is None]
    if loose:
        Person.objects.filter(pk__in=loose).update(cluster=target)
        n, first, latest, disease_id = _case_stats(Case.objects.filter(person_id__in=loose))
        target.size += len(loose)
        target.case_count += n
        target.first_onset = _min_date(target.first_onset, first)
        target.latest_onset = _max_date(target.latest_onset, latest)
        if target.disease_id is None:
            target.disease_id = disease_id
    if changed:
        _system_save(target, actor, "chains merged")
    elif loose:  # growth only: counters without a history row per exposure
        Cluster.objects.filter(pk=target.pk).update(
            size=target.size,
            case_count=target.case_count,
            first_onset=target.first_onset,
            latest_onset=target.latest_onset,
            disease=target.disease_id,
            updated_at=timezone.now(),
        )
    return target


def cluster_refresh(cluster: Cluster) -> Cluster:
    """Recount a chain's persons and cases from its rows (after a case changed or the chain split)."""
    n, first, latest, disease_id = _case_stats(Case.objects.filter(person__cluster=cluster))
    cluster.size = Person.objects.filter(cluster=cluster).count()
    cluster.case_count = n
    cluster.first_onset, cluster.latest_onset = first, latest
    if disease_id is not None and cluster.disease_id is None:
        cluster.disease_id = disease_id
    Cluster.objects.filter(pk=cluster.pk).update(
        size=cluster.size,
        case_count=n,
        first_onset=first,
        latest_onset=latest,
        disease=cluster.disease_id,
        updated_at=timezone.now(),
    )
    return cluster


def components(person_ids, edges) -> list[set[int]]:
    """Connected components of ``person_ids`` joined by ``edges`` (pairs of person ids)."""
    parent = {pk: pk for pk in person_ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups = defaultdict(set)
    for pk in person_ids:
        groups[find(pk)].add(pk)
    return list(groups.values())


def active_edges(exposures) -> list[tuple[int, int]]:
    """Person–person pairs of ``exposures`` (a queryset), site exposures turned into a star per site."""
    edges = []
    first_at_site: dict[int, int] = {}
    for person_id, source_id, site_id in exposures.values_list("person_id", "source_person_id", "source_site_id"):
        if source_id is not None:
            edges.append((person_id, source_id))
        else:
            anchor = first_at_site.setdefault(site_id, person_id)
            edges.append((person_id, anchor))
    return edges


def cluster_rebuild(*, actor, cluster: Cluster) -> list[Cluster]:
    """Recompute one chain from its rows after an exposure was removed: it may fall apart.

    One read of the chain's persons and one of the active exposures among them; the largest part
    keeps the chain, every other part gets a new one. Persons left with no exposure and no case
    leave the chain.
    """
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    person_ids = set(Person.objects.filter(cluster=cluster).values_list("pk", flat=True))
    exposures = Exposure.objects.filter(archived_at__isnull=True, person__cluster=cluster)
    edges = active_edges(exposures)
    in_graph = {a for a, _ in edges} | {b for _, b in edges}
    with_cases = set(Case.objects.filter(person__cluster=cluster).values_list("person_id", flat=True))
    keep = person_ids & (in_graph | with_cases)
    gone = person_ids - keep
    if gone:
        Person.objects.filter(pk__in=gone).update(cluster=None)
    parts = sorted(components(keep, edges), key=lambda part: (-len(part), min(part)))
    result = [cluster]
    for part in parts[1:]:
        new = _new_cluster(actor, Person.objects.get(pk=min(part)))
        Person.objects.filter(pk__in=part).update(cluster=new)
        result.append(cluster_refresh(new))
    cluster_refresh(cluster)
    if len(parts) > 1:
        _system_save(cluster, actor, "chain split")
    return result


def attach_exposure(*, actor, exposure: Exposure) -> Cluster | None:
    """Join the exposure's two ends' chains (a site: anyone already exposed there)."""
    if exposure.source_person_id is not None:
        return cluster_union(actor=actor, person_ids=[exposure.person_id, exposure.source_person_id])
    other = (
        Exposure.objects.filter(source_site_id=exposure.source_site_id, archived_at__isnull=True)
        .exclude(person_id=exposure.person_id)
        .order_by("pk")
        .values_list("person_id", flat=True)
        .first()
    )
    return cluster_union(actor=actor, person_ids=[exposure.person_id, other])


# --------------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------------

_EXPOSURE_END = Coalesce("last_exposed_on", "exposed_on")


def _protocol(case: Case) -> Protocol | None:
    if case.protocol_id is not None:
        return case.protocol
    return protocol_in_force(case.disease, _local_date(case.reported_at) or case_reference_date(case))


def _overlap(start_a: date, end_a: date, start_b: date, end_b: date) -> tuple[date, date] | None:
    """The days two exposures (first day, last day) have in common, or ``None``."""
    start, end = max(start_a, start_b), min(end_a, end_b)
    return (start, end) if start <= end else None


def _site_spans(**filters) -> dict[int, list[tuple[int, date, date]]]:
    """Active site exposures matching ``filters``, by site: ``{site: [(person, first day, last day), …]}``."""
    spans: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    rows = (
        Exposure.objects.filter(archived_at__isnull=True, source_site__isnull=False, **filters)
        .annotate(end=_EXPOSURE_END)
        .values_list("source_site_id", "person_id", "exposed_on", "end")
    )
    for site_id, person_id, start, end in rows:
        spans[site_id].append((person_id, start, end))
    return spans


def co_present(persons, *, proximities=None, settings=None) -> set[int]:
    """The persons with an active exposure at a site where one of ``persons`` (ids, or a query of
    ``person_id`` values) has an active exposure on an overlapping day — ``persons`` included. With
    ``proximities`` / ``settings``, only persons whose own exposure there has one of them.

    Two queries: the anchors' site exposures, then the exposures at those sites within their dates;
    the overlap is checked against the anchors' merged periods per site (``O(n log n)``, never one
    comparison per pair of persons).
    """
    anchors = _site_spans(person_id__in=persons)
    if not anchors:
        return set()
    periods: dict[int, tuple[list[date], list[date]]] = {}
    for site_id, spans in anchors.items():
        starts: list[date] = []
        ends: list[date] = []
        for _person, start, end in sorted(spans, key=lambda span: span[1]):
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        periods[site_id] = (starts, ends)
    earliest = min(starts[0] for starts, _ in periods.values())
    latest = max(max(ends) for _, ends in periods.values())
    filters = {"source_site_id__in": list(periods), "exposed_on__lte": latest, "end__gte": earliest}
    if proximities is not None:
        filters["proximity__in"] = list(proximities)
    if settings is not None:
        filters["setting__in"] = list(settings)
    found = set()
    rows = (
        Exposure.objects.filter(archived_at__isnull=True)
        .annotate(end=_EXPOSURE_END)
        .filter(**filters)
        .values_list("source_site_id", "person_id", "exposed_on", "end")
    )
    for site_id, person_id, start, end in rows:
        starts, ends = periods[site_id]
        i = bisect_right(starts, end) - 1  # the last period starting on or before this exposure ends
        if i >= 0 and ends[i] >= start:
            found.add(person_id)
    return found


def exposees(persons, protocol: Protocol | None) -> set[int]:
    """Whom a close contact among ``persons`` can make a secondary contact: the persons exposed to them,
    and the persons present with them at a site on an overlapping day in a setting of ``protocol``'s
    secondary contacts."""
    found = set(
        Exposure.objects.filter(archived_at__isnull=True, source_person_id__in=persons).values_list(
            "person_id", flat=True
        )
    )
    if protocol is not None and protocol.secondary_settings:
        found |= co_present(persons, settings=protocol.secondary_settings)
    return found


def _desired(case: Case, protocol: Protocol | None, person_ids: set[int]) -> dict[int, dict]:
    """What the contact rows of ``case`` for ``person_ids`` should be, from the exposures (and the
    current close-contact rows of the case, for secondary contacts).

    An exposure at a site counts as an exposure to every other person exposed at the same site on an
    overlapping day — for the days in common, with the proximity and setting of the person's own
    exposure there."""
    result: dict[int, dict] = {}
    candidates = set(person_ids) - {case.person_id}
    if not candidates or protocol is None or not case_counts(case):
        return result
    reference = case_reference_date(case)
    window = reference - timedelta(days=protocol.look_back_days) if reference is not None else None
    close_proximities = protocol.close_proximities or []
    close = Exposure.objects.filter(
        archived_at__isnull=True,
        source_person_id=case.person_id,
        person_id__in=candidates,
        proximity__in=close_proximities,
    )
    if window is not None:
        close = close.annotate(end=_EXPOSURE_END).filter(end__gte=window)
    spans: dict[int, tuple[date, date]] = {}

    def widen(person_id: int, first: date, last: date) -> None:
        known = spans.get(person_id)
        spans[person_id] = (min(first, known[0]), max(last, known[1])) if known else (first, last)

    for row in close.values("person_id").annotate(first=Min("exposed_on"), last=Max(_EXPOSURE_END)):
        widen(row["person_id"], row["first"], row["last"])
    case_sites = _site_spans(person_id=case.person_id) if close_proximities else {}
    if case_sites:  # present at a site together with the case's person
        at_sites = _site_spans(
            source_site_id__in=list(case_sites), person_id__in=candidates, proximity__in=close_proximities
        )
        for site_id, rows in at_sites.items():
            for person_id, start, end in rows:
                for _case_person, case_start, case_end in case_sites[site_id]:
                    common = _overlap(start, end, case_start, case_end)
                    if common is not None and (window is None or common[1] >= window):
                        widen(person_id, *common)
    for person_id, (first, last) in spans.items():
        result[person_id] = {
            "contact_class": ContactClass.CLOSE,
            "degree": 1,
            "via_id": None,
            "first_exposed_on": first,
            "last_exposed_on": last,
        }
    rest = candidates - set(result)
    if not rest or not protocol.secondary_settings:
        return result
    exposures = list(
        Exposure.objects.filter(
            archived_at__isnull=True,
            person_id__in=rest,
            source_person__isnull=False,
            setting__in=protocol.secondary_settings,
        )
        .annotate(end=_EXPOSURE_END)
        .values_list("person_id", "source_person_id", "exposed_on", "end")
    )
    close_rows: dict[int, Contact] = {}
    rest_sites = _site_spans(person_id__in=rest, setting__in=protocol.secondary_settings)
    if rest_sites:  # present at a site together with a close contact of the case
        of_case = Contact.objects.filter(case=case, contact_class=ContactClass.CLOSE, archived_at__isnull=True)
        close_sites = _site_spans(source_site_id__in=list(rest_sites), person_id__in=of_case.values("person_id"))
        present = {k for spans in close_sites.values() for k, _, _ in spans}
        close_rows.update((row.person_id, row) for row in of_case.filter(person_id__in=present))
        for site_id, rows in rest_sites.items():
            # close contacts there on the same days and with the same window pair the same way with
            # everyone: only the lowest person id of each can be ``via`` — one of each, not one per person
            first_of: dict[tuple, int] = {}
            for k, k_start, k_end in close_sites.get(site_id, ()):
                row = close_rows[k]
                key = (k_start, k_end, row.first_exposed_on, _local_date(row.controlled_at))
                if key not in first_of or k < first_of[key]:
                    first_of[key] = k
            for person_id, start, end in rows:
                for (k_start, k_end, _first, _controlled), k in first_of.items():
                    common = _overlap(start, end, k_start, k_end)
                    if common is not None:
                        exposures.append((person_id, k, common[0], common[1]))
    sources = {source for _, source, _, _ in exposures} - set(close_rows)
    if sources:
        close_rows.update(
            (row.person_id, row)
            for row in Contact.objects.filter(
                case=case, contact_class=ContactClass.CLOSE, archived_at__isnull=True, person_id__in=sources
            )
        )
    if not close_rows:
        return result
    qualifying = defaultdict(list)
    for person_id, source_id, start, end in exposures:
        k = close_rows.get(source_id)
        if k is None or end < k.first_exposed_on:
            continue
        if k.controlled_at is not None and start > _local_date(k.controlled_at):
            continue
        qualifying[person_id].append((start, source_id, end, k.pk))
    for person_id, rows in qualifying.items():
        best = min(rows)
        result[person_id] = {
            "contact_class": ContactClass.SECONDARY,
            "degree": 2,
            "via_id": best[3],
            "first_exposed_on": min(r[0] for r in rows),
            "last_exposed_on": max(r[2] for r in rows),
        }
    return result


_COMPARED = ("contact_class", "degree", "via_id", "first_exposed_on", "last_exposed_on")


def _apply(*, actor, case: Case, protocol: Protocol | None, person_ids: set[int]) -> set[int]:
    """Bring the contact rows of ``case`` for ``person_ids`` in line; return the persons whose *close*
    contact row changed (appeared, went, or its first exposure moved) — their own exposees need a look."""
    desired = _desired(case, protocol, person_ids)
    existing = {row.person_id: row for row in Contact.objects.filter(case=case, person_id__in=person_ids)}
    now = timezone.now()
    close_changed: set[int] = set()
    for person_id in person_ids:
        want = desired.get(person_id)
        row = existing.get(person_id)
        if want is None:
            if row is not None and row.archived_at is None:
                if row.contact_class == ContactClass.CLOSE:
                    close_changed.add(person_id)
                row.archived_at = now
                _system_save(row, actor, "no longer a contact")
            continue
        if row is None:
            row = Contact(case=case, person_id=person_id, protocol=protocol, determined_at=now, **want)
            _system_save(row, actor, "determined")
            if want["contact_class"] == ContactClass.CLOSE:
                close_changed.add(person_id)
            continue
        same = row.archived_at is None and all(getattr(row, f) == want[f] for f in _COMPARED)
        if same:
            continue
        was_close = row.archived_at is None and row.contact_class == ContactClass.CLOSE
        is_close = want["contact_class"] == ContactClass.CLOSE
        if was_close != is_close or (is_close and row.first_exposed_on != want["first_exposed_on"]):
            close_changed.add(person_id)
        if row.archived_at is not None:
            row.archived_at = None
            row.determined_at = now
        for field, value in want.items():
            setattr(row, field, value)
        if row.protocol_id is None and protocol is not None:
            row.protocol = protocol
        _system_save(row, actor, "reclassified")
    return close_changed


def contacts_update(*, actor, case: Case, person_ids) -> None:
    """Re-classify ``person_ids`` relative to ``case``, then whoever was exposed to a person whose close
    contact row changed, or was at a site with them (their secondary class depends on it)."""
    protocol = _protocol(case)
    todo = set(person_ids)
    for _ in range(3):  # close rows depend only on exposures to the case: one cascade settles it
        if not todo:
            return
        changed = _apply(actor=actor, case=case, protocol=protocol, person_ids=todo)
        if not changed:
            return
        todo = exposees(changed, protocol) | set(
            Contact.objects.filter(case=case, via__person_id__in=changed).values_list("person_id", flat=True)
        )


def contacts_recompute_case(*, actor, case: Case) -> None:
    """Re-classify everyone around one case (after the case was created, reclassified or re-dated): the
    persons exposed to its person or present with them at a site, then those around its close contacts."""
    protocol = _protocol(case)
    direct = set(
        Exposure.objects.filter(archived_at__isnull=True, source_person_id=case.person_id).values_list(
            "person_id", flat=True
        )
    )
    if protocol is not None and protocol.close_proximities:
        direct |= co_present([case.person_id], proximities=protocol.close_proximities)
    known = set(Contact.objects.filter(case=case).values_list("person_id", flat=True))
    _apply(actor=actor, case=case, protocol=protocol, person_ids=direct | known)
    close_persons = Contact.objects.filter(
        case=case, contact_class=ContactClass.CLOSE, archived_at__isnull=True
    ).values("person_id")
    around = exposees(close_persons, protocol)
    around |= set(Contact.objects.filter(case=case).values_list("person_id", flat=True))
    contacts_update(actor=actor, case=case, person_ids=around)


def _cases_around(persons) -> set[int]:
    """The cases of ``persons`` (ids or a query of ``person_id`` values) and the cases they are a close
    contact of: the cases for which a person exposed to them may be a contact."""
    case_ids = set(Case.objects.filter(person_id__in=persons).values_list("pk", flat=True))
    case_ids |= set(
        Contact.objects.filter(
            person_id__in=persons, contact_class=ContactClass.CLOSE, archived_at__isnull=True
        ).values_list("case_id", flat=True)
    )
    return case_ids


def _update_each(*, actor, case_ids, person_ids) -> None:
    if not case_ids or not person_ids:
        return
    for case in Case.objects.filter(pk__in=case_ids).select_related("protocol", "disease").order_by("pk"):
        contacts_update(actor=actor, case=case, person_ids=person_ids)


def contacts_after_exposure(*, actor, person_id: int, source_person_id: int) -> None:
    """A new (or removed) exposure of ``person_id`` to ``source_person_id``: re-classify that person for
    every case of the source and every case the source is a close contact of."""
    _update_each(actor=actor, case_ids=_cases_around([source_person_id]), person_ids={person_id})


class SiteReach:
    """Who a site exposure links, read before or after it changes (see :func:`contacts_after_site_exposure`).

    ``present`` is the query of the other persons exposed at the same site on an overlapping day (built
    from the exposure's values when read, so it can be evaluated later); ``cases_for_person`` the cases
    of those persons and the cases they are a close contact of (the exposed person's class relative to
    them may change); ``cases_for_present`` the exposed person's own cases and the cases they are a
    close contact of (the class of those present relative to them may change).
    """

    def __init__(self, exposure: Exposure):
        end = exposure.last_exposed_on or exposure.exposed_on
        self.present = (
            Exposure.objects.filter(
                archived_at__isnull=True, source_site_id=exposure.source_site_id, exposed_on__lte=end
            )
            .annotate(end=_EXPOSURE_END)
            .filter(end__gte=exposure.exposed_on)
            .exclude(person_id=exposure.person_id)
            .values("person_id")
        )
        self.cases_for_person = _cases_around(self.present)
        self.cases_for_present = _cases_around([exposure.person_id])


def site_reach(exposure: Exposure) -> SiteReach | None:
    """What a site exposure links now (``None`` for an exposure to a person)."""
    return SiteReach(exposure) if exposure.source_site_id is not None else None


def contacts_after_site_exposure(*, actor, person_id: int, reaches) -> None:
    """A site exposure of ``person_id`` was recorded, changed or removed: with what it linked before and
    after (:func:`site_reach`), re-classify the person for the cases of those present with them (and the
    cases those are close contacts of), and those present for the person's own cases (and the cases the
    person is a close contact of). Proportional: nobody else at the site is read unless the person is
    a case or a close contact."""
    reaches = [reach for reach in reaches if reach is not None]
    _update_each(
        actor=actor,
        case_ids=set().union(*(reach.cases_for_person for reach in reaches)),
        person_ids={person_id},
    )
    case_ids = set().union(*(reach.cases_for_present for reach in reaches))
    if case_ids:
        present = set().union(*(set(r.present.values_list("person_id", flat=True)) for r in reaches))
        _update_each(actor=actor, case_ids=case_ids, person_ids=present)


def contacts_around_person(*, actor, person_id: int) -> None:
    """Re-classify every case neighbourhood a person takes part in (after a merge moved their links)."""
    sources = set(
        Exposure.objects.filter(archived_at__isnull=True, person_id=person_id, source_person__isnull=False).values_list(
            "source_person_id", flat=True
        )
    )
    case_ids = set(Case.objects.filter(person_id__in=sources | {person_id}).values_list("pk", flat=True))
    case_ids |= set(Contact.objects.filter(person_id__in=sources | {person_id}).values_list("case_id", flat=True))
    for case in Case.objects.filter(pk__in=case_ids).select_related("protocol", "disease").order_by("pk"):
        contacts_recompute_case(actor=actor, case=case)
    # present at a site with a case or a close contact: the person's class for those cases
    present = co_present([person_id]) - {person_id}
    if present:
        _update_each(actor=actor, case_ids=_cases_around(present) - case_ids, person_ids={person_id})
