from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.views import HazardViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestHazard(ScopedModelTests):
    views = HazardViews
    api_url = "/api/hazards/"
    edit_change = ("title", "改过的隐患")

    def _target(self, city, region_key):
        return InspectionTargetFactory(region=city[TOWN_OF[region_key]])

    def make(self, city, region_key):
        return HazardFactory(target=self._target(city, region_key))

    def form_data(self, city, region_key):
        return {
            "target": self._target(city, region_key).pk,
            "title": "住人区域与仓储区域未防火分隔",
            "level": "ordinary",
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    def api_data(self, city, region_key):
        return {"target": self._target(city, region_key).pk, "title": "渡船救生衣不足", "level": "ordinary"}


def test_a_hazard_recorded_through_the_page_takes_its_targets_region_and_finder(xinhui_client, xinhui_user, city):
    from django.urls import reverse

    target = InspectionTargetFactory(region=city["village"])
    response = xinhui_client.post(
        reverse("hazards:hazard_add"),
        {
            "target": target.pk,
            "title": "灭火器过期",
            "level": "ordinary",
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    hazard = target.hazards.get()
    assert hazard.region == city["village"]
    assert hazard.found_by == xinhui_user
    assert hazard.status == "found"
