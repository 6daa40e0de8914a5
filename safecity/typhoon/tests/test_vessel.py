"""The vessel register: shared scope/CRUD/export/import/API tests, the Chinese register's headers, the owner's
phone masked on the page and in the API, one registration number per vessel in service."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.services import object_archive, object_save
from safecity.core.testing import ScopedModelTests, upload, xlsx_bytes
from safecity.typhoon.factories import VesselFactory
from safecity.typhoon.forms import VesselImportForm
from safecity.typhoon.models import Vessel
from safecity.typhoon.views import VesselViews

#: A vessel belongs to a town: the county of the shared tests → one of its towns.
TOWN = {"xinhui": "dazhe", "taishan": "dajiang"}
HEADERS = ["船名", "船名号", "船舶类型", "船籍港", "船长", "船员人数", "船东", "船东电话", "区划代码"]


class TestVessel(ScopedModelTests):
    views = VesselViews
    api_url = "/api/vessels/"
    edit_change = ("name", "粤新会渔改名")

    def marker(self, obj):
        return obj.registration_number

    def make(self, city, region_key):
        return VesselFactory(region=city[TOWN[region_key]])

    def form_data(self, city, region_key):
        return {
            "name": "粤新会渔01234",
            "registration_number": "粤江新渔01234",
            "kind": "fishing",
            "region": city[TOWN[region_key]].pk,
            "home_port": "崖门",
            "length_m": "18.5",
            "crew_count": "6",
            "owner_name": "陈大海",
            "owner_phone": "138 1234 5678",
        }

    def api_data(self, city, region_key):
        return {
            "name": "粤新会运00088",
            "registration_number": "粤江新运00088",
            "kind": "transport",
            "region": city[TOWN[region_key]].code,
            "crew_count": 3,
            "owner_phone": "13812345678",
        }

    def import_table(self, city):
        rows = [
            ["粤新会渔00101", "粤江新渔00101", "渔船", "崖门", "24.5", "6", "陈大海", "13812345678", "440705101000"],
            ["大泽一号渔排", "粤江新排00102", "渔排", "", "", "2", "李四", "", "440705101201"],
            ["粤新会运00103", "粤江新运00103", "transport vessel", "江门", "40", "", "", "0750-3123456", "440705101"],
        ]
        return HEADERS, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][8] = city["dajiang"].code  # a town of Taishan: outside a Xinhui user's area
        return headers, rows, 3, str(VesselImportForm.base_fields["region"].label)


def test_the_import_reads_the_chinese_register_and_its_kind_names(client, xinhui_user, city):
    client.force_login(xinhui_user)
    headers, rows = TestVessel().import_table(city)
    url = reverse("typhoon:vessel_import")
    preview = client.post(url, {"file": upload("渔船.xlsx", xlsx_bytes(headers, rows))})
    assert preview.status_code == 200, [(e.row, e.field, e.message) for e in preview.context["result"].errors]
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    raft = Vessel.objects.get(registration_number="粤江新排00102")
    assert (raft.kind, raft.region, raft.crew_count) == ("fish_raft", city["village"], 2)
    transport = Vessel.objects.get(registration_number="粤江新运00103")
    assert (transport.kind, transport.owner_phone, transport.crew_count) == ("transport", "0750-3123456", 0)


def test_an_import_row_with_a_bad_phone_is_refused_naming_row_and_column(client, xinhui_user, city):
    client.force_login(xinhui_user)
    headers, rows = TestVessel().import_table(city)
    rows[2][7] = "12345"
    response = client.post(reverse("typhoon:vessel_import"), {"file": upload("渔船.xlsx", xlsx_bytes(headers, rows))})
    assert response.status_code == 400
    errors = {(e.row, e.field) for e in response.context["result"].errors}
    assert (4, str(VesselImportForm.base_fields["owner_phone"].label)) in errors
    assert not Vessel.objects.exists()


def test_the_owners_phone_is_masked_on_the_page_in_the_list_and_in_the_api(client, xinhui_user, city):
    vessel = VesselFactory(region=city["dazhe"], owner_phone="13812345678")
    client.force_login(xinhui_user)
    for url in (vessel.get_absolute_url(), reverse("typhoon:vessel_list")):
        page = client.get(url).content.decode()
        assert "138****5678" in page and "13812345678" not in page, url
    api = client.get(f"/api/vessels/{vessel.pk}/").json()
    assert api["owner_phone"] == "138****5678"


def test_only_users_allowed_to_see_personal_data_may_reveal_the_phone(client, xinhui_user, city):
    vessel = VesselFactory(region=city["dazhe"], owner_phone="13812345678")
    client.force_login(xinhui_user)  # county staff: may reveal, and each look is logged
    rows = client.get(vessel.get_absolute_url()).context["rows"]
    reveal_url = next(r["reveal_url"] for r in rows if r["value"] == "138****5678")
    assert "13812345678" in client.post(reveal_url).content.decode()

    leader = make_user("leader-ro", Role.READ_ONLY_LEADER, city["city"].code)
    client.force_login(leader)
    rows = client.get(vessel.get_absolute_url()).context["rows"]
    assert [r["reveal_url"] for r in rows if r["value"] == "138****5678"] == [""]
    assert client.post(reveal_url).status_code == 403


def test_a_registration_number_is_held_by_one_vessel_in_service_and_freed_by_archiving(xinhui_user, city):
    first = object_save(
        actor=xinhui_user,
        instance=Vessel(name="甲", registration_number="粤江新渔 00001", kind="fishing", region=city["dazhe"]),
    )
    assert first.registration_number == "粤江新渔00001"  # spaces dropped as the registers write it
    twin = Vessel(name="乙", registration_number="粤江新渔00001", kind="fishing", region=city["village"])
    with pytest.raises(ValidationError):
        object_save(actor=xinhui_user, instance=twin)
    object_archive(actor=xinhui_user, instance=first)
    twin = Vessel(name="乙", registration_number="粤江新渔00001", kind="fishing", region=city["village"])
    assert object_save(actor=xinhui_user, instance=twin).pk


def test_a_vessel_belongs_to_a_town_or_village_not_a_county(xinhui_user, city):
    with pytest.raises(ValidationError) as exc:
        object_save(
            actor=xinhui_user,
            instance=Vessel(name="甲", registration_number="粤江新渔00009", kind="fishing", region=city["xinhui"]),
        )
    assert "region" in exc.value.message_dict
    assert not Vessel.objects.exists()


def test_search_finds_a_vessel_by_part_of_its_registration_number(client, xinhui_user, city):
    wanted = VesselFactory(region=city["dazhe"], registration_number="粤江台渔12345")
    VesselFactory(region=city["dazhe"])
    client.force_login(xinhui_user)
    response = client.get(reverse("typhoon:vessel_list"), {"q": "12345"})
    assert [row.record.pk for row in response.context["table"].paginated_rows] == [wanted.pk]


def test_an_import_may_reuse_the_registration_number_of_an_archived_vessel_as_the_page_may(client, xinhui_user, city):
    old = VesselFactory(region=city["dazhe"], registration_number="粤江新渔00777")
    object_archive(actor=xinhui_user, instance=old)
    client.force_login(xinhui_user)
    row = ["粤新会渔00777", "粤江新渔00777", "渔船", "崖门", "20", "4", "陈大海", "13812345678", "440705101000"]
    url = reverse("typhoon:vessel_import")
    preview = client.post(url, {"file": upload("vessels.xlsx", xlsx_bytes(HEADERS, [row]))})
    assert preview.status_code == 200, [(e.row, e.field, e.message) for e in preview.context["result"].errors]
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    assert Vessel.objects.filter(registration_number="粤江新渔00777", archived_at__isnull=True).count() == 1
    again = client.post(url, {"file": upload("vessels.xlsx", xlsx_bytes(HEADERS, [row]))})
    assert again.status_code == 400  # now a vessel in service holds it


def test_restoring_a_vessel_whose_number_was_registered_again_is_refused_with_the_reason(client, xinhui_user, city):
    old = VesselFactory(region=city["dazhe"], registration_number="粤江新渔00888")
    object_archive(actor=xinhui_user, instance=old)
    VesselFactory(region=city["dazhe"], registration_number="粤江新渔00888")
    client.force_login(xinhui_user)
    response = client.post(reverse("typhoon:vessel_restore", kwargs={"pk": old.pk}), follow=True)
    old.refresh_from_db()
    assert old.archived_at is not None
    shown = [str(m) for m in response.context["messages"]]
    assert any("粤江新渔" in m or "已登记" in m for m in shown), shown
