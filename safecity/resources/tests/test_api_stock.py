"""The resources API: lots and the ledger read-only and scoped; stock operations as depot actions that
call the ledger services (a refusal is a 400 naming the field, nothing written); rescue team readiness,
dispatches and expert call-ups through their services; phones masked; a county token sees its county."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.incidents.factories import file_accident
from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory
from safecity.resources.models import Dispatch, Expert, ExpertCallUp, Lot, Movement, RescueTeam

TODAY = timezone.localdate()


@pytest.fixture
def stock(city, xinhui_user, admin_user_sc):
    jackets = ItemFactory(name="救生衣", unit="件")
    tents = ItemFactory(name="救灾帐篷", unit="顶")
    dazhe = DepotFactory(name="大泽镇储备点", region=city["dazhe"])
    huicheng = DepotFactory(name="会城储备库", region=city["huicheng"])
    taishan = DepotFactory(name="台山储备库", region=city["dajiang"])
    services.receive(
        actor=xinhui_user, depot=dazhe, item=jackets, quantity=10, lot_number="A", expiry_date=TODAY + timedelta(30)
    )
    services.receive(actor=xinhui_user, depot=dazhe, item=jackets, quantity=5, lot_number="B")
    services.receive(actor=admin_user_sc, depot=taishan, item=jackets, quantity=99, lot_number="TS")
    return {"jackets": jackets, "tents": tents, "dazhe": dazhe, "huicheng": huicheng, "taishan": taishan}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def token_client(client, user):
    token = Token.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


# ---- lots and the ledger (read) -----------------------------------------------------------------


def test_a_county_token_sees_only_its_countys_lots_and_ledger(client, xinhui_user, stock):
    api = token_client(client, xinhui_user)
    lots = api.get("/api/lots/").json()["results"]
    assert {(lot["lot_number"], lot["quantity"]) for lot in lots} == {("A", 10), ("B", 5)}
    taishan_lot = Lot.objects.get(lot_number="TS")
    assert api.get(f"/api/lots/{taishan_lot.pk}/").status_code == 404
    ledger = api.get("/api/stock-movements/").json()["results"]
    assert sorted(m["quantity"] for m in ledger) == [5, 10]
    taishan_line = Movement.objects.get(lot=taishan_lot)
    assert api.get(f"/api/stock-movements/{taishan_line.pk}/").status_code == 404


def test_lots_and_ledger_are_read_only(xinhui_client, stock):
    lot = Lot.objects.get(lot_number="A")
    assert (
        post(xinhui_client, "/api/lots/", {"depot": stock["dazhe"].pk, "item": stock["jackets"].pk}).status_code == 405
    )
    assert (
        xinhui_client.patch(f"/api/lots/{lot.pk}/", {"quantity": 1}, content_type="application/json").status_code == 405
    )
    line = Movement.objects.filter(lot=lot).first()
    assert xinhui_client.delete(f"/api/stock-movements/{line.pk}/").status_code == 405
    assert Lot.objects.get(pk=lot.pk).quantity == 10


def test_the_ledger_filters_by_depot_item_lot_kind_and_date(xinhui_client, xinhui_user, stock):
    services.issue(actor=xinhui_user, depot=stock["dazhe"], item=stock["jackets"], quantity=3)
    services.receive(actor=xinhui_user, depot=stock["huicheng"], item=stock["tents"], quantity=7)
    old = Movement.objects.get(lot__lot_number="B")
    Movement.objects.filter(pk=old.pk).update(occurred_at=timezone.make_aware(datetime(2026, 1, 5, 10, 0)))

    def quantities(**params):
        rows = xinhui_client.get("/api/stock-movements/", params).json()["results"]
        return sorted(m["quantity"] for m in rows)

    assert quantities(depot=stock["huicheng"].pk) == [7]
    assert quantities(item=stock["jackets"].pk) == [-3, 5, 10]
    assert quantities(lot=Lot.objects.get(lot_number="A").pk) == [-3, 10]
    assert quantities(kind="issue") == [-3]
    assert quantities(occurred_before="2026-01-05") == [5]
    assert quantities(occurred_after="2026-01-06") == [-3, 7, 10]


def test_the_ledger_api_query_count_does_not_grow_with_rows(xinhui_client, xinhui_user, stock):
    with CaptureQueriesContext(connection) as few:
        xinhui_client.get("/api/stock-movements/")
    for n in range(12):
        services.receive(actor=xinhui_user, depot=stock["huicheng"], item=stock["tents"], quantity=n + 1)
    with CaptureQueriesContext(connection) as many:
        xinhui_client.get("/api/stock-movements/")
    assert len(many) == len(few)


# ---- stock operations ------------------------------------------------------------------------------


def test_receive_through_the_api_writes_a_receipt_line_and_the_lot(xinhui_client, xinhui_user, stock):
    response = post(
        xinhui_client,
        f"/api/depots/{stock['huicheng'].pk}/receive/",
        {"item": stock["tents"].pk, "quantity": 40, "lot_number": "T-1", "expiry_date": "2031-06-30", "note": "采购"},
    )
    assert response.status_code == 201, response.content
    [line] = response.json()
    assert (line["kind"], line["quantity"], line["balance"], line["lot_number"]) == ("receipt", 40, 40, "T-1")
    lot = Lot.objects.get(lot_number="T-1")
    assert (lot.depot, lot.quantity, lot.expiry_date) == (stock["huicheng"], 40, date(2031, 6, 30))
    assert Movement.objects.get(pk=line["id"]).created_by == xinhui_user


def test_an_issue_takes_the_earliest_expiring_lot_first_and_answers_with_the_lines(xinhui_client, stock):
    response = post(
        xinhui_client,
        f"/api/depots/{stock['dazhe'].pk}/issue/",
        {"item": stock["jackets"].pk, "quantity": 12, "recipient": "五和村"},
    )
    assert response.status_code == 201, response.content
    assert [(m["lot_number"], m["quantity"]) for m in response.json()] == [("A", -10), ("B", -2)]
    assert dict(Lot.objects.filter(depot=stock["dazhe"]).values_list("lot_number", "quantity")) == {"A": 0, "B": 3}


def test_an_issue_larger_than_the_stock_is_a_400_on_the_quantity_and_writes_nothing(xinhui_client, stock):
    before = Movement.objects.count()
    response = post(
        xinhui_client, f"/api/depots/{stock['dazhe'].pk}/issue/", {"item": stock["jackets"].pk, "quantity": 16}
    )
    assert response.status_code == 400
    [message] = response.json()["quantity"]
    assert "16" in message and "15" in message  # both figures: requested and usable
    assert Movement.objects.count() == before
    assert Lot.objects.filter(depot=stock["dazhe"]).aggregate(s=Sum("quantity"))["s"] == 15


def test_bad_input_is_a_400_with_field_errors(xinhui_client, stock):
    url = f"/api/depots/{stock['dazhe'].pk}/issue/"
    response = post(xinhui_client, url, {"item": stock["jackets"].pk, "quantity": 0})
    assert response.status_code == 400 and "quantity" in response.json()
    response = post(xinhui_client, url, {"item": 999999, "quantity": 1})
    assert response.status_code == 400 and "item" in response.json()
    assert Movement.objects.filter(kind="issue").count() == 0


def test_a_transfer_answers_with_both_sides_and_the_lot_keeps_its_number(xinhui_client, stock):
    response = post(
        xinhui_client,
        f"/api/depots/{stock['dazhe'].pk}/transfer/",
        {"target": stock["huicheng"].pk, "item": stock["jackets"].pk, "quantity": 4},
    )
    assert response.status_code == 201, response.content
    lines = response.json()
    assert [(m["kind"], m["quantity"], m["depot"]) for m in lines] == [
        ("transfer_out", -4, stock["dazhe"].pk),
        ("transfer_in", 4, stock["huicheng"].pk),
    ]
    assert lines[0]["counterpart"] == lines[1]["id"]
    assert Lot.objects.get(depot=stock["huicheng"]).lot_number == "A"


def test_a_transfer_to_another_countys_depot_is_refused_and_writes_nothing(xinhui_client, stock):
    before = Movement.objects.count()
    response = post(
        xinhui_client,
        f"/api/depots/{stock['dazhe'].pk}/transfer/",
        {"target": stock["taishan"].pk, "item": stock["jackets"].pk, "quantity": 1},
    )
    assert response.status_code == 400 and "target" in response.json()
    assert Movement.objects.count() == before


def test_a_count_records_the_difference_and_a_matching_count_writes_nothing(xinhui_client, stock):
    lot = Lot.objects.get(lot_number="A")
    url = f"/api/depots/{stock['dazhe'].pk}/adjust/"
    response = post(xinhui_client, url, {"lot": lot.pk, "counted": 8, "note": "盘点破损2件"})
    assert response.status_code == 201, response.content
    assert [(m["kind"], m["quantity"], m["balance"]) for m in response.json()] == [("adjustment", -2, 8)]
    same = post(xinhui_client, url, {"lot": lot.pk, "counted": 8, "note": "复盘"})
    assert (same.status_code, same.json()) == (200, [])
    other = post(
        xinhui_client, f"/api/depots/{stock['huicheng'].pk}/adjust/", {"lot": lot.pk, "counted": 1, "note": "x"}
    )
    assert other.status_code == 400 and "lot" in other.json()
    assert Lot.objects.get(pk=lot.pk).quantity == 8


def test_stock_operations_on_another_countys_depot_are_404(xinhui_client, stock):
    response = post(
        xinhui_client, f"/api/depots/{stock['taishan'].pk}/issue/", {"item": stock["jackets"].pk, "quantity": 1}
    )
    assert response.status_code == 404
    assert Lot.objects.get(lot_number="TS").quantity == 99


def test_a_read_only_leader_cannot_move_stock(client, city, stock):
    client.force_login(make_user("leader", Role.READ_ONLY_LEADER, "440700000000"))
    response = post(client, f"/api/depots/{stock['dazhe'].pk}/issue/", {"item": stock["jackets"].pk, "quantity": 1})
    assert response.status_code == 403
    assert Movement.objects.filter(kind="issue").count() == 0


# ---- rescue teams, dispatches, expert call-ups ----------------------------------------------------------


@pytest.fixture
def teams(city):
    mine = RescueTeam.objects.create(
        region=city["xinhui"],
        name="新会区危化品救援队",
        kind="professional",
        leader="李队长",
        leader_phone="13922334455",
    )
    theirs = RescueTeam.objects.create(region=city["taishan"], name="台山市医疗队", kind="medical")
    return mine, theirs


def test_rescue_teams_are_scoped_and_the_leaders_phone_is_masked(client, xinhui_user, teams):
    _mine, theirs = teams
    api = token_client(client, xinhui_user)
    rows = api.get("/api/rescue-teams/").json()["results"]
    assert [row["name"] for row in rows] == ["新会区危化品救援队"]
    assert rows[0]["leader_phone"] == "139****4455"
    assert api.get(f"/api/rescue-teams/{theirs.pk}/").status_code == 404


def test_readiness_changes_only_through_the_action_with_its_reason(xinhui_client, teams):
    mine, theirs = teams
    url = f"/api/rescue-teams/{mine.pk}/"
    xinhui_client.patch(url, {"readiness": "not_ready", "notes": "改"}, content_type="application/json")
    mine.refresh_from_db()
    assert mine.readiness == "ready"  # read-only in the record itself
    refused = post(xinhui_client, url + "readiness/", {"readiness": "not_ready"})
    assert refused.status_code == 400  # a reason is required
    done = post(xinhui_client, url + "readiness/", {"readiness": "not_ready", "reason": "装备检修"})
    assert done.status_code == 200 and done.json()["readiness"] == "not_ready"
    assert done.json()["readiness_reason"] == "装备检修"
    assert mine.history.filter(history_change_reason="readiness: not_ready").exists()
    assert post(xinhui_client, f"/api/rescue-teams/{theirs.pk}/readiness/", {"readiness": "resting"}).status_code == 404


def test_a_dispatch_is_created_for_a_ready_team_and_its_times_are_recorded_in_order(
    xinhui_client, xinhui_user, city, teams
):
    mine, _theirs = teams
    incident = file_accident(actor=xinhui_user, region=city["dazhe"], occurred_at=timezone.now() - timedelta(hours=1))
    response = post(xinhui_client, "/api/dispatches/", {"team": mine.pk, "incident": incident.pk})
    assert response.status_code == 201, response.content
    dispatch_id = response.json()["id"]
    mine.refresh_from_db()
    assert mine.readiness == "on_mission"
    again = post(xinhui_client, "/api/dispatches/", {"team": mine.pk, "incident": incident.pk})
    assert again.status_code == 400 and Dispatch.objects.count() == 1  # the team is not ready any more
    url = f"/api/dispatches/{dispatch_id}/"
    assert post(xinhui_client, url + "arrived/", {}).status_code == 400  # not departed yet
    assert post(xinhui_client, url + "departed/", {}).status_code == 200
    arrived = post(xinhui_client, url + "arrived/", {})
    assert arrived.status_code == 200 and arrived.json()["response_minutes"] is not None
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert post(xinhui_client, url + "returned/", {"at": future}).status_code == 400
    assert post(xinhui_client, url + "returned/", {}).status_code == 200
    mine.refresh_from_db()
    assert mine.readiness == "resting"


def test_another_countys_team_cannot_be_dispatched(xinhui_client, xinhui_user, city, teams):
    _mine, theirs = teams
    incident = file_accident(actor=xinhui_user, region=city["dazhe"], occurred_at=timezone.now() - timedelta(hours=1))
    response = post(xinhui_client, "/api/dispatches/", {"team": theirs.pk, "incident": incident.pk})
    assert response.status_code == 400 and "team" in response.json()
    assert not Dispatch.objects.exists()


def test_an_expert_is_called_up_once_per_incident_and_the_answer_makes_them_busy(xinhui_client, xinhui_user, city):
    expert = Expert.objects.create(region=city["xinhui"], name="王工", source="academic", phone="13800138000")
    incident = file_accident(actor=xinhui_user, region=city["dazhe"], occurred_at=timezone.now() - timedelta(hours=1))
    made = post(xinhui_client, "/api/expert-call-ups/", {"expert": expert.pk, "incident": incident.pk, "note": "现场"})
    assert made.status_code == 201, made.content
    twice = post(xinhui_client, "/api/expert-call-ups/", {"expert": expert.pk, "incident": incident.pk})
    assert twice.status_code == 400 and "expert" in twice.json()
    assert ExpertCallUp.objects.count() == 1
    answer = post(xinhui_client, f"/api/expert-call-ups/{made.json()['id']}/answer/", {"response": "accepted"})
    assert answer.status_code == 200 and answer.json()["response"] == "accepted"
    expert.refresh_from_db()
    assert expert.availability == "busy"
