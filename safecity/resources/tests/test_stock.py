"""The stock rules, as the issue states them: a ledger, first-expiry-first-out, refusals that write
nothing, transfers as pairs, reserve shortfalls, expiry alerts once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone, translation

from safecity.accounts.roles import Role
from safecity.core.exceptions import OutOfScope
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.resources import services
from safecity.resources.choices import MovementKind
from safecity.resources.factories import DepotFactory, ItemFactory, ReserveStandardFactory
from safecity.resources.models import Lot, Movement

TODAY = timezone.localdate()


@pytest.fixture
def depot(city, xinhui_user):
    depot = DepotFactory(name="新会区应急物资储备库", region=city["dazhe"])
    depot.keepers.add(xinhui_user)
    return depot


@pytest.fixture
def tents(db):
    return ItemFactory(name="救灾帐篷", unit="顶", shelf_life_days=1825)


def stocked(actor, depot, item, *lots):
    """Receive (lot_number, quantity, expiry) lots."""
    for number, quantity, expiry in lots:
        services.receive(actor=actor, depot=depot, item=item, quantity=quantity, lot_number=number, expiry_date=expiry)


def ledger_sum(**filters) -> int:
    return Movement.objects.filter(**filters).aggregate(s=Sum("quantity"))["s"] or 0


def test_a_receipt_is_a_ledger_line_and_the_lot_holds_its_sum(xinhui_user, depot, tents):
    stocked(xinhui_user, depot, tents, ("A1", 50, TODAY + timedelta(days=400)), ("A1", 30, None))
    lot = Lot.objects.get(depot=depot, item=tents, lot_number="A1")
    assert lot.quantity == 80 == ledger_sum(lot=lot)
    assert list(lot.movements.order_by("pk").values_list("kind", "quantity", "balance")) == [
        (MovementKind.RECEIPT, 50, 50),
        (MovementKind.RECEIPT, 30, 80),
    ]


def test_the_expiry_date_defaults_to_production_date_plus_shelf_life(xinhui_user, depot, tents):
    services.receive(
        actor=xinhui_user, depot=depot, item=tents, quantity=5, lot_number="P", production_date=date(2026, 1, 1)
    )
    assert Lot.objects.get(lot_number="P").expiry_date == date(2026, 1, 1) + timedelta(days=1825)


def test_an_issue_takes_the_earliest_expiring_lots_first_split_across_lots(xinhui_user, depot, tents):
    stocked(
        xinhui_user,
        depot,
        tents,
        ("LATE", 100, TODAY + timedelta(days=700)),
        ("NONE", 100, None),
        ("EARLY", 30, TODAY + timedelta(days=100)),
        ("MID", 40, TODAY + timedelta(days=300)),
    )
    movements = services.issue(actor=xinhui_user, depot=depot, item=tents, quantity=50, recipient="大泽镇")
    assert [(m.lot.lot_number, m.quantity) for m in movements] == [("EARLY", -30), ("MID", -20)]
    left = dict(Lot.objects.filter(depot=depot).values_list("lot_number", "quantity"))
    assert left == {"LATE": 100, "NONE": 100, "EARLY": 0, "MID": 20}


def test_an_issue_larger_than_the_stock_is_refused_in_chinese_and_writes_nothing(xinhui_user, depot, tents):
    stocked(xinhui_user, depot, tents, ("A", 10, None), ("B", 5, None))
    before = (Movement.objects.count(), list(Lot.objects.values_list("quantity", flat=True)))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.issue(actor=xinhui_user, depot=depot, item=tents, quantity=16)
    message = " ".join(refused.value.messages)
    assert "救灾帐篷" in message and "16" in message and "15" in message
    assert "库存不足" in message
    assert (Movement.objects.count(), list(Lot.objects.values_list("quantity", flat=True))) == before


def test_a_transfer_is_a_linked_pair_and_the_lot_keeps_its_dates(city, xinhui_user, depot, tents):
    other = DepotFactory(name="会城街道储备点", region=city["huicheng"])
    expiry = TODAY + timedelta(days=200)
    stocked(xinhui_user, depot, tents, ("T1", 10, expiry), ("T2", 10, None))
    pairs = services.transfer(actor=xinhui_user, source=depot, target=other, item=tents, quantity=15)
    assert len(pairs) == 2
    for out, into in pairs:
        assert out.kind == MovementKind.TRANSFER_OUT and into.kind == MovementKind.TRANSFER_IN
        assert out.quantity == -into.quantity
        assert out.counterpart_id == into.pk and into.counterpart_id == out.pk
    moved = Lot.objects.get(depot=other, lot_number="T1")
    assert moved.expiry_date == expiry and moved.quantity == 10
    assert Lot.objects.get(depot=other, lot_number="T2").quantity == 5
    assert ledger_sum(lot__item=tents) == 20


def test_a_transfer_to_a_depot_outside_the_users_county_is_refused_and_writes_nothing(city, xinhui_user, depot, tents):
    theirs = DepotFactory(name="台山市储备库", region=city["dajiang"])
    stocked(xinhui_user, depot, tents, ("A", 10, None))
    count = Movement.objects.count()
    with pytest.raises(OutOfScope):
        services.transfer(actor=xinhui_user, source=depot, target=theirs, item=tents, quantity=5)
    assert Movement.objects.count() == count
    assert Lot.objects.get(depot=depot).quantity == 10


def test_a_count_records_the_difference_as_an_adjustment_and_needs_a_reason(xinhui_user, depot, tents):
    stocked(xinhui_user, depot, tents, ("A", 10, None))
    lot = Lot.objects.get(lot_number="A")
    with pytest.raises(ValidationError):
        services.adjust(actor=xinhui_user, lot=lot, counted=8, note=" ")
    movement = services.adjust(actor=xinhui_user, lot=lot, counted=8, note="盘点发现2顶破损")
    assert movement.kind == MovementKind.ADJUSTMENT and movement.quantity == -2 and movement.balance == 8
    assert services.adjust(actor=xinhui_user, lot=lot, counted=8, note="复盘") is None
    lot.refresh_from_db()
    assert lot.quantity == 8 == ledger_sum(lot=lot)


def test_issue_to_an_incident_is_linked(xinhui_user, depot, tents, city):
    from datetime import datetime

    from django.utils import timezone

    from safecity.incidents.factories import file_accident

    incident = file_accident(
        actor=xinhui_user, region=city["dazhe"], occurred_at=timezone.make_aware(datetime(2026, 5, 1, 8, 0))
    )
    stocked(xinhui_user, depot, tents, ("A", 10, None))
    movements = services.issue(actor=xinhui_user, depot=depot, item=tents, quantity=3, incident=incident)
    assert movements[0].incident == incident
    assert list(incident.supply_movements.all()) == movements


def test_shortfalls_count_only_usable_stock_in_the_region_and_below(city, xinhui_user, depot, tents):
    water = ItemFactory(name="瓶装水", unit="箱")
    taishan = DepotFactory(name="台山市储备库", region=city["dajiang"])
    stocked(xinhui_user, depot, tents, ("OK", 60, TODAY + timedelta(days=30)), ("OLD", 100, TODAY - timedelta(days=1)))
    stocked(xinhui_user, depot, water, ("W", 500, None))
    admin = make_user("root", Role.ADMINISTRATOR, "440700000000", superuser=True)
    stocked(admin, taishan, tents, ("TS", 1000, None))
    short_tents = ReserveStandardFactory(item=tents, region=city["xinhui"], minimum=100)
    ReserveStandardFactory(item=water, region=city["xinhui"], minimum=500)  # met exactly
    met_in_taishan = ReserveStandardFactory(item=tents, region=city["taishan"], minimum=1000)
    rows = services.shortfalls(short_tents.__class__.objects.all(), today=TODAY)
    assert [(r.standard, r.on_hand, r.missing) for r in rows] == [(short_tents, 60, 40)]
    assert met_in_taishan not in [r.standard for r in rows]


def test_expired_lots_are_not_issued_and_do_not_count_as_stock(xinhui_user, depot, tents):
    stocked(xinhui_user, depot, tents, ("OLD", 10, TODAY - timedelta(days=1)), ("NEW", 5, TODAY + timedelta(days=9)))
    with pytest.raises(ValidationError):
        services.issue(actor=xinhui_user, depot=depot, item=tents, quantity=6, occurred_at=None, today=TODAY)
    movements = services.issue(actor=xinhui_user, depot=depot, item=tents, quantity=5, today=TODAY)
    assert [m.lot.lot_number for m in movements] == ["NEW"]


def test_expiry_alerts_reach_the_keepers_once_and_only_for_lots_inside_the_window(xinhui_user, depot, tents):
    stocked(
        xinhui_user,
        depot,
        tents,
        ("SOON", 5, TODAY + timedelta(days=90)),
        ("LATER", 5, TODAY + timedelta(days=91)),
        ("GONE", 5, TODAY - timedelta(days=3)),
        ("EMPTY", 5, TODAY + timedelta(days=10)),
    )
    services.adjust(actor=xinhui_user, lot=Lot.objects.get(lot_number="EMPTY"), counted=0, note="已全部用于演练")
    with translation.override("zh-hans"):
        assert services.sweep_expiry(today=TODAY)["notified"] == 2
    notes = {n.level: n for n in Notification.objects.filter(recipient=xinhui_user)}
    assert set(notes) == {"danger", "warning"}
    assert "GONE" in notes["danger"].body and "已过期" in notes["danger"].title
    assert "SOON" in notes["warning"].body
    assert notes["warning"].url == depot.get_absolute_url()
    assert services.sweep_expiry(today=TODAY)["notified"] == 0
    assert Notification.objects.filter(recipient=xinhui_user).count() == 2
