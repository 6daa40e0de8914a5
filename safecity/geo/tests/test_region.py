from safecity.core.factories import RegionFactory
from safecity.core.testing import ScopedModelTests
from safecity.geo.models import Region
from safecity.geo.views import RegionViews

TOWN_OF = {"xinhui": "440705101000", "taishan": "440781100000"}


class TestRegion(ScopedModelTests):
    views = RegionViews
    api_url = "/api/regions/"
    _n = 300

    def _next_code(self, region_key):
        TestRegion._n += 1
        return f"{TOWN_OF[region_key][:9]}{TestRegion._n:03d}"

    def make(self, city, region_key):
        return RegionFactory(code=self._next_code(region_key), name=f"测试村{TestRegion._n}")

    def form_data(self, city, region_key):
        return {"code": self._next_code(region_key), "name": "新建村", "population": "1200"}

    def api_data(self, city, region_key):
        return {"code": self._next_code(region_key), "name": "接口新建村"}

    def edit_form_data(self, obj):
        return {"code": obj.code, "name": obj.name}

    def import_table(self, city):
        headers = ["区划代码", "名称", "人口"]
        rows = [
            ["440705101210", "导入一村", 800],
            ["440705101210001", "导入一村第1网格", 300],  # parent is the previous row
            ["440705101211", "导入二村", 900],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[2][0] = "440781100212"  # a Taishan village: parent outside the user's scope
        return headers, rows, 4, "区划代码"

    # The edit test posts form_data; keep the code of the record being edited.
    def test_edit_is_recorded_in_history_with_old_and_new_value(self, actor_client, city):
        obj = self.make(city, "xinhui")
        response = actor_client.post(self.url("edit", pk=obj.pk), {"code": obj.code, "name": "改过的名称"})
        assert response.status_code == 302, response.context and response.context["form"].errors
        page = actor_client.get(self.url("history", pk=obj.pk))
        changes = [c for entry in page.context["entries"] for c in entry["changes"]]
        assert any(new == "改过的名称" for _label, _old, new in changes), changes


def test_region_subtree_is_a_code_prefix(city):
    xinhui = city["xinhui"]
    codes = set(Region.objects.subtree(xinhui).values_list("code", flat=True))
    assert "440705101201001" in codes  # a grid deep below
    assert "440781000000" not in codes
    assert city["grid"].level == 6 and city["grid"].prefix == "440705101201001"
    assert city["grid"].parent == city["village"]
