"""The demo supplies load once and make sense; the resource pages open and stay in the user's county."""

from django.db.models import Sum
from django.urls import reverse

from safecity.accounts.models import User
from safecity.demo import load_demo
from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory
from safecity.resources.models import Depot, Expert, Lot, Movement, RescueTeam, ReserveStandard


def test_demo_supplies_load_once_with_stock_explained_by_the_ledger_and_some_shortfalls(db):
    load_demo(password="Demo-pass-2026")
    counts = (Depot.objects.count(), Lot.objects.count(), Movement.objects.count())
    assert counts[0] == 8
    assert load_demo(password="Demo-pass-2026")["resources"] == {"depots": 0, "experts": 0, "teams": 0}
    assert Expert.objects.count() == 28
    assert RescueTeam.objects.count() == 21
    assert (Depot.objects.count(), Lot.objects.count(), Movement.objects.count()) == counts
    assert Lot.objects.aggregate(s=Sum("quantity"))["s"] == Movement.objects.aggregate(s=Sum("quantity"))["s"]
    assert services.shortfalls(ReserveStandard.objects.all())
    xinhui = Depot.objects.get(name="新会区应急物资储备库")
    assert list(xinhui.keepers.values_list("username", flat=True)) == ["county-xinhui"]
    assert User.objects.get(username="county-xinhui").has_perm("resources.change_depot")


def test_a_county_user_sees_only_their_countys_stock_ledger_shortfalls_and_expiring_lots(
    xinhui_client, xinhui_user, admin_user_sc, city
):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.localdate() + timedelta(days=20)
    item = ItemFactory(name="救生衣", unit="件")
    mine = DepotFactory(name="大泽镇储备点", region=city["dazhe"])
    theirs = DepotFactory(name="大江镇储备点", region=city["dajiang"])
    for depot in (mine, theirs):
        services.receive(actor=admin_user_sc, depot=depot, item=item, quantity=7, lot_number="X", expiry_date=soon)
    ReserveStandardFactory(item=item, region=city["xinhui"], minimum=10)
    ReserveStandardFactory(item=item, region=city["taishan"], minimum=10)
    for name in ("stock", "ledger", "shortfalls", "expiring"):
        page = xinhui_client.get(reverse(f"resources:{name}"))
        assert page.status_code == 200, name
        text = page.content.decode()
        assert "大江镇储备点" not in text and "台山市" not in text, name
    assert "大泽镇储备点" in xinhui_client.get(reverse("resources:stock")).content.decode()
    assert "大泽镇储备点" in xinhui_client.get(reverse("resources:expiring")).content.decode()
    shortfalls = xinhui_client.get(reverse("resources:shortfalls")).content.decode()
    assert "新会区" in shortfalls
    assert xinhui_client.get(reverse("resources:depot_movement", args=[theirs.pk, "issue"])).status_code == 404


def test_an_issue_too_large_on_the_page_is_refused_with_the_message_and_writes_nothing(
    xinhui_client, xinhui_user, city
):
    item = ItemFactory(name="棉被", unit="床")
    depot = DepotFactory(name="大泽镇储备点", region=city["dazhe"])
    url = reverse("resources:depot_movement", args=[depot.pk, "receipt"])
    assert xinhui_client.post(url, {"item": item.pk, "quantity": 12, "lot_number": "M1"}).status_code == 302
    count = Movement.objects.count()
    refused = xinhui_client.post(
        reverse("resources:depot_movement", args=[depot.pk, "issue"]),
        {"item": item.pk, "quantity": 13},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 400
    assert "库存不足" in refused.content.decode()
    assert Movement.objects.count() == count
    done = xinhui_client.post(
        reverse("resources:depot_movement", args=[depot.pk, "issue"]), {"item": item.pk, "quantity": 12}
    )
    assert done.status_code == 302
    assert Lot.objects.get(depot=depot).quantity == 0
    detail = xinhui_client.get(depot.get_absolute_url())
    assert detail.status_code == 200


def test_every_movement_form_shows_its_fields(xinhui_client, city):
    depot = DepotFactory(name="大泽镇储备点", region=city["dazhe"])
    for kind, field in (
        ("receipt", "lot_number"),
        ("issue", "incident"),
        ("transfer", "target"),
        ("adjust", "counted"),
    ):
        page = xinhui_client.get(reverse("resources:depot_movement", args=[depot.pk, kind]))
        assert page.status_code == 200
        assert f'name="{field}"' in page.content.decode(), kind
    assert xinhui_client.get(reverse("resources:depot_movement", args=[depot.pk, "steal"])).status_code == 403
