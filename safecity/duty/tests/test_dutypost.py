from safecity.core.testing import ScopedModelTests
from safecity.duty.models import DutyPost
from safecity.duty.views import DutyPostViews

from .factories import number


class TestDutyPost(ScopedModelTests):
    views = DutyPostViews
    api_url = "/api/duty-posts/"

    def make(self, city, region_key):
        region = city[region_key]
        return DutyPost.objects.create(region=region, name=f"{region.name}值班室{number()}号", kind="county_room")

    def form_data(self, city, region_key):
        return {"name": "新建应急值班室", "kind": "county_room", "region": city[region_key].pk, "phone": "0750 6601234"}

    def api_data(self, city, region_key):
        return {"name": "接口值班室", "kind": "town_room", "region": city[region_key].code, "phone": "07506601234"}
