"""The API: scoped, token or session auth, JSON field errors, a valid OpenAPI 3 schema."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from safecity.core.factories import OrganizationFactory
from safecity.orgs.models import Organization


def test_the_api_refuses_anonymous_callers(client, city):
    assert client.get("/api/regions/").status_code in (401, 403)


def test_token_authentication_works(client, xinhui_user):
    token = Token.objects.create(user=xinhui_user)
    response = client.get("/api/regions/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_bad_input_is_a_400_with_chinese_field_messages_and_writes_nothing(xinhui_client, city):
    payload = {"name": "坏电话单位", "kind": "enterprise", "region": city["dazhe"].code, "responsible_phone": "12345"}
    response = xinhui_client.post("/api/organizations/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "responsible_phone" in response.json()
    assert "电话" in response.json()["responsible_phone"][0]
    assert Organization.objects.count() == 0


def test_a_region_outside_scope_is_a_field_error(xinhui_client, city):
    payload = {"name": "越界单位", "kind": "enterprise", "region": city["dajiang"].code}
    response = xinhui_client.post("/api/organizations/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "region" in response.json()
    assert Organization.objects.count() == 0


def test_moving_a_record_to_another_county_through_the_api_is_refused(xinhui_client, city):
    org = OrganizationFactory(region=city["dazhe"])
    response = xinhui_client.patch(
        f"/api/organizations/{org.pk}/", {"region": city["dajiang"].code}, content_type="application/json"
    )
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.region == city["dazhe"]


def test_list_filters_use_the_same_filterset_as_the_pages(xinhui_client, city):
    OrganizationFactory(region=city["dazhe"], name="大泽化工")
    OrganizationFactory(region=city["huicheng"], name="会城物流")
    data = xinhui_client.get("/api/organizations/", {"region": city["huicheng"].pk}).json()
    assert [row["name"] for row in data["results"]] == ["会城物流"]
    data = xinhui_client.get("/api/organizations/", {"q": "化工"}).json()
    assert [row["name"] for row in data["results"]] == ["大泽化工"]


def test_phones_are_masked_in_the_api(xinhui_client, city):
    org = OrganizationFactory(region=city["dazhe"], responsible_phone="13912345678")
    assert xinhui_client.get(f"/api/organizations/{org.pk}/").json()["responsible_phone"] == "139****5678"


@pytest.mark.django_db
def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/regions/" in text and "/api/organizations/" in text


def test_schema_and_docs_pages_are_served(xinhui_client):
    assert xinhui_client.get("/api/schema/").status_code == 200
    docs = xinhui_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_related_fields_drf_generates_are_scoped_too(xinhui_client, city):
    parent = OrganizationFactory(region=city["dajiang"], name="台山的上级单位")
    payload = {"name": "下级单位", "kind": "enterprise", "region": city["dazhe"].code, "parent": parent.pk}
    response = xinhui_client.post("/api/organizations/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_number_filter_beyond_what_a_database_stores_is_a_400_not_a_server_error(xinhui_client, city):
    """Found by fuzzing the API (schemathesis): ``campaign=-1.79e308`` reached SQLite and raised OverflowError."""
    for value in ("-1.7976931348623157e+308", str(2**64)):
        response = xinhui_client.get("/api/inspections/", {"campaign": value})
        assert response.status_code == 400, value
        assert "campaign" in response.json()
    assert xinhui_client.get("/api/inspections/", {"campaign": "12"}).status_code == 200
