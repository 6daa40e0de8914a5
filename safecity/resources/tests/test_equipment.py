from datetime import date, timedelta

from safecity.core.models import Notification
from safecity.core.testing import ScopedModelTests
from safecity.resources import services
from safecity.resources.factories import DepotFactory
from safecity.resources.models import Equipment
from safecity.resources.views import EquipmentViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestEquipment(ScopedModelTests):
    views = EquipmentViews
    api_url = "/api/equipment/"

    def api_data(self, city, region_key):
        depot = DepotFactory(region=city[TOWN_OF[region_key]])
        return {"name": "照明灯塔", "depot": depot.pk, "condition": "good"}

    def make(self, city, region_key):
        depot = DepotFactory(region=city[TOWN_OF[region_key]])
        return Equipment.objects.create(depot=depot, name="移动式排涝泵车", serial_number=f"PB-{depot.pk}")

    def form_data(self, city, region_key):
        depot = DepotFactory(region=city[TOWN_OF[region_key]])
        return {
            "name": "柴油发电机",
            "model": "30kW",
            "serial_number": "FD-001",
            "depot": depot.pk,
            "condition": "good",
            "last_maintained_on": "2026-01-10",
            "maintenance_interval_days": "180",
        }


def test_overdue_maintenance_is_notified_to_the_keepers_once_and_scrapped_equipment_is_not(city, xinhui_user):
    depot = DepotFactory(region=city["dazhe"])
    depot.keepers.add(xinhui_user)
    today = date(2026, 7, 1)
    due = Equipment.objects.create(
        depot=depot, name="排涝泵", last_maintained_on=today - timedelta(days=200), maintenance_interval_days=180
    )
    Equipment.objects.create(
        depot=depot,
        name="旧泵",
        condition="scrapped",
        last_maintained_on=date(2020, 1, 1),
        maintenance_interval_days=30,
    )
    Equipment.objects.create(
        depot=depot, name="新泵", last_maintained_on=today - timedelta(days=10), maintenance_interval_days=180
    )
    assert due.next_maintenance_on == today - timedelta(days=20)
    assert services.sweep_maintenance(today=today) == {"notified": 1}
    assert services.sweep_maintenance(today=today) == {"notified": 0}
    note = Notification.objects.get(recipient=xinhui_user)
    assert note.url == due.get_absolute_url()
