"""The chain graph's structure is kept per process for large chains and rebuilt as soon as anything in the
chain changes: these tests cache every chain (threshold 0) and make each kind of write through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.services import object_save
from safecity.epidemic import rules, selectors, services
from safecity.epidemic.choices import Proximity, Setting
from safecity.epidemic.factories import DiseaseFactory, PersonFactory, ProtocolFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def cache_every_chain(monkeypatch):
    monkeypatch.setattr(rules, "GRAPH_CACHE_MIN_PERSONS", 0)
    selectors._structures.clear()
    yield
    selectors._structures.clear()


@pytest.fixture
def actor(city):
    return make_user("epi-cache", Role.COUNTY_STAFF, city["xinhui"].code)


@pytest.fixture
def chain(actor, db):
    disease = DiseaseFactory(code="flu-cache", name="流感（缓存）")
    ProtocolFactory(disease=disease, version="now", effective_from=TODAY - timedelta(days=30), look_back_days=2)
    index, close = PersonFactory(name="指示"), PersonFactory(name="密接甲")
    case = services.case_create(
        actor=actor, person=index, disease=disease, classification="confirmed", source="screening"
    )
    services.exposure_record(
        actor=actor,
        person=close,
        source_person=index,
        exposed_on=TODAY,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    return case, index, close


def graph(person):
    cluster = selectors.cluster_of(person)
    data = selectors.cluster_graph(cluster)
    return {n["id"]: n for n in data["nodes"]}, data


def test_an_unchanged_chain_is_not_rebuilt(chain, monkeypatch):
    _case, index, _close = chain
    graph(index)
    built = []
    original = selectors._build_structure
    monkeypatch.setattr(selectors, "_build_structure", lambda c: built.append(c) or original(c))
    nodes, _ = graph(index)
    assert built == [] and len(nodes) == 2


def test_a_new_exposure_appears_at_once_and_an_archived_one_disappears(actor, chain):
    _case, index, close = chain
    graph(index)
    newcomer = PersonFactory(name="次密接乙")
    exposure = services.exposure_record(
        actor=actor,
        person=newcomer,
        source_person=close,
        exposed_on=TODAY,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    nodes, data = graph(index)
    assert nodes[f"p{newcomer.pk}"]["generation"] == 2 and len(data["edges"]) == 2
    services.exposure_archive(actor=actor, exposure=exposure, reason="录入错误")
    nodes, data = graph(index)
    assert f"p{newcomer.pk}" not in nodes and len(data["edges"]) == 1


def test_a_changed_exposure_date_and_a_new_case_are_drawn(actor, chain):
    case, index, close = chain
    graph(index)
    exposure = close.exposures_in.get()
    services.exposure_update(actor=actor, exposure=exposure, exposed_on=TODAY - timedelta(days=1))
    nodes, _ = graph(index)
    assert nodes[f"p{close.pk}"]["date"] == (TODAY - timedelta(days=1)).isoformat()
    services.case_create(
        actor=actor, person=close, disease=case.disease, classification="confirmed", source="screening"
    )
    nodes, _ = graph(index)
    assert nodes[f"p{close.pk}"]["class"] == "case"


def test_a_reclassified_case_leaves_the_cases(actor, chain):
    case, index, _close = chain
    graph(index)
    services.case_classify(actor=actor, case=case, classification="excluded", reason="复核阴性")
    nodes, _ = graph(index)
    assert nodes[f"p{index.pk}"]["class"] != "case"


def test_a_person_who_moves_is_drawn_in_the_new_town(actor, chain, city):
    _case, index, close = chain
    nodes, _ = graph(index)
    assert nodes[f"p{close.pk}"]["town"] == selectors.town_code(close.region.code)
    close.refresh_from_db()  # the chain was assigned set-based
    close.region = city["huicheng"]
    object_save(actor=actor, instance=close)
    nodes, _ = graph(index)
    assert nodes[f"p{close.pk}"]["town"] == selectors.town_code(city["huicheng"].code)


def test_a_merged_duplicate_leaves_the_drawing(actor, chain):
    _case, index, close = chain
    duplicate = PersonFactory(name=close.name, id_number="", phone=close.phone)
    services.exposure_record(
        actor=actor,
        person=duplicate,
        source_person=index,
        exposed_on=TODAY,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    nodes, _ = graph(index)
    assert f"p{duplicate.pk}" in nodes
    services.person_merge(actor=actor, keep=close, duplicate=duplicate)
    nodes, _ = graph(index)
    assert f"p{duplicate.pk}" not in nodes and f"p{close.pk}" in nodes


def test_small_chains_are_not_kept(chain, monkeypatch):
    monkeypatch.setattr(rules, "GRAPH_CACHE_MIN_PERSONS", 3)
    _case, index, _close = chain
    graph(index)
    assert selectors._structures == {}
