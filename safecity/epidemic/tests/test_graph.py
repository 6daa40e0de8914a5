"""Chains and contacts maintained on write: they always equal what a from-scratch computation over all
exposures and cases gives (property tests), and read like the protocol in the worked examples."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.epidemic import graph, services
from safecity.epidemic.choices import CaseSource, Classification, ContactClass, Proximity, Setting
from safecity.epidemic.factories import DiseaseFactory, ExposureSiteFactory, PersonFactory, ProtocolFactory
from safecity.epidemic.models import Case, Cluster, Contact, Exposure, Person
from safecity.epidemic.selectors import cluster_of, contacts_of_case

TODAY = timezone.localdate()


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))


@pytest.fixture
def world(city):
    actor = make_user("epi", Role.HQ_DUTY_OFFICER, city["city"].code)
    disease = DiseaseFactory()
    protocol = ProtocolFactory(disease=disease)
    return actor, disease, protocol


def expose(actor, person, source, days_ago=1, setting=Setting.HOUSEHOLD, proximity=Proximity.CLOSE_UNPROTECTED):
    kwargs = {"source_site": source} if not isinstance(source, Person) else {"source_person": source}
    return services.exposure_record(
        actor=actor,
        person=person,
        exposed_on=TODAY - timedelta(days=days_ago),
        setting=setting,
        proximity=proximity,
        **kwargs,
    )


def make_case(actor, person, disease, onset_days_ago=2):
    return services.case_create(
        actor=actor,
        person=person,
        disease=disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
        onset_at=at(TODAY - timedelta(days=onset_days_ago)),
        reported_at=timezone.now(),
    )


# ------------------------------------------------------------------------------------------------
# From-scratch reference computations
# ------------------------------------------------------------------------------------------------


def scratch_components() -> set[frozenset[int]]:
    exposures = Exposure.objects.filter(archived_at__isnull=True)
    edges = graph.active_edges(exposures)
    persons = {a for a, _ in edges} | {b for _, b in edges}
    persons |= set(Case.objects.values_list("person_id", flat=True))
    return {frozenset(part) for part in graph.components(persons, edges)}


def stored_components() -> set[frozenset[int]]:
    groups = defaultdict(set)
    for pk, cluster_id in Person.objects.filter(cluster__isnull=False).values_list("pk", "cluster_id"):
        groups[cluster_id].add(pk)
    return {frozenset(g) for g in groups.values()}


def scratch_contacts() -> set[tuple]:
    """(person, case, class, via person, first, last) for every case, straight from the definitions."""
    result = set()
    exposures = list(Exposure.objects.filter(archived_at__isnull=True, source_person__isnull=False))
    for case in Case.objects.select_related("protocol"):
        protocol = case.protocol
        if not graph.case_counts(case) or protocol is None:
            continue
        ref = graph.case_reference_date(case)
        close = {}
        for e in exposures:
            end = e.last_exposed_on or e.exposed_on
            if e.source_person_id != case.person_id or e.proximity not in protocol.close_proximities:
                continue
            if ref is not None and end < ref - timedelta(days=protocol.look_back_days):
                continue
            first, last = close.get(e.person_id, (e.exposed_on, end))
            close[e.person_id] = (min(first, e.exposed_on), max(last, end))
        close.pop(case.person_id, None)
        for person, (first, last) in close.items():
            result.add((person, case.pk, ContactClass.CLOSE, None, first, last))
        controlled = dict(
            Contact.objects.filter(case=case, contact_class=ContactClass.CLOSE).values_list(
                "person_id", "controlled_at"
            )
        )
        secondary = defaultdict(list)
        for e in exposures:
            k = e.source_person_id
            if e.person_id in close or e.person_id == case.person_id or k not in close:
                continue
            if e.setting not in protocol.secondary_settings:
                continue
            end = e.last_exposed_on or e.exposed_on
            if end < close[k][0]:
                continue
            if controlled.get(k) and e.exposed_on > timezone.localtime(controlled[k]).date():
                continue
            secondary[e.person_id].append((e.exposed_on, k, end))
        for person, rows in secondary.items():
            via = min(rows)[1]
            result.add((person, case.pk, ContactClass.SECONDARY, via, min(r[0] for r in rows), max(r[2] for r in rows)))
    return result


def stored_contacts() -> set[tuple]:
    return {
        (
            c.person_id,
            c.case_id,
            c.contact_class,
            c.via.person_id if c.via_id else None,
            c.first_exposed_on,
            c.last_exposed_on,
        )
        for c in Contact.objects.filter(archived_at__isnull=True).select_related("via")
    }


def assert_consistent():
    assert stored_components() == scratch_components()
    assert stored_contacts() == scratch_contacts()
    for cluster in Cluster.objects.filter(merged_into__isnull=True, archived_at__isnull=True):
        members = Person.objects.filter(cluster=cluster)
        assert cluster.size == members.count()
        counting = [c for c in Case.objects.filter(person__in=members) if graph.case_counts(c)]
        assert cluster.case_count == len(counting)
    assert not Person.objects.filter(cluster__merged_into__isnull=False).exists()


# ------------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------------

N_PERSONS = 9
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("expose"),
            st.integers(0, N_PERSONS - 1),
            st.integers(0, N_PERSONS + 1),  # ≥ N_PERSONS: one of two sites
            st.integers(0, 10),
            st.sampled_from([Setting.HOUSEHOLD, Setting.TRANSPORT, Setting.DINING]),
            st.sampled_from([Proximity.CLOSE_UNPROTECTED, Proximity.DISTANT]),
        ),
        st.tuples(
            st.just("case"), st.integers(0, N_PERSONS - 1), st.integers(0, 8), st.just(0), st.just(0), st.just(0)
        ),
        st.tuples(st.just("exclude"), st.integers(0, N_PERSONS - 1), st.just(0), st.just(0), st.just(0), st.just(0)),
        st.tuples(st.just("unexpose"), st.integers(0, 30), st.just(0), st.just(0), st.just(0), st.just(0)),
        st.tuples(st.just("control"), st.integers(0, 30), st.integers(0, 6), st.just(0), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=22,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=steps)
def test_chains_and_contacts_always_equal_a_from_scratch_computation(world, ops):
    actor, disease, _protocol = world
    with transaction.atomic():
        persons = [PersonFactory() for _ in range(N_PERSONS)]
        sites = [ExposureSiteFactory(), ExposureSiteFactory()]
        for op, a, b, days, setting, proximity in ops:
            if op == "expose":
                if a == b:
                    continue
                source = persons[b] if b < N_PERSONS else sites[b - N_PERSONS]
                expose(actor, persons[a], source, days_ago=days, setting=setting, proximity=proximity)
            elif op == "case":
                if not Case.objects.filter(person=persons[a]).exists():
                    make_case(actor, persons[a], disease, onset_days_ago=b)
            elif op == "exclude":
                case = Case.objects.filter(person=persons[a]).first()
                if case and case.classification != Classification.EXCLUDED:
                    services.case_classify(
                        actor=actor, case=case, classification=Classification.EXCLUDED, reason="阴性"
                    )
            elif op == "unexpose":
                live = list(Exposure.objects.filter(archived_at__isnull=True).order_by("pk"))
                if live:
                    services.exposure_archive(actor=actor, exposure=live[a % len(live)])
            elif op == "control":
                rows = list(Contact.objects.filter(archived_at__isnull=True).order_by("pk"))
                if rows:
                    services.contact_mark_controlled(
                        actor=actor, contact=rows[a % len(rows)], controlled_at=at(TODAY - timedelta(days=b))
                    )
            assert_consistent()
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------------------------
# Worked examples
# ------------------------------------------------------------------------------------------------


def test_a_contact_of_a_contact_is_a_secondary_contact_through_the_close_contact(world):
    actor, disease, _protocol = world
    index, spouse, colleague, stranger = (PersonFactory() for _ in range(4))
    case = make_case(actor, index, disease)
    expose(actor, spouse, index, setting=Setting.HOUSEHOLD)
    expose(actor, colleague, spouse, setting=Setting.WORKPLACE, proximity=Proximity.SAME_SPACE)
    expose(actor, stranger, spouse, setting=Setting.TRANSPORT, proximity=Proximity.DISTANT)
    rows = {c.person_id: c for c in contacts_of_case(case)}
    assert rows[spouse.pk].contact_class == ContactClass.CLOSE and rows[spouse.pk].degree == 1
    assert rows[colleague.pk].contact_class == ContactClass.SECONDARY and rows[colleague.pk].degree == 2
    assert rows[colleague.pk].via == rows[spouse.pk]
    assert stranger.pk not in rows  # a bus ride is not a setting of secondary contacts
    assert set(contacts_of_case(case, depth=1).values_list("person_id", flat=True)) == {spouse.pk}
    assert cluster_of(index) == cluster_of(stranger) and cluster_of(index).size == 4


def test_exposure_before_the_look_back_window_makes_no_close_contact(world):
    actor, disease, protocol = world
    index, early, late = PersonFactory(), PersonFactory(), PersonFactory()
    case = make_case(actor, index, disease, onset_days_ago=2)
    expose(actor, early, index, days_ago=2 + protocol.look_back_days + 1)
    expose(actor, late, index, days_ago=2 + protocol.look_back_days)
    assert set(contacts_of_case(case).values_list("person_id", flat=True)) == {late.pk}


def test_when_a_contact_becomes_a_case_their_own_contacts_follow(world):
    actor, disease, _ = world
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    case_a = make_case(actor, a, disease)
    expose(actor, b, a)
    expose(actor, c, b, setting=Setting.TRANSPORT)  # not a secondary setting: no contact of A
    assert set(contacts_of_case(case_a).values_list("person_id", flat=True)) == {b.pk}
    case_b = make_case(actor, b, disease)
    assert set(contacts_of_case(case_b).values_list("person_id", flat=True)) == {c.pk}
    assert set(contacts_of_case(case_a, depth=3).values_list("person_id", flat=True)) == {b.pk, c.pk}


def test_secondary_window_closes_when_the_close_contact_is_put_under_control(world):
    actor, disease, _ = world
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    case = make_case(actor, a, disease)
    expose(actor, b, a, days_ago=3)
    expose(actor, c, b, days_ago=1)
    contact_b = Contact.objects.get(case=case, person=b)
    assert Contact.objects.get(case=case, person=c).contact_class == ContactClass.SECONDARY
    services.contact_mark_controlled(actor=actor, contact=contact_b, controlled_at=at(TODAY - timedelta(days=2)))
    assert Contact.objects.get(case=case, person=c).archived_at is not None


def test_excluding_a_case_archives_its_contacts_and_leaves_the_chain_counts(world):
    actor, disease, _ = world
    a, b = PersonFactory(), PersonFactory()
    case = make_case(actor, a, disease)
    expose(actor, b, a)
    services.case_classify(actor=actor, case=case, classification=Classification.EXCLUDED, reason="核酸阴性")
    assert not contacts_of_case(case).exists()
    assert cluster_of(a).case_count == 0
    assert case.history.first().history_change_reason == "核酸阴性"


def test_joining_two_chains_moves_the_smaller_into_the_larger(world):
    actor, _disease, _ = world
    big = [PersonFactory() for _ in range(3)]
    small = [PersonFactory() for _ in range(2)]
    expose(actor, big[1], big[0])
    expose(actor, big[2], big[0])
    expose(actor, small[1], small[0])
    big_cluster, small_cluster = cluster_of(big[0]), cluster_of(small[0])
    expose(actor, small[0], big[2], setting=Setting.DINING)
    small_cluster.refresh_from_db()
    assert small_cluster.merged_into == big_cluster
    assert cluster_of(small[1]) == big_cluster
    big_cluster.refresh_from_db()
    assert big_cluster.size == 5


def test_persons_at_the_same_site_are_one_chain_and_removing_the_link_splits_it(world):
    actor, _disease, _ = world
    site = ExposureSiteFactory()
    a, b = PersonFactory(), PersonFactory()
    expose(actor, a, site, setting=Setting.OTHER, proximity=Proximity.SAME_SPACE)
    link = expose(actor, b, site, setting=Setting.OTHER, proximity=Proximity.SAME_SPACE)
    assert cluster_of(a) == cluster_of(b)
    services.exposure_archive(actor=actor, exposure=link)
    assert cluster_of(b) is None  # no exposure and no case left: b leaves the chain
    assert cluster_of(a).size == 1


def test_recording_the_same_exposure_twice_keeps_one(world):
    actor, _disease, _ = world
    a, b = PersonFactory(), PersonFactory()
    first = expose(actor, b, a)
    assert expose(actor, b, a) == first
    assert Exposure.objects.count() == 1
