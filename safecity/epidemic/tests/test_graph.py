"""Chains and contacts maintained on write: they always equal what a from-scratch computation over all
exposures and cases gives (property tests), and read like the protocol in the worked examples."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
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
    """09:00 on ``day`` — or now, if that is still ahead (a run after midnight, before 09:00 local)."""
    return min(timezone.make_aware(datetime.combine(day, time(9))), timezone.now())


@pytest.fixture
def world(city):
    actor = make_user("epi", Role.HQ_DUTY_OFFICER, city["city"].code)
    disease = DiseaseFactory()
    protocol = ProtocolFactory(disease=disease)
    return actor, disease, protocol


def expose(
    actor,
    person,
    source,
    days_ago=1,
    setting=Setting.HOUSEHOLD,
    proximity=Proximity.CLOSE_UNPROTECTED,
    days=1,
):
    """Record ``person`` exposed to ``source`` (a person or a site) for ``days`` days from ``days_ago``."""
    kwargs = {"source_site": source} if not isinstance(source, Person) else {"source_person": source}
    first = TODAY - timedelta(days=days_ago)
    last = min(TODAY, first + timedelta(days=days - 1))
    return services.exposure_record(
        actor=actor,
        person=person,
        exposed_on=first,
        last_exposed_on=last if last != first else None,
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


def scratch_edges() -> list[tuple]:
    """Every (exposed person, source person, first day, last day, setting, proximity) the definitions
    see: person exposures as recorded; for two persons exposed at one site on overlapping days, one
    edge each way for the days in common, with the exposed person's own setting and proximity there."""
    live = list(Exposure.objects.filter(archived_at__isnull=True))
    edges = [
        (e.person_id, e.source_person_id, e.exposed_on, e.last_exposed_on or e.exposed_on, e.setting, e.proximity)
        for e in live
        if e.source_person_id is not None
    ]
    at_sites = [e for e in live if e.source_site_id is not None]
    for e in at_sites:
        for f in at_sites:
            if f.source_site_id != e.source_site_id or f.person_id == e.person_id:
                continue
            first = max(e.exposed_on, f.exposed_on)
            last = min(e.last_exposed_on or e.exposed_on, f.last_exposed_on or f.exposed_on)
            if first <= last:
                edges.append((e.person_id, f.person_id, first, last, e.setting, e.proximity))
    return edges


def scratch_contacts() -> set[tuple]:
    """(person, case, class, via person, first, last) for every case, straight from the definitions."""
    result = set()
    edges = scratch_edges()
    for case in Case.objects.select_related("protocol"):
        protocol = case.protocol
        if not graph.case_counts(case) or protocol is None:
            continue
        ref = graph.case_reference_date(case)
        close = {}
        for person, source, start, end, _setting, proximity in edges:
            if source != case.person_id or proximity not in protocol.close_proximities:
                continue
            if ref is not None and end < ref - timedelta(days=protocol.look_back_days):
                continue
            first, last = close.get(person, (start, end))
            close[person] = (min(first, start), max(last, end))
        close.pop(case.person_id, None)
        for person, (first, last) in close.items():
            result.add((person, case.pk, ContactClass.CLOSE, None, first, last))
        controlled = dict(
            Contact.objects.filter(case=case, contact_class=ContactClass.CLOSE).values_list(
                "person_id", "controlled_at"
            )
        )
        secondary = defaultdict(list)
        for person, k, start, end, setting, _proximity in edges:
            if person in close or person == case.person_id or k not in close:
                continue
            if setting not in protocol.secondary_settings:
                continue
            if end < close[k][0]:
                continue
            if controlled.get(k) and start > timezone.localtime(controlled[k]).date():
                continue
            secondary[person].append((start, k, end))
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

N_PERSONS = 5
N_SITES = 2
#: one draw per step, read by each operation as it needs (``a``: a person or an index, ``b``: the source —
#: ``≥ N_PERSONS`` is one of the sites, drawn about as often as a person): exposures drawn most often
steps = st.lists(
    st.tuples(
        st.sampled_from(["expose"] * 4 + ["case"] * 2 + ["exclude", "unexpose", "redate", "control"]),
        st.integers(0, 30),  # a
        st.integers(0, 2 * N_PERSONS - 1),  # b
        st.integers(0, 6),  # days ago
        st.sampled_from([Setting.HOUSEHOLD, Setting.TRANSPORT, Setting.DINING, Setting.OTHER]),
        st.sampled_from([Proximity.CLOSE_UNPROTECTED, Proximity.SAME_SPACE, Proximity.DISTANT]),
        st.integers(1, 4),  # days of exposure
    ),
    min_size=8,
    max_size=24,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=steps)
def test_chains_and_contacts_always_equal_a_from_scratch_computation(world, ops):
    actor, disease, _protocol = world
    with transaction.atomic():
        persons = [PersonFactory() for _ in range(N_PERSONS)]
        sites = [ExposureSiteFactory() for _ in range(N_SITES)]
        for op, a, b, days, setting, proximity, length in ops:
            person = persons[a % N_PERSONS]
            if op == "expose":
                source = persons[b] if b < N_PERSONS else sites[b % N_SITES]
                if source != person:
                    expose(actor, person, source, days_ago=days, setting=setting, proximity=proximity, days=length)
            elif op == "case":
                if not Case.objects.filter(person=person).exists():
                    make_case(actor, person, disease, onset_days_ago=days)
            elif op == "exclude":
                case = Case.objects.filter(person=person).first()
                if case and case.classification != Classification.EXCLUDED:
                    services.case_classify(
                        actor=actor, case=case, classification=Classification.EXCLUDED, reason="阴性"
                    )
            elif op == "unexpose":
                live = list(Exposure.objects.filter(archived_at__isnull=True).order_by("pk"))
                if live:
                    services.exposure_archive(actor=actor, exposure=live[a % len(live)])
            elif op == "redate":
                live = list(Exposure.objects.filter(archived_at__isnull=True).order_by("pk"))
                if live:
                    first = TODAY - timedelta(days=days)
                    last = min(TODAY, first + timedelta(days=length - 1))
                    services.exposure_update(
                        actor=actor,
                        exposure=live[a % len(live)],
                        exposed_on=first,
                        last_exposed_on=last if last != first else None,
                        setting=setting,
                        proximity=proximity,
                    )
            elif op == "control":
                rows = list(Contact.objects.filter(archived_at__isnull=True).order_by("pk"))
                if rows:
                    services.contact_mark_controlled(
                        actor=actor, contact=rows[a % len(rows)], controlled_at=at(TODAY - timedelta(days=days))
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


# ------------------------------------------------------------------------------------------------
# Exposures at a site: those present with a case (or a close contact) on an overlapping day
# ------------------------------------------------------------------------------------------------


def at_site(actor, person, site, days_ago, days=1, setting=Setting.DINING, proximity=Proximity.SAME_SPACE):
    return expose(actor, person, site, days_ago=days_ago, setting=setting, proximity=proximity, days=days)


def live_contacts(case) -> dict[int, Contact]:
    return {c.person_id: c for c in Contact.objects.filter(case=case, archived_at__isnull=True).select_related("via")}


@pytest.mark.parametrize("case_first", [True, False], ids=["case-then-site", "site-then-case"])
def test_a_person_at_a_site_on_a_day_a_case_was_there_is_a_close_contact(world, case_first):
    actor, disease, _protocol = world
    site = ExposureSiteFactory(name="某酒家")
    index, guest, next_day, far_table, spouse = (PersonFactory() for _ in range(5))
    if case_first:
        case = make_case(actor, index, disease, onset_days_ago=2)
    at_site(actor, index, site, days_ago=3)
    at_site(actor, guest, site, days_ago=4, days=2)  # 4 and 3 days ago: overlaps the case's day
    at_site(actor, next_day, site, days_ago=2)  # the day after: not together
    at_site(actor, far_table, site, days_ago=3, setting=Setting.OTHER, proximity=Proximity.DISTANT)  # not close
    expose(actor, spouse, guest, days_ago=1, setting=Setting.HOUSEHOLD)
    if not case_first:
        case = make_case(actor, index, disease, onset_days_ago=2)
    rows = live_contacts(case)
    assert set(rows) == {guest.pk, spouse.pk}
    assert rows[guest.pk].contact_class == ContactClass.CLOSE and rows[guest.pk].via is None
    # the days in common with the case's person, not the guest's whole stay
    assert rows[guest.pk].first_exposed_on == rows[guest.pk].last_exposed_on == TODAY - timedelta(days=3)
    assert rows[spouse.pk].contact_class == ContactClass.SECONDARY and rows[spouse.pk].via == rows[guest.pk]
    assert cluster_of(index) == cluster_of(next_day) == cluster_of(spouse)  # the site still joins the chain
    assert_consistent()


@pytest.mark.parametrize("order", ["office-last", "link-to-the-case-last", "case-last"])
def test_present_with_a_close_contact_at_a_site_in_a_secondary_setting_is_a_secondary_contact(world, order):
    actor, disease, _protocol = world
    office = ExposureSiteFactory(name="某公司办公室")
    index, worker, colleague, visitor = (PersonFactory() for _ in range(4))
    steps = [
        lambda: make_case(actor, index, disease, onset_days_ago=2),
        lambda: expose(actor, worker, index, days_ago=3, setting=Setting.HOUSEHOLD),
        lambda: at_site(actor, colleague, office, days_ago=2, setting=Setting.WORKPLACE, proximity=Proximity.DISTANT),
        lambda: at_site(actor, visitor, office, days_ago=2, setting=Setting.TRANSPORT, proximity=Proximity.DISTANT),
        lambda: at_site(actor, worker, office, days_ago=2, days=2, setting=Setting.WORKPLACE),
    ]
    last = {"office-last": 4, "link-to-the-case-last": 1, "case-last": 0}[order]
    for step in [*steps[:last], *steps[last + 1 :], steps[last]]:
        step()
    case = Case.objects.get(person=index)
    rows = live_contacts(case)
    assert set(rows) == {worker.pk, colleague.pk}  # a visitor's setting is not one of secondary contacts
    assert rows[colleague.pk].contact_class == ContactClass.SECONDARY and rows[colleague.pk].via == rows[worker.pk]
    # once the close contact is under control, later days at the office no longer count
    services.contact_mark_controlled(actor=actor, contact=rows[worker.pk], controlled_at=at(TODAY - timedelta(days=3)))
    assert set(live_contacts(case)) == {worker.pk}
    assert_consistent()


def test_archiving_a_site_exposure_removes_the_contacts_it_alone_justified(world):
    actor, disease, _protocol = world
    site = ExposureSiteFactory()
    index, guest, spouse, other = (PersonFactory() for _ in range(4))
    case = make_case(actor, index, disease)
    index_there = at_site(actor, index, site, days_ago=3)
    guest_there = at_site(actor, guest, site, days_ago=3)
    at_site(actor, other, site, days_ago=3)
    expose(actor, spouse, guest, days_ago=1)
    assert set(live_contacts(case)) == {guest.pk, spouse.pk, other.pk}
    services.exposure_archive(actor=actor, exposure=guest_there)
    assert set(live_contacts(case)) == {other.pk}
    assert Contact.objects.get(case=case, person=guest).archived_at is not None
    assert Contact.objects.get(case=case, person=spouse).archived_at is not None
    assert_consistent()
    services.exposure_archive(actor=actor, exposure=index_there)  # the case was never there after all
    assert live_contacts(case) == {}
    assert_consistent()


def test_correcting_a_site_exposure_date_moves_the_person_in_and_out_of_the_contacts(world):
    actor, disease, _protocol = world
    site = ExposureSiteFactory()
    index, guest = PersonFactory(), PersonFactory()
    case = make_case(actor, index, disease)
    at_site(actor, index, site, days_ago=3)
    stay = at_site(actor, guest, site, days_ago=1)
    assert live_contacts(case) == {}
    services.exposure_update(actor=actor, exposure=stay, exposed_on=TODAY - timedelta(days=3))
    assert set(live_contacts(case)) == {guest.pk}
    services.exposure_update(actor=actor, exposure=stay, proximity=Proximity.DISTANT)
    assert live_contacts(case) == {}
    assert_consistent()


def test_a_site_contact_who_becomes_a_case_makes_their_own_contacts_at_the_site(world):
    actor, disease, _protocol = world
    site = ExposureSiteFactory()
    index, guest, late, spouse = (PersonFactory() for _ in range(4))
    case_index = make_case(actor, index, disease, onset_days_ago=2)
    at_site(actor, index, site, days_ago=3)
    at_site(actor, guest, site, days_ago=3, days=2)  # 3 and 2 days ago
    at_site(actor, late, site, days_ago=2)  # only with the guest
    expose(actor, spouse, guest, days_ago=1)
    rows = live_contacts(case_index)
    assert rows[guest.pk].contact_class == ContactClass.CLOSE
    assert rows[late.pk].contact_class == ContactClass.SECONDARY and rows[late.pk].via == rows[guest.pk]
    case_guest = make_case(actor, guest, disease, onset_days_ago=1)
    assert {pk: c.contact_class for pk, c in live_contacts(case_guest).items()} == {
        late.pk: ContactClass.CLOSE,
        spouse.pk: ContactClass.CLOSE,
        index.pk: ContactClass.CLOSE,  # present with the guest at a close proximity, too
    }
    deep = set(contacts_of_case(case_index, depth=3).values_list("person_id", flat=True))
    assert deep == {guest.pk, late.pk, spouse.pk, index.pk}
    assert_consistent()


def test_a_protocol_without_close_proximities_makes_no_contacts_at_a_site(world):
    actor, _disease, _protocol = world
    vector_borne = DiseaseFactory(code="vector-fever", vector_borne=True)
    ProtocolFactory(disease=vector_borne, look_back_days=1, close_proximities=[], secondary_settings=[])
    market = ExposureSiteFactory(name="农贸市场")
    index, neighbour = PersonFactory(), PersonFactory()
    case = make_case(actor, index, vector_borne, onset_days_ago=1)
    at_site(actor, index, market, days_ago=1, setting=Setting.MOSQUITO)
    at_site(actor, neighbour, market, days_ago=1, setting=Setting.MOSQUITO)
    assert live_contacts(case) == {}
    assert cluster_of(index) == cluster_of(neighbour)
    assert_consistent()


def test_recording_at_a_crowded_site_reads_no_more_for_more_persons_there(world):
    """A person who is neither a case nor a close contact arriving at a site costs the same queries
    whether 3 or 40 others were there: only the cases and close contacts present are read."""
    actor, disease, _protocol = world

    def cost(n_present: int) -> int:
        site = ExposureSiteFactory()
        index = PersonFactory()
        make_case(actor, index, disease)
        at_site(actor, index, site, days_ago=3)
        for _ in range(n_present):
            at_site(actor, PersonFactory(), site, days_ago=3, proximity=Proximity.DISTANT, setting=Setting.TRANSPORT)
        newcomer = PersonFactory()
        with CaptureQueriesContext(connection) as queries:
            at_site(actor, newcomer, site, days_ago=3)
        return len(queries)

    assert cost(40) == cost(3)
