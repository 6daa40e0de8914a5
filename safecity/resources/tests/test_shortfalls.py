"""The reserve shortfall list (储备缺口): each active standard in the user's area against the usable stock of
its region and below — computed in one query however many standards there are, with the same figures."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory
from safecity.resources.models import ReserveStandard

URL = reverse("resources:shortfalls")
TODAY = timezone.localdate()


def receive(actor, region, item, quantity, *, expired=False, number=""):
    depot = DepotFactory(region=region)
    expiry = TODAY - timedelta(days=1) if expired else TODAY + timedelta(days=365)
    services.receive(actor=actor, depot=depot, item=item, quantity=quantity, lot_number=number, expiry_date=expiry)
    return depot


def add_standards(actor, city, n: int, start: int = 0) -> None:
    """``n`` more items, each with stock below Xinhui and Taishan and a standard in a county and in a town."""
    for i in range(start, start + n):
        item = ItemFactory(name=f"缺口物资{i}")
        receive(actor, city["dazhe"], item, 10 + i)
        receive(actor, city["village"], item, 5, expired=True, number="OLD")
        receive(actor, city["dajiang"], item, 7)
        ReserveStandardFactory(item=item, region=city["xinhui"], minimum=1000)
        ReserveStandardFactory(item=item, region=city["dazhe"], minimum=1000)
        ReserveStandardFactory(item=item, region=city["taishan"], minimum=1000)


def shown(response) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (row.standard.region.name, row.standard.item.name): (row.standard.minimum, row.on_hand, row.missing)
        for row in response.context["rows"]
    }


def test_shortfalls_page_query_count_does_not_grow_with_standards(hq_client, admin_user_sc, city):
    add_standards(admin_user_sc, city, 2)
    hq_client.get(URL)  # warm caches (content types, permissions) out of the count
    with CaptureQueriesContext(connection) as few:
        response = hq_client.get(URL)
    assert len(shown(response)) == 6
    add_standards(admin_user_sc, city, 8, start=2)
    with CaptureQueriesContext(connection) as many:
        response = hq_client.get(URL)
    assert len(shown(response)) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # The standards and their stock are one query; nothing runs once per standard.
    assert sum("resources_reservestandard" in q["sql"] for q in many.captured_queries) == 1
    assert not any(q["sql"].lstrip().startswith('SELECT SUM("resources_lot"') for q in many.captured_queries)


def test_shortfalls_page_shows_usable_stock_of_the_region_and_below_within_the_users_scope(
    xinhui_client, admin_user_sc, city
):
    jackets, water, tents = ItemFactory(name="救生衣"), ItemFactory(name="瓶装水"), ItemFactory(name="帐篷")
    receive(admin_user_sc, city["dazhe"], jackets, 60)
    receive(admin_user_sc, city["dazhe"], jackets, 100, expired=True, number="OLD")  # expired: not counted
    receive(admin_user_sc, city["village"], jackets, 7)  # below Dazhe: counts for Dazhe and Xinhui
    receive(admin_user_sc, city["huicheng"], jackets, 30)  # another town: counts for Xinhui only
    receive(admin_user_sc, city["xinhui"], jackets, 5)  # the county's own depot
    archived = receive(admin_user_sc, city["huicheng"], jackets, 1000)
    archived.archive()
    archived.save()
    receive(admin_user_sc, city["dajiang"], jackets, 999)  # Taishan: never counted for Xinhui
    receive(admin_user_sc, city["huicheng"], water, 500)  # another item: not counted for jackets
    ReserveStandardFactory(item=jackets, region=city["xinhui"], minimum=200)
    ReserveStandardFactory(item=jackets, region=city["dazhe"], minimum=80)
    ReserveStandardFactory(item=water, region=city["xinhui"], minimum=500)  # met exactly: not listed
    ReserveStandardFactory(item=tents, region=city["huicheng"], minimum=3)  # no stock at all
    ReserveStandardFactory(item=jackets, region=city["taishan"], minimum=5000)  # out of scope
    retired = ReserveStandardFactory(item=water, region=city["dazhe"], minimum=9999)
    retired.archive()
    retired.save()

    response = xinhui_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == {
        ("新会区", "救生衣"): (200, 102, 98),
        ("大泽镇", "救生衣"): (80, 67, 13),
        ("会城街道", "帐篷"): (3, 0, 3),
    }
    # The same figures as counting each standard on its own (the reference definition).
    for row in services.shortfalls(ReserveStandard.objects.all(), only_short=False):
        assert row.on_hand == services.on_hand_in_region(row.standard.item, row.standard.region)


@pytest.mark.parametrize("only_short", [True, False])
def test_shortfalls_service_keeps_the_standards_order_and_only_short_filter(admin_user_sc, city, only_short):
    add_standards(admin_user_sc, city, 3)
    ReserveStandardFactory(item=ItemFactory(name="缺口物资0"), region=city["huicheng"], minimum=1)
    rows = services.shortfalls(ReserveStandard.objects.all(), only_short=only_short)
    expected = list(ReserveStandard.objects.all())
    if only_short:
        expected = [s for s in expected if s.minimum > services.on_hand_in_region(s.item, s.region)]
    assert [r.standard for r in rows] == expected
