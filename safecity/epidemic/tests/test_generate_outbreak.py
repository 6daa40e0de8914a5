"""The outbreak generator writes what the services would have: chains are the connected components of the
exposures, chain counters match their rows, and every case's close and secondary contacts are exactly those
the graph module's own definitions give — checked here against :mod:`safecity.epidemic.graph` itself."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from safecity.core.validators import parse_id_number
from safecity.epidemic import graph
from safecity.epidemic.management.commands.generate_outbreak import cluster_sizes, generate
from safecity.epidemic.models import Case, Cluster, Contact, Exposure, Person
from safecity.epidemic.selectors import contacts_of_case


@pytest.fixture
def outbreak(city, hq_user):
    return generate(persons=500, edges=1000, cases=25, largest=120, seed=3, actor=hq_user)


def test_chain_sizes_span_from_two_to_the_largest_and_add_up():
    import random

    sizes = cluster_sizes(random.Random(1), 1_000_000, 50_000)
    assert sum(sizes) == 1_000_000 and max(sizes) == 50_000 and min(sizes) >= 2
    assert sorted(sizes)[-2] == 10_000


def test_generated_rows_have_the_requested_counts(outbreak):
    assert Person.objects.count() == 500 and Case.objects.count() == 25
    assert Exposure.objects.count() == outbreak["exposures"] and 499 <= outbreak["exposures"] <= 1000
    assert max(Cluster.objects.values_list("size", flat=True)) == 120
    assert outbreak["largest_clusters"][0][1] == 120


def test_each_chain_is_exactly_a_connected_component_of_the_exposures(outbreak):
    person_ids = set(Person.objects.values_list("pk", flat=True))
    parts = graph.components(person_ids, graph.active_edges(Exposure.objects.all()))
    by_cluster = {}
    for pk, cluster_id in Person.objects.values_list("pk", "cluster_id"):
        by_cluster.setdefault(cluster_id, set()).add(pk)
    assert None not in by_cluster
    assert sorted(map(sorted, parts)) == sorted(map(sorted, by_cluster.values()))


def test_chain_counters_are_what_a_refresh_from_the_rows_computes(outbreak):
    for cluster in Cluster.objects.all():
        written = (cluster.size, cluster.case_count, cluster.first_onset, cluster.latest_onset)
        graph.cluster_refresh(cluster)
        cluster.refresh_from_db()
        assert (cluster.size, cluster.case_count, cluster.first_onset, cluster.latest_onset) == written
        assert cluster.merged_into_id is None and cluster.code == f"TC{cluster.pk:06d}"


def test_contacts_are_exactly_the_close_and_secondary_contacts_the_graph_module_defines(outbreak):
    fields = ("contact_class", "degree", "via_id", "first_exposed_on", "last_exposed_on")
    total = Counter()
    for case in Case.objects.select_related("protocol", "disease"):
        members = set(Person.objects.filter(cluster_id=case.person.cluster_id).values_list("pk", flat=True))
        desired = graph._desired(case, case.protocol, members)
        written = {c.person_id: {f: getattr(c, f) for f in fields} for c in Contact.objects.filter(case=case)}
        assert written == desired, case.number
        total.update(d["contact_class"] for d in desired.values())
    assert total["close"] > 0 and total["secondary"] > 0


def test_the_selector_reads_the_generated_contacts_to_depth_two(outbreak):
    case = Case.objects.filter(contacts__degree=2).distinct().first()
    rows = list(contacts_of_case(case, depth=2))
    assert {r.degree for r in rows} == {1, 2}
    assert len(rows) == Contact.objects.filter(case=case).count()


def test_persons_have_valid_unique_identity_numbers_matching_sex_and_birth_date(outbreak):
    numbers = list(Person.objects.values_list("id_number", "sex", "birth_date"))
    assert len({n for n, _s, _b in numbers}) == len(numbers)
    for number, sex, birth in numbers[:100]:
        info = parse_id_number(number)
        assert (info.sex, info.birth_date) == (sex, birth)


def test_every_generated_row_has_a_creation_history_row_by_the_actor(outbreak, hq_user):
    for model in (Person, Cluster, Exposure, Case, Contact):
        history = model.history.filter(history_type="+")
        assert set(history.values_list("id", flat=True)) == set(model.objects.values_list("pk", flat=True))
        assert set(history.values_list("history_user", flat=True)) == {hq_user.pk}


def test_the_command_runs_twice_without_clashing(city):
    out = io.StringIO()
    call_command("generate_outbreak", persons=60, edges=100, cases=5, largest=20, seed=1, stdout=out)
    call_command("generate_outbreak", persons=60, edges=100, cases=5, largest=20, seed=1, stdout=out)
    assert out.getvalue().count("Generated 60 persons") == 2
    assert Person.objects.count() == 120 and Case.objects.count() == 10
    assert Person.objects.values("id_number").distinct().count() == 120
