"""The chain graph: generations from the earliest case, classes, aggregation beyond the limit, and a
fixed number of queries whatever the chain's size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.epidemic import selectors
from safecity.epidemic.choices import CaseSource, Classification, ContactClass, Proximity, Setting
from safecity.epidemic.factories import DiseaseFactory
from safecity.epidemic.models import Case, Cluster, Contact, Exposure, Person

TODAY = timezone.localdate()


def build_chain(city, *, close: int, secondary: int, towns=("dazhe", "huicheng")) -> tuple[Cluster, Person]:
    """A chain built in bulk (as the outbreak generator does): one case, close contacts, their secondary contacts."""
    disease = DiseaseFactory()
    cluster = Cluster.objects.create(code=f"TC-G{close}-{secondary}", region=city["dazhe"], disease=disease)
    index = Person.objects.create(name="指示病例", region=city["dazhe"], cluster=cluster)
    case = Case.objects.create(
        number=f"G-{close}-{secondary}",
        person=index,
        disease=disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
        region=index.region,
        onset_at=timezone.now() - timedelta(days=5),
    )
    firsts = Person.objects.bulk_create(
        Person(name=f"密接{i}", region=city[towns[i % len(towns)]], cluster=cluster) for i in range(close)
    )
    seconds = Person.objects.bulk_create(
        Person(name=f"次密接{i}", region=city[towns[i % len(towns)]], cluster=cluster) for i in range(secondary)
    )
    Exposure.objects.bulk_create(
        Exposure(
            person=p,
            source_person=index,
            exposed_on=TODAY,
            setting=Setting.HOUSEHOLD,
            proximity=Proximity.CLOSE_UNPROTECTED,
        )
        for p in firsts
    )
    Exposure.objects.bulk_create(
        Exposure(
            person=p,
            source_person=firsts[i % close],
            exposed_on=TODAY,
            setting=Setting.DINING,
            proximity=Proximity.SAME_SPACE,
        )
        for i, p in enumerate(seconds)
    )
    now = timezone.now()
    rows = Contact.objects.bulk_create(
        Contact(
            person=p,
            case=case,
            contact_class=ContactClass.CLOSE,
            degree=1,
            first_exposed_on=TODAY,
            last_exposed_on=TODAY,
            determined_at=now,
        )
        for p in firsts
    )
    Contact.objects.bulk_create(
        Contact(
            person=p,
            case=case,
            contact_class=ContactClass.SECONDARY,
            degree=2,
            via=rows[i % close],
            first_exposed_on=TODAY,
            last_exposed_on=TODAY,
            determined_at=now,
        )
        for i, p in enumerate(seconds)
    )
    Cluster.objects.filter(pk=cluster.pk).update(size=1 + close + secondary, case_count=1)
    cluster.refresh_from_db()
    return cluster, index


def test_generations_count_hops_from_the_earliest_case_and_classes_are_told_apart(city):
    cluster, index = build_chain(city, close=3, secondary=4)
    data = selectors.cluster_graph(cluster)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[f"p{index.pk}"]["class"] == "case" and nodes[f"p{index.pk}"]["generation"] == 0
    assert {n["generation"] for n in nodes.values() if n["class"] == "close"} == {1}
    assert {n["generation"] for n in nodes.values() if n["class"] == "secondary"} == {2}
    assert data["truncated"] is False and data["shown_nodes"] == data["total_nodes"] == 8
    # left to right by generation
    assert max(n["x"] for n in nodes.values() if n["generation"] == 0) < min(
        n["x"] for n in nodes.values() if n["generation"] == 1
    )
    assert len(data["edges"]) == 7


def test_beyond_the_limit_cases_and_close_contacts_stay_and_the_rest_is_counted_per_generation_class_and_town(city):
    cluster, _index = build_chain(city, close=120, secondary=900)
    data = selectors.cluster_graph(cluster, limit=200)
    assert data["truncated"] is True and data["total_nodes"] == 1021
    individual = [n for n in data["nodes"] if n["kind"] == "person"]
    groups = [n for n in data["nodes"] if n["kind"] == "group"]
    assert {n["class"] for n in individual} == {"case", "close"} and len(individual) == 121
    assert {(g["generation"], g["class"]) for g in groups} == {(2, "secondary")}
    assert len(groups) == 2  # two towns
    assert sum(g["count"] for g in groups) == 900
    assert data["shown_nodes"] == 123
    # edges from close contacts into the aggregated nodes are kept, summed
    assert sum(count for a, b, count in data["edges"] if b.startswith("g")) == 900


def test_filters_narrow_the_drawn_nodes(city):
    cluster, _ = build_chain(city, close=5, secondary=10)
    data = selectors.cluster_graph(cluster, classes={"case", "close"})
    assert {n["class"] for n in data["nodes"]} == {"case", "close"}
    data = selectors.cluster_graph(cluster, generations=(2, None))
    assert {n["generation"] for n in data["nodes"]} == {2}
    town = city["huicheng"].code
    data = selectors.cluster_graph(cluster, town=town)
    assert {n["town"] for n in data["nodes"]} == {town}


@pytest.mark.parametrize("size", [50, 600])
def test_the_graph_is_read_with_a_fixed_number_of_queries(city, size):
    cluster, _ = build_chain(city, close=size // 5, secondary=size)
    with CaptureQueriesContext(connection) as queries:
        selectors.cluster_graph(cluster, limit=100)
    assert len(queries) <= 7, [q["sql"] for q in queries.captured_queries]


def test_the_chain_page_opens_and_a_big_chain_answers_through_the_api(client, admin_user_sc, city):
    cluster, _ = build_chain(city, close=300, secondary=3000)
    client.force_login(admin_user_sc)
    assert client.get(f"/epidemic/clusters/{cluster.pk}/chain/").status_code == 200
    data = client.get(f"/api/clusters/{cluster.pk}/graph/").json()
    assert data["total_nodes"] == 3301 and data["shown_nodes"] <= 2000 + 50
