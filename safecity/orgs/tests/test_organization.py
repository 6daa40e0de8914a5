from safecity.core.factories import OrganizationFactory
from safecity.core.testing import ScopedModelTests
from safecity.orgs.views import OrganizationViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestOrganization(ScopedModelTests):
    views = OrganizationViews
    api_url = "/api/organizations/"

    def make(self, city, region_key):
        return OrganizationFactory(region=city[TOWN_OF[region_key]])

    def form_data(self, city, region_key):
        return {
            "name": "新建测试化工有限公司",
            "kind": "enterprise",
            "sector": "emergency_management",
            "region": city[TOWN_OF[region_key]].pk,
            "responsible_person": "李四",
            "responsible_phone": "139 2233 4455",
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口测试单位",
            "kind": "enterprise",
            "region": city[TOWN_OF[region_key]].code,
            "responsible_phone": "13922334455",
        }

    def import_table(self, city):
        headers = ["单位名称", "类型", "区划代码", "负责人", "负责人电话"]
        rows = [
            ["导入单位一", "enterprise", "440705101000", "王五", "13800001111"],
            ["导入单位二", "enterprise", "440705101201", "赵六", "0750-3123456"],
            ["导入单位三", "institution", "440705000000", "", ""],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][2] = "440781100000"  # Taishan: outside a Xinhui user's scope
        return headers, rows, 3, "区划代码"
