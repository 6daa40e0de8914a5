"""Volunteers: registration only with consent, identity numbers checked and masked, sex and birth date from
the number, status changes with a reason in the history, county lists imported with duplicates named by row."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import PersonalDataAccess
from safecity.core.testing import ScopedModelTests, upload, xlsx_bytes
from safecity.volunteers import rules, services
from safecity.volunteers.factories import id_number, volunteer
from safecity.volunteers.models import Skill, Volunteer
from safecity.volunteers.views import VolunteerViews

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}


class TestVolunteer(ScopedModelTests):
    views = VolunteerViews
    api_url = "/api/volunteers/"

    def make(self, city, region_key):
        region = city[COUNTY_OF[region_key]]
        return volunteer(region, f"{region.name}志愿者{Volunteer.objects.count() + 1}")

    def form_data(self, city, region_key):
        return {
            "name": "林晓雯",
            "id_number": id_number("440705", "19950312", 24),
            "phone": "139 2233 4455",
            "region": city[COUNTY_OF[region_key]].pk,
            "skills": [Skill.objects.get(code="first_aid").pk],
            "joined_on": "2026-03-01",
            "consent": "on",
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口志愿者",
            "id_number": id_number("440781", "19880808", 35),
            "phone": "13922334455",
            "region": city[COUNTY_OF[region_key]].code,
            "skills": ["driving", "logistics"],
            "consent": True,
        }

    def import_table(self, city):
        headers = ["姓名", "身份证号", "手机", "区划代码", "技能", "是否同意"]
        rows = [
            ["黄一", id_number("440705", "19900101", 11), "13900000011", "440705101000", "急救、驾驶", "是"],
            ["黄二", id_number("440705", "19910202", 12), "13900000012", "440705101201", "", "同意"],
            ["黄三", id_number("440705", "19920303", 13), "13900000013", "440705000000", "通信", "是"],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][3] = "440781100000"  # Taishan: outside a Xinhui user's scope
        return headers, rows, 3, "区划代码"


def test_registration_without_consent_is_refused_and_writes_nothing(xinhui_client, city):
    data = TestVolunteer().form_data(city, "xinhui")
    del data["consent"]
    response = xinhui_client.post("/volunteers/volunteers/add/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["consent"]
    assert not Volunteer.objects.exists()
    refused = xinhui_client.post(
        "/api/volunteers/",
        {**TestVolunteer().api_data(city, "xinhui"), "consent": False},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "consent" in refused.json()
    assert not Volunteer.objects.exists()
    with pytest.raises(ValidationError):
        services.register_volunteer(actor=None, volunteer=Volunteer(region=city["xinhui"], name="甲"), consent=False)


def test_registration_keeps_the_consent_time_and_text_version_and_derives_sex_and_birth_date(xinhui_client, city):
    response = xinhui_client.post("/volunteers/volunteers/add/", TestVolunteer().form_data(city, "xinhui"))
    assert response.status_code == 302
    person = Volunteer.objects.get()
    assert person.consent_at is not None and person.consent_version == rules.CONSENT_VERSION
    assert (person.sex, person.birth_date) == ("male" if 24 % 2 else "female", date(1995, 3, 12))
    assert person.phone == "13922334455"
    assert list(person.skills.values_list("code", flat=True)) == ["first_aid"]


def test_a_wrong_identity_number_is_refused_with_the_reason(xinhui_client, city):
    data = TestVolunteer().form_data(city, "xinhui")
    data["id_number"] = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    response = xinhui_client.post("/volunteers/volunteers/add/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]


def test_identity_numbers_and_phones_are_masked_in_the_list_the_detail_the_api_and_the_export(client, city):
    person = volunteer(city["xinhui"], "王明", id_number=id_number("440705", "19800101", 51), phone="13912345678")
    reader = make_user("reader", Role.READ_ONLY_LEADER, city["xinhui"].code)
    client.force_login(reader)
    for url in (
        "/volunteers/volunteers/",
        person.get_absolute_url(),
        "/api/volunteers/",
        f"/api/volunteers/{person.pk}/",
    ):
        text = client.get(url).content.decode()
        assert person.id_number not in text and "13912345678" not in text, url
        assert "440705********" in text and "139****5678" in text, url
    exported = client.get("/volunteers/volunteers/", {"_export": "csv"}).content.decode("utf-8-sig")
    assert person.id_number not in exported and "13912345678" not in exported
    assert "/reveal/" not in client.get(person.get_absolute_url()).content.decode()


def test_status_changes_need_a_reason_and_are_in_the_history(xinhui_client, xinhui_user, city):
    person = volunteer(city["xinhui"])
    with pytest.raises(ValidationError):
        services.set_status(actor=xinhui_user, volunteer=person, status="inactive")
    response = xinhui_client.post(
        f"/volunteers/volunteers/{person.pk}/status/", {"status": "inactive", "reason": "外出务工"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.status_reason) == ("inactive", "外出务工")
    page = xinhui_client.get(f"/volunteers/volunteers/{person.pk}/history/")
    changes = [c for entry in page.context["entries"] for c in entry["changes"]]
    assert any(new == "外出务工" for _label, _old, new in changes), changes
    assert any(entry["record"].history_change_reason == "外出务工" for entry in page.context["entries"])


def test_an_import_names_duplicate_rows_in_the_file_and_numbers_already_registered(xinhui_client, city):
    registered = volunteer(city["xinhui"], "已登记", id_number=id_number("440705", "19700707", 77))
    headers, rows = TestVolunteer().import_table(city)
    rows[2][1] = rows[0][1].lower()  # same number as row 2
    rows.append(["重复", registered.id_number, "13900000099", "440705000000", "", "是"])
    response = xinhui_client.post(
        "/volunteers/volunteers/import/", {"file": upload("list.xlsx", xlsx_bytes(headers, rows))}
    )
    assert response.status_code == 400
    errors = {(e.row, e.message) for e in response.context["result"].errors}
    assert any(row == 4 and "2" in message for row, message in errors), errors
    assert any(row == 5 for row, _message in errors), errors
    assert Volunteer.objects.count() == 1


def test_an_import_row_without_consent_is_refused(xinhui_client, city):
    headers, rows = TestVolunteer().import_table(city)
    rows[0][5] = "否"
    response = xinhui_client.post(
        "/volunteers/volunteers/import/", {"file": upload("list.xlsx", xlsx_bytes(headers, rows))}
    )
    assert response.status_code == 400
    assert 2 in {e.row for e in response.context["result"].errors}
    assert not Volunteer.objects.exists()


def test_the_full_identity_number_is_shown_only_with_the_permission_and_logged(client, city, xinhui_user):
    person = volunteer(city["xinhui"])
    client.force_login(xinhui_user)
    html = client.get(person.get_absolute_url()).content.decode()
    assert person.id_number not in html and "/reveal/" in html
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Volunteer)
    shown = client.post(f"/reveal/{ct.pk}/{person.pk}/id_number/")
    assert person.id_number in shown.content.decode()
    assert PersonalDataAccess.objects.filter(user=xinhui_user, object_id=person.pk, field="id_number").count() == 1
