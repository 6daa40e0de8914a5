import pytest
from django.contrib.auth.models import Group

from safecity.accounts.models import User
from safecity.accounts.roles import Role
from safecity.accounts.views import UserViews
from safecity.core.factories import make_user
from safecity.core.testing import ScopedModelTests


class TestUser(ScopedModelTests):
    """User management by a county administrator (all permissions, Xinhui only)."""

    views = UserViews
    api_url = "/api/users/"
    api_writable = False
    actor_role = Role.ADMINISTRATOR
    edit_change = ("full_name", "改过的姓名")
    _n = 0

    def make(self, city, region_key):
        TestUser._n += 1
        return make_user(
            f"u{TestUser._n}-{region_key}", Role.TOWN_STAFF, city[region_key].code, full_name=f"用户{TestUser._n}"
        )

    def marker(self, obj):
        return obj.username

    def form_data(self, city, region_key):
        TestUser._n += 1
        return {
            "username": f"new{TestUser._n}",
            "password": "A-strong-pass-2026",
            "full_name": "新用户",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "is_active": "on",
            "roles": [Group.objects.get(name=Role.TOWN_STAFF).pk],
            "scope_regions": [city[region_key].pk],
        }

    def import_table(self, city):
        headers = ["用户名", "姓名", "电话", "身份证号码", "角色", "区划代码"]
        rows = [
            ["imp1", "导入甲", "13800000001", "440524188001010014", "grid_worker", "440705101201001"],
            ["imp2", "导入乙", "13800000002", "", "town_staff", "440705101000"],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][3] = "440524188001010015"  # wrong check character
        return headers, rows, 3, "身份证号码"

    def test_edit_is_recorded_in_history_with_old_and_new_value(self, actor_client, city):
        obj = self.make(city, "xinhui")
        data = self.form_data(city, "xinhui")
        data.update(username=obj.username, password="", full_name="改过的姓名")
        response = actor_client.post(self.url("edit", pk=obj.pk), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        page = actor_client.get(self.url("history", pk=obj.pk))
        changes = [c for entry in page.context["entries"] for c in entry["changes"]]
        assert any(new == "改过的姓名" for _label, _old, new in changes), changes


def test_id_numbers_and_phones_are_masked_on_the_page_and_in_the_api(client, city):
    admin = make_user("adm", Role.ADMINISTRATOR, city["xinhui"].code)
    person = make_user("p1", Role.TOWN_STAFF, city["dazhe"].code, phone="13812345678", id_number="11010519491231002X")
    client.force_login(admin)
    page = client.get(f"/accounts/users/{person.pk}/").content.decode()
    assert "11010519491231002X" not in page and "110105********002X" in page
    assert "13812345678" not in page and "138****5678" in page
    data = client.get(f"/api/users/{person.pk}/").json()
    assert data["id_number"] == "110105********002X" and data["phone"] == "138****5678"


@pytest.mark.django_db
def test_county_user_cannot_manage_users(client, city):
    county = make_user("c1", Role.COUNTY_STAFF, city["xinhui"].code)
    client.force_login(county)
    assert client.get("/accounts/users/add/").status_code == 403
    assert client.get("/accounts/users/").status_code == 200
    assert User.objects.restrict(county, "add").count() == 0
