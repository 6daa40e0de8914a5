"""Every epidemic page bundle: scoped lists and details, writes through the services with history,
exports, API (the generic guarantees of ScopedModelTests), plus what each page adds."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.testing import IN_SCOPE, OUT_OF_SCOPE, ScopedModelTests
from safecity.epidemic import services
from safecity.epidemic.choices import CaseSource, Classification, Proximity, Setting
from safecity.epidemic.factories import (
    DiseaseFactory,
    ExposureSiteFactory,
    PersonFactory,
    ProtocolFactory,
    make_id_number,
)
from safecity.epidemic.models import Case, Cluster, Contact, Exposure, Person
from safecity.epidemic.views import CaseViews, ClusterViews, ExposureSiteViews, ExposureViews, PersonViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}
_seq = itertools.count(1)


def person_in(city, key, **fields):
    fields.setdefault("name", f"测试人员{next(_seq)}号")
    return PersonFactory(region=city[TOWN_OF[key]], **fields)


def expose_today(actor, person, setting, proximity, **source):
    """``person`` exposed today to ``source_person=`` or ``source_site=``, recorded by ``actor``."""
    return services.exposure_record(
        actor=actor, person=person, exposed_on=timezone.localdate(), setting=setting, proximity=proximity, **source
    )


def page_queries(client, url: str):
    """The page (asserted 200) and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, len(queries)


class TestPerson(ScopedModelTests):
    views = PersonViews
    api_url = "/api/persons/"

    def make(self, city, region_key):
        return person_in(city, region_key)

    def form_data(self, city, region_key):
        return {
            "name": "陈国华",
            "id_number": "440705199003150016",
            "phone": "138 0013 8001",
            "sex": "unknown",
            "region": city[TOWN_OF[region_key]].pk,
            "address": "大泽镇沿江路8号",
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口人员",
            "id_number": "440705198801010013",
            "phone": "13900139001",
            "region": city[TOWN_OF[region_key]].code,
        }

    def test_a_new_person_gets_normalised_id_and_sex_and_birth_date_from_it(self, actor_client, city):
        data = self.form_data(city, IN_SCOPE) | {"id_number": " 440705 19900315 0016 "}
        actor_client.post(self.url("add"), data)
        person = Person.objects.get(name="陈国华")
        assert person.id_number == "440705199003150016"
        assert person.phone == "13800138001"
        assert person.sex == "male" and person.birth_date.isoformat() == "1990-03-15"

    def test_adding_a_person_already_in_the_index_opens_the_existing_record(self, actor_client, city):
        existing = person_in(city, IN_SCOPE, id_number="440705199003150016")
        response = actor_client.post(self.url("add"), self.form_data(city, IN_SCOPE))
        assert response.status_code == 302 and response["Location"] == existing.get_absolute_url()
        assert Person.objects.filter(id_number="440705199003150016").count() == 1

    def test_an_invalid_identity_number_is_a_field_error_and_nothing_is_written(self, actor_client, city):
        before = Person.objects.count()
        response = actor_client.post(
            self.url("add"), self.form_data(city, IN_SCOPE) | {"id_number": "440705199003150018"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["id_number"]
        assert Person.objects.count() == before

    def test_search_by_identity_number_is_an_exact_normalised_match(self, actor_client, city):
        target = person_in(city, IN_SCOPE, id_number="11010519491231002X")
        other = person_in(city, IN_SCOPE, id_number="440524188001010014")
        response = actor_client.get(self.url("list"), {"q": "11010519491231002x"})
        pks = {row.record.pk for row in response.context["table"].paginated_rows}
        assert pks == {target.pk}
        partial = actor_client.get(self.url("list"), {"q": "110105"})
        assert other.pk not in {row.record.pk for row in partial.context["table"].paginated_rows}

    def test_edit_page_never_shows_the_full_identity_number_and_keeps_it_when_left_empty(self, actor_client, city):
        person = person_in(city, IN_SCOPE, id_number="440705199003150016")
        page = actor_client.get(self.url("edit", pk=person.pk))
        assert "440705199003150016" not in page.content.decode()
        data = self.form_data(city, IN_SCOPE) | {"id_number": "", "phone": "", "address": "新地址"}
        assert actor_client.post(self.url("edit", pk=person.pk), data).status_code == 302
        person.refresh_from_db()
        assert person.id_number == "440705199003150016" and person.address == "新地址"

    def test_duplicates_page_lists_same_name_and_phone_and_merges(self, actor_client, city):
        a = person_in(city, IN_SCOPE, name="李明", phone="13800000001", id_number="")
        b = person_in(city, IN_SCOPE, name="李明", phone="13800000001", id_number="440705199003150016")
        page = actor_client.get("/epidemic/persons/duplicates/")
        assert page.status_code == 200 and len(page.context["groups"]) == 1
        response = actor_client.post(f"/epidemic/persons/{a.pk}/merge/", {"duplicate": b.pk})
        assert response.status_code == 302
        b.refresh_from_db()
        a.refresh_from_db()
        assert b.merged_into == a and b.archived_at is not None
        assert a.id_number == "440705199003150016"

    def test_person_page_query_count_does_not_grow_with_contacts(self, actor_client, actor, city, disease):
        """The "contact of" table names each row's index case (number and person): joined, not read per row."""
        person = person_in(city, IN_SCOPE)

        def contact_of_a_new_case():
            index = person_in(city, IN_SCOPE)
            services.case_create(
                actor=actor, person=index, disease=disease, classification="confirmed", source="screening"
            )
            expose_today(actor, person, Setting.DINING, Proximity.CLOSE_UNPROTECTED, source_person=index)
            return index

        indexes = [contact_of_a_new_case() for _ in range(2)]
        actor_client.get(person.get_absolute_url())  # warm the per-process caches (content types …)
        page, few = page_queries(actor_client, person.get_absolute_url())
        assert page.context["contacts_table"].paginator.count == 2
        indexes += [contact_of_a_new_case() for _ in range(4)]
        page, many = page_queries(actor_client, person.get_absolute_url())
        assert page.context["contacts_table"].paginator.count == 6
        assert many == few
        html = page.content.decode()
        assert all(index.name in html for index in indexes)


@pytest.fixture
def disease(db):
    disease = DiseaseFactory(code="dengue", name="登革热")
    ProtocolFactory(disease=disease, secondary_settings=[])
    return disease


class TestCases(ScopedModelTests):
    views = CaseViews
    api_url = "/api/cases/"
    edit_change = ("place", "市中心医院发热门诊")

    @pytest.fixture(autouse=True)
    def _disease(self, disease):
        self.disease = disease

    def make(self, city, region_key):
        person = person_in(city, region_key)
        return Case.objects.create(
            number=f"T-{next(_seq)}",
            person=person,
            disease=self.disease,
            classification=Classification.CONFIRMED,
            source=CaseSource.FEVER_CLINIC,
            region=person.region,
            reported_at=timezone.now(),
        )

    def marker(self, obj):
        return obj.number

    def form_data(self, city, region_key):
        person = person_in(city, region_key)
        return {
            "person": person.pk,
            "disease": self.disease.pk,
            "classification": "confirmed",
            "source": "fever_clinic",
            "region": city[TOWN_OF[region_key]].pk,
            "place": "大泽镇卫生院",
            "onset_at": (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    def api_data(self, city, region_key):
        person = person_in(city, region_key)
        return {
            "person": person.pk,
            "disease": "dengue",
            "classification": "suspected",
            "source": "screening",
            "region": city[TOWN_OF[region_key]].code,
        }

    def test_case_page_shows_contacts_by_class_and_the_chain_link(self, actor_client, actor, city):
        index, contact = person_in(city, IN_SCOPE), person_in(city, IN_SCOPE)
        case = services.case_create(
            actor=actor,
            person=index,
            disease=self.disease,
            classification="confirmed",
            source="fever_clinic",
            onset_at=timezone.now() - timedelta(days=1),
        )
        expose_today(actor, contact, Setting.HOUSEHOLD, Proximity.CLOSE_UNPROTECTED, source_person=index)
        page = actor_client.get(case.get_absolute_url())
        assert page.status_code == 200
        by_class = {value: table for value, _label, table in page.context["contacts_by_class"]}
        assert [row.record.person_id for row in by_class["close"].paginated_rows] == [contact.pk]
        assert page.context["cluster"] is not None
        assert f"/epidemic/clusters/{page.context['cluster'].pk}/chain/" in page.content.decode()

    def test_classification_change_needs_a_reason_and_is_listed_with_it(self, actor_client, city):
        case = self.make(city, IN_SCOPE)
        refused = actor_client.post(
            f"/epidemic/cases/{case.pk}/classify/", {"classification": "excluded", "reason": ""}
        )
        assert refused.status_code == 302
        case.refresh_from_db()
        assert case.classification == "confirmed"
        actor_client.post(f"/epidemic/cases/{case.pk}/classify/", {"classification": "excluded", "reason": "复核阴性"})
        case.refresh_from_db()
        assert case.classification == "excluded"
        page = actor_client.get(case.get_absolute_url())
        assert page.context["classification_history"][-1]["reason"] == "复核阴性"

    def test_closing_a_case_records_the_outcome(self, actor_client, city):
        case = self.make(city, IN_SCOPE)
        actor_client.post(f"/epidemic/cases/{case.pk}/close/", {"outcome": "recovered"})
        case.refresh_from_db()
        assert case.outcome == "recovered" and case.closed_at is not None

    def test_api_contacts_of_a_case_to_depth_two(self, actor_client, actor, city):
        ProtocolFactory(
            disease=self.disease, version="v-secondary", effective_from=timezone.localdate() - timedelta(days=1)
        )
        index, close, second = (person_in(city, IN_SCOPE) for _ in range(3))
        case = services.case_create(
            actor=actor, person=index, disease=self.disease, classification="confirmed", source="screening"
        )
        expose_today(actor, close, Setting.HOUSEHOLD, Proximity.CLOSE_UNPROTECTED, source_person=index)
        expose_today(actor, second, Setting.DINING, Proximity.SAME_SPACE, source_person=close)
        rows = actor_client.get(f"/api/cases/{case.pk}/contacts/", {"depth": 2}).json()["results"]
        assert {(r["person"], r["contact_class"], r["degree"]) for r in rows} == {
            (close.pk, "close", 1),
            (second.pk, "secondary", 2),
        }
        assert [
            r["person"] for r in actor_client.get(f"/api/cases/{case.pk}/contacts/", {"depth": 1}).json()["results"]
        ] == [close.pk]


class TestExposureSite(ScopedModelTests):
    views = ExposureSiteViews
    api_url = "/api/exposure-sites/"

    def make(self, city, region_key):
        return ExposureSiteFactory(region=city[TOWN_OF[region_key]], name=f"测试场所{next(_seq)}号")

    def form_data(self, city, region_key):
        return {
            "kind": "place",
            "name": "大泽镇农贸市场",
            "region": city[TOWN_OF[region_key]].pk,
            "address": "大泽镇墟顶",
        }

    def api_data(self, city, region_key):
        return {"kind": "event", "name": "婚宴", "region": city[TOWN_OF[region_key]].code}

    def test_exposure_site_page_query_count_does_not_grow_with_exposures(self, actor_client, actor, city):
        """The persons exposed at the site are read with the exposures (one query, not one per row), still only
        those of the user's area."""
        site = self.make(city, IN_SCOPE)

        def exposed_here():
            person = person_in(city, IN_SCOPE)
            expose_today(actor, person, Setting.DINING, Proximity.SAME_SPACE, source_site=site)
            return person

        persons = [exposed_here() for _ in range(2)]
        outside = person_in(city, OUT_OF_SCOPE)  # another county's person (recorded there, not by the actor)
        Exposure.objects.create(
            person=outside,
            source_site=site,
            exposed_on=timezone.localdate(),
            setting=Setting.DINING,
            proximity=Proximity.SAME_SPACE,
        )
        actor_client.get(site.get_absolute_url())  # warm the per-process caches (content types …)
        page, few = page_queries(actor_client, site.get_absolute_url())
        persons += [exposed_here() for _ in range(5)]
        page, many = page_queries(actor_client, site.get_absolute_url())
        assert many == few
        ((_title, table),) = page.context["related"]
        assert sorted(row.record.person_id for row in table.paginated_rows) == sorted(p.pk for p in persons)
        html = page.content.decode()
        assert all(p.name in html for p in persons) and outside.name not in html


class TestExposure(ScopedModelTests):
    views = ExposureViews
    api_url = "/api/exposures/"
    edit_change = ("note", "同桌就餐约两小时")

    def make(self, city, region_key):
        return Exposure.objects.create(
            person=person_in(city, region_key),
            source_person=person_in(city, region_key),
            exposed_on=timezone.localdate() - timedelta(days=1),
            setting=Setting.DINING,
            proximity=Proximity.CLOSE_UNPROTECTED,
        )

    def marker(self, obj):
        return obj.person.name

    def form_data(self, city, region_key):
        return {
            "person": person_in(city, region_key).pk,
            "source_person": person_in(city, region_key).pk,
            "exposed_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "setting": "household",
            "proximity": "close_unprotected",
            "source": "investigation",
            "note": "同住",
        }

    def api_data(self, city, region_key):
        return {
            "person": person_in(city, region_key).pk,
            "source_person": person_in(city, region_key).pk,
            "exposed_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "setting": "household",
            "proximity": "close_unprotected",
        }

    def test_a_new_exposed_person_is_recorded_inline_and_joins_the_chain(self, actor_client, city):
        source = person_in(city, IN_SCOPE)
        data = self.form_data(city, IN_SCOPE) | {
            "person": "",
            "source_person": source.pk,
            "new_name": "黄小梅",
            "new_id_number": "440705200001010023",
            "new_region": city["dazhe"].pk,
        }
        response = actor_client.post(self.url("add"), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        person = Person.objects.get(name="黄小梅")
        assert person.sex == "female"
        assert Person.objects.get(pk=source.pk).cluster_id == person.cluster_id is not None

    def test_api_refuses_a_future_exposure_with_a_field_error_and_writes_nothing(self, actor_client, city):
        data = self.api_data(city, IN_SCOPE) | {"exposed_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
        response = actor_client.post(self.api_url, data, content_type="application/json")
        assert response.status_code == 400 and "exposed_on" in response.json()
        assert Exposure.objects.count() == 0

    def test_api_create_computes_the_close_contact(self, actor_client, actor, city, disease):
        index = person_in(city, IN_SCOPE)
        case = services.case_create(
            actor=actor, person=index, disease=disease, classification="confirmed", source="screening"
        )
        data = self.api_data(city, IN_SCOPE) | {"source_person": index.pk}
        assert actor_client.post(self.api_url, data, content_type="application/json").status_code == 201
        assert Contact.objects.filter(case=case, person_id=data["person"], contact_class="close").exists()


class TestCluster(ScopedModelTests):
    views = ClusterViews
    api_url = "/api/clusters/"
    api_writable = False

    def make(self, city, region_key):
        n = next(_seq)
        return Cluster.objects.create(code=f"TC-T{n}", name=f"测试链{n}", region=city[TOWN_OF[region_key]])

    def form_data(self, city, region_key):
        return {"name": "大泽市场聚集性疫情", "notes": ""}

    def test_a_chain_crossing_counties_is_seen_from_both_with_the_other_countys_persons_unnamed(
        self, actor_client, city
    ):
        hq = make_user("hq-epi", Role.HQ_DUTY_OFFICER, city["city"].code)
        mine, theirs = person_in(city, IN_SCOPE, name="本区人员甲"), person_in(city, "taishan", name="外区人员乙")
        expose_today(hq, mine, Setting.DINING, Proximity.CLOSE_UNPROTECTED, source_person=theirs)
        cluster = Person.objects.get(pk=mine.pk).cluster
        listed = actor_client.get(self.url("list"), {"per_page": 200})
        assert cluster.pk in {row.record.pk for row in listed.context["table"].paginated_rows}
        graph = actor_client.get(f"/api/clusters/{cluster.pk}/graph/").json()
        labels = {n["label"] for n in graph["nodes"]}
        assert "本区人员甲" in labels and "外区人员乙" not in labels
        outside = [n for n in graph["nodes"] if n["outside"]]
        assert len(outside) == 1 and outside[0]["url"] == ""
        chain = actor_client.get(f"/epidemic/clusters/{cluster.pk}/chain/")
        assert chain.status_code == 200 and "外区人员乙" not in chain.content.decode()

    def test_list_marks_a_chain_active_with_an_onset_in_the_last_14_days(self, actor_client, city):
        active = self.make(city, IN_SCOPE)
        quiet = self.make(city, IN_SCOPE)
        Cluster.objects.filter(pk=active.pk).update(latest_onset=timezone.localdate() - timedelta(days=3))
        Cluster.objects.filter(pk=quiet.pk).update(latest_onset=timezone.localdate() - timedelta(days=30))
        rows = actor_client.get(self.url("list"), {"active": "true"}).context["table"].paginated_rows
        assert {row.record.pk for row in rows} == {active.pk}


def test_generated_identity_numbers_are_valid():
    from safecity.core.validators import parse_id_number

    for _ in range(50):
        parse_id_number(make_id_number())


def test_person_picker_finds_persons_of_the_users_area_masked_and_fills_the_number(client, city):
    user = make_user("picker", Role.COUNTY_STAFF, city["xinhui"].code)
    client.force_login(user)
    mine = person_in(city, IN_SCOPE, name="林小雨", id_number="440705199003150016", phone="13800138001")
    theirs = person_in(city, "taishan", name="林小雨", id_number="440524188001010014")
    found = client.get("/epidemic/persons/pick/", {"target": "id_person", "name": "person", "person__q": "林小雨"})
    text = found.content.decode()
    assert f"pick-{mine.pk}" in text and f"pick-{theirs.pk}" not in text
    assert "440705199003150016" not in text and "13800138001" not in text
    by_id = client.get(
        "/epidemic/persons/pick/", {"target": "id_person", "name": "person", "person__q": "440705199003150016"}
    )
    assert f"pick-{mine.pk}" in by_id.content.decode()
    chosen = client.get("/epidemic/persons/pick/", {"target": "id_person", "name": "person", "choose": mine.pk})
    assert f'value="{mine.pk}"' in chosen.content.decode() and "林小雨" in chosen.content.decode()
    assert (
        client.get(
            "/epidemic/persons/pick/", {"target": "id_person", "name": "person", "choose": theirs.pk}
        ).status_code
        == 404
    )


def test_person_list_import_page_offers_the_template_and_queues_a_background_job(client, city):
    user = make_user("importer", Role.COUNTY_STAFF, city["xinhui"].code)
    client.force_login(user)
    assert client.get("/epidemic/persons/import-list/").status_code == 200
    template = client.get("/epidemic/persons/import-list/", {"template": 1})
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    from safecity.core.models import ImportJob
    from safecity.core.testing import upload

    rows = "姓名,身份证号,手机号,区划代码\n吴一,440705199003150016,13800138001,440705101000\n".encode()
    response = client.post("/epidemic/persons/import-list/", {"file": upload("list.csv", rows)})
    job = ImportJob.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.model == "epidemic.person_list" and job.total_rows == 1
