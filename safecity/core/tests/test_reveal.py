"""Masked personal data is shown in full only to roles that need it, and every look is logged."""

from django.contrib.contenttypes.models import ContentType

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory, make_user
from safecity.core.models import PersonalDataAccess
from safecity.orgs.models import Organization


def _url(org, field="responsible_phone"):
    ct = ContentType.objects.get_for_model(Organization)
    return f"/reveal/{ct.pk}/{org.pk}/{field}/"


def test_county_staff_can_see_a_phone_in_full_and_the_look_is_logged(xinhui_client, xinhui_user, city):
    org = OrganizationFactory(region=city["dazhe"], responsible_phone="13912345678")
    detail = xinhui_client.get(f"/orgs/organizations/{org.pk}/").content.decode()
    assert "13912345678" not in detail and _url(org) in detail
    response = xinhui_client.post(_url(org))
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.field) == (xinhui_user, org.pk, "responsible_phone")


def test_a_read_only_leader_cannot_see_personal_data_in_full(client, city):
    org = OrganizationFactory(region=city["dazhe"], responsible_phone="13912345678")
    client.force_login(make_user("ld", Role.READ_ONLY_LEADER, city["city"].code))
    assert _url(org) not in client.get(f"/orgs/organizations/{org.pk}/").content.decode()
    assert client.post(_url(org)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_another_countys_record_and_unmasked_fields_cannot_be_revealed(xinhui_client, city):
    theirs = OrganizationFactory(region=city["dajiang"], responsible_phone="13912345678")
    mine = OrganizationFactory(region=city["dazhe"])
    assert xinhui_client.post(_url(theirs)).status_code == 404
    assert xinhui_client.post(_url(mine, field="name")).status_code == 404
    assert xinhui_client.get(_url(mine)).status_code == 405
    assert not PersonalDataAccess.objects.exists()
