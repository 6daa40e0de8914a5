"""Property: whatever sequence of receipts, issues, transfers and counts, stock on hand equals the
ledger — per lot, per depot and item — never goes negative, and a refused operation changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory
from safecity.resources.models import Lot, Movement

TODAY = timezone.localdate()
EXPIRIES = [None, TODAY + timedelta(days=30), TODAY + timedelta(days=400), TODAY - timedelta(days=5)]

receipts = st.tuples(
    st.just("receive"),
    st.integers(0, 2),  # depot
    st.integers(0, 1),  # item
    st.integers(1, 50),  # quantity
    st.integers(0, 3),  # lot number / expiry choice
)
issues = st.tuples(st.just("issue"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 80), st.just(0))
transfers = st.tuples(st.just("transfer"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 80), st.integers(0, 2))
counts = st.tuples(st.just("adjust"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 60), st.integers(0, 7))
operations = st.lists(st.one_of(receipts, issues, transfers, counts), min_size=1, max_size=25)


def snapshot() -> tuple:
    return (
        Movement.objects.count(),
        tuple(Lot.objects.order_by("pk").values_list("pk", "quantity")),
    )


def assert_ledger_holds() -> None:
    sums = dict(Movement.objects.values("lot").annotate(s=Sum("quantity")).values_list("lot", "s"))
    for lot in Lot.objects.all():
        assert lot.quantity >= 0
        assert lot.quantity == sums.get(lot.pk, 0), lot
    by_position = Lot.objects.values("depot", "item").annotate(on_hand=Sum("quantity"))
    for row in by_position:
        ledger = (
            Movement.objects.filter(lot__depot=row["depot"], lot__item=row["item"]).aggregate(s=Sum("quantity"))["s"]
            or 0
        )
        assert row["on_hand"] == ledger
    for movement in Movement.objects.select_related("lot"):
        assert movement.balance >= 0


@pytest.fixture
def world(city):
    actor = make_user("keeper", Role.COUNTY_STAFF, city["xinhui"].code)
    depots = [DepotFactory(region=city[key]) for key in ("dazhe", "huicheng", "village")]
    items = [ItemFactory(name="折叠床"), ItemFactory(name="救生衣")]
    return actor, depots, items


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_stock_on_hand_always_equals_the_ledger(world, ops):
    actor, depots, items = world
    for op, d, i, quantity, extra in ops:
        depot, item = depots[d], items[i]
        before = snapshot()
        try:
            if op == "receive":
                services.receive(
                    actor=actor,
                    depot=depot,
                    item=item,
                    quantity=quantity,
                    lot_number=f"L{extra}",
                    expiry_date=EXPIRIES[extra],
                )
            elif op == "issue":
                usable = sum(lot.quantity for lot in services.fefo_lots(depot, item))
                services.issue(actor=actor, depot=depot, item=item, quantity=quantity)
                assert quantity <= usable
            elif op == "transfer":
                target = depots[extra]
                services.transfer(actor=actor, source=depot, target=target, item=item, quantity=quantity)
            else:
                lots = list(Lot.objects.filter(depot=depot, item=item).order_by("pk"))
                if not lots:
                    continue
                services.adjust(actor=actor, lot=lots[extra % len(lots)], counted=quantity, note="盘点")
        except ValidationError:
            assert snapshot() == before, "a refused operation must change nothing"
        assert_ledger_holds()
