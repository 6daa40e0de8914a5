"""The expert pool: search by specialty and county, phones masked, call-ups with answers."""

from datetime import datetime

import pytest
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.testing import ScopedModelTests
from safecity.incidents.factories import file_accident
from safecity.resources import services
from safecity.resources.models import Expert, ExpertCallUp, Specialty
from safecity.resources.views import ExpertViews

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}


def expert(region, name="王专家", specialties=("hazardous_chemicals",), phone="13912345678", **fields):
    obj = Expert.objects.create(region=region, name=name, source="academic", phone=phone, **fields)
    obj.specialties.set(Specialty.objects.filter(code__in=specialties))
    return obj


class TestExpert(ScopedModelTests):
    views = ExpertViews
    api_url = "/api/experts/"

    def api_data(self, city, region_key):
        return {
            "name": "接口专家",
            "specialties": ["mining", "geology"],
            "source": "enterprise",
            "region": city[COUNTY_OF[region_key]].code,
            "phone": "13922334455",
        }

    def make(self, city, region_key):
        region = city[COUNTY_OF[region_key]]
        return expert(region, f"{region.name}专家{Expert.objects.count() + 1}")

    def form_data(self, city, region_key):
        return {
            "name": "李工程师",
            "specialties": [Specialty.objects.get(code="flood_typhoon").pk],
            "title": "高级工程师",
            "employer": "江门市水利局",
            "source": "retired_cadre",
            "availability": "available",
            "region": city[COUNTY_OF[region_key]].pk,
            "phone": "139 2233 4455",
        }


def test_the_specialty_taxonomy_is_loaded(db):
    assert {"hazardous_chemicals", "mining", "flood_typhoon", "psychology", "disease_control"} <= set(
        Specialty.objects.values_list("code", flat=True)
    )


def test_search_by_specialty_and_county_returns_the_right_people_with_phones_masked(hq_client, city):
    chem_xinhui = expert(city["xinhui"], "化工甲", ("hazardous_chemicals", "fire"), phone="13911112222")
    expert(city["xinhui"], "水利乙", ("flood_typhoon",))
    expert(city["taishan"], "化工丙", ("hazardous_chemicals",))
    chemicals = Specialty.objects.get(code="hazardous_chemicals")
    page = hq_client.get("/resources/experts/", {"specialty": chemicals.pk, "region": city["xinhui"].pk})
    assert page.status_code == 200
    assert [row.record for row in page.context["table"].paginated_rows] == [chem_xinhui]
    html = page.content.decode()
    assert "13911112222" not in html and "139****2222" in html


def test_the_full_phone_is_offered_only_to_users_who_may_see_it(client, city, xinhui_user):
    person = expert(city["xinhui"], phone="13911112222")
    reader = make_user("reader", Role.READ_ONLY_LEADER, city["xinhui"].code)
    for user, offered in ((xinhui_user, True), (reader, False)):
        client.force_login(user)
        html = client.get(person.get_absolute_url()).content.decode()
        assert "13911112222" not in html
        assert ("/reveal/" in html) is offered


def test_the_expert_page_lists_the_specialties_by_name(hq_client, city):
    person = expert(city["xinhui"], specialties=("hazardous_chemicals", "fire"))
    html = hq_client.get(person.get_absolute_url()).content.decode()
    names = sorted(s.name for s in person.specialties.all())
    assert "、".join(names) in html or "、".join(reversed(names)) in html
    assert ".None" not in html


def test_a_county_user_sees_only_their_countys_experts(xinhui_client, city):
    mine, theirs = expert(city["xinhui"], "新会专家"), expert(city["taishan"], "台山专家")
    rows = {r.record for r in xinhui_client.get("/resources/experts/").context["table"].paginated_rows}
    assert mine in rows and theirs not in rows


@pytest.fixture
def incident(city, xinhui_user):
    return file_accident(
        actor=xinhui_user, region=city["dazhe"], occurred_at=timezone.make_aware(datetime(2026, 5, 1, 8, 0))
    )


def test_call_up_for_an_incident_and_record_the_answers(xinhui_client, xinhui_user, city, incident):
    accepting, declining = expert(city["xinhui"], "甲"), expert(city["xinhui"], "乙")
    made = services.call_up(actor=xinhui_user, incident=incident, experts=[accepting, declining])
    assert len(made) == 2
    assert services.call_up(actor=xinhui_user, incident=incident, experts=[accepting]) == []
    first = ExpertCallUp.objects.get(expert=accepting)
    services.record_response(actor=xinhui_user, call_up=first, response="accepted")
    accepting.refresh_from_db()
    assert accepting.availability == "busy"
    response = xinhui_client.post(
        f"/resources/experts/{declining.pk}/call-ups/{ExpertCallUp.objects.get(expert=declining).pk}/answer/",
        {"response": "declined"},
    )
    assert response.status_code == 302
    second = ExpertCallUp.objects.get(expert=declining)
    assert second.response == "declined" and second.responded_at is not None
    assert second.history.count() == 2
    page = xinhui_client.get(declining.get_absolute_url())
    assert incident.title in page.content.decode()


def test_calling_up_through_the_page(xinhui_client, city, incident):
    person = expert(city["xinhui"])
    response = xinhui_client.post(f"/resources/experts/{person.pk}/call-up/", {"incident": incident.pk})
    assert response.status_code == 302
    assert ExpertCallUp.objects.filter(expert=person, incident=incident, response="pending").exists()


def test_an_expert_of_another_county_cannot_be_called_up(xinhui_client, city, incident):
    theirs = expert(city["taishan"])
    assert xinhui_client.post(f"/resources/experts/{theirs.pk}/call-up/", {"incident": incident.pk}).status_code == 404
    assert not ExpertCallUp.objects.exists()


def test_the_api_masks_phones_and_filters_by_specialty(hq_client, city):
    expert(city["xinhui"], "矿山专家", ("mining",), phone="13911112222")
    expert(city["xinhui"], "心理专家", ("psychology",))
    mining = Specialty.objects.get(code="mining")
    data = hq_client.get("/api/experts/", {"specialty": mining.pk}).json()
    assert [row["name"] for row in data["results"]] == ["矿山专家"]
    assert data["results"][0]["phone"] == "139****2222"
    assert data["results"][0]["specialties"] == ["mining"]
