from safecity.core.testing import ScopedModelTests
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory
from safecity.resources.views import DepotViews, ReserveStandardViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}
COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}


class TestDepot(ScopedModelTests):
    views = DepotViews
    api_url = "/api/depots/"

    def api_data(self, city, region_key):
        return {"name": "接口测试储备库", "kind": "government", "region": city[TOWN_OF[region_key]].code}

    def make(self, city, region_key):
        return DepotFactory(region=city[TOWN_OF[region_key]])

    def form_data(self, city, region_key):
        return {
            "name": "大泽镇应急物资储备点",
            "kind": "community",
            "region": city[TOWN_OF[region_key]].pk,
            "address": "大泽镇政府大院",
            "latitude": "22.5",
            "longitude": "113.0",
        }

    def import_table(self, city):
        headers = ["储备库名称", "类型", "区划代码", "地址"]
        rows = [
            ["大泽镇物资储备点", "community", "440705101000", "大泽镇政府"],
            ["五和村物资储备点", "community", "440705101201", "五和村委"],
            ["新会区第二储备库", "government", "440705000000", ""],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][2] = "440781100000"  # Taishan: outside a Xinhui user's scope
        return headers, rows, 3, "区划代码"


class TestReserveStandard(ScopedModelTests):
    views = ReserveStandardViews
    api_url = "/api/reserve-standards/"

    def api_data(self, city, region_key):
        item = ItemFactory(name="救生圈")
        return {"item": item.pk, "region": city[COUNTY_OF[region_key]].code, "minimum": 50}

    edit_change = ("basis", "按户籍人口计算")

    def make(self, city, region_key):
        return ReserveStandardFactory(region=city[COUNTY_OF[region_key]])

    def marker(self, obj):
        return str(obj.region)

    def form_data(self, city, region_key):
        item = ItemFactory(name="折叠床")
        return {"item": item.pk, "region": city[COUNTY_OF[region_key]].pk, "minimum": "200", "basis": "按常住人口"}
