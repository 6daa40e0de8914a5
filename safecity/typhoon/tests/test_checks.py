"""Vessel checks in a response: where each vessel is, kept in history; the response's figures derived from them
(in port, at sea, unchecked, overdue after the deadline, crews not ashore) for the vessels the user sees; the
response page; the home page's number and "my work" line, gone when the response ends."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safecity.core.dashboard import stats_for, todos_for
from safecity.core.exceptions import OutOfScope
from safecity.typhoon import services
from safecity.typhoon.choices import Position
from safecity.typhoon.factories import TyphoonResponseFactory, VesselFactory
from safecity.typhoon.models import VesselCheck
from safecity.typhoon.selectors import response_summary, vessels_waiting


@pytest.fixture
def response(city):
    """A Xinhui response started an hour ago: vessels back in port within 2 h, crews ashore within 3 h."""
    start = timezone.now() - timedelta(hours=1)
    return TyphoonResponseFactory(
        region=city["xinhui"],
        started_at=start,
        port_deadline=start + timedelta(hours=2),
        ashore_deadline=start + timedelta(hours=3),
    )


def check(actor, response, vessel, status, crew_ashore=False, **kwargs):
    return services.vessel_check(
        actor=actor, response=response, vessel=vessel, status=status, crew_ashore=crew_ashore, **kwargs
    )


# ---- the service -----------------------------------------------------------------------------------------------


def test_a_check_is_one_row_per_vessel_updated_in_place_with_every_state_in_history(dazhe_user, response, city):
    vessel = VesselFactory(region=city["dazhe"])
    check(dazhe_user, response, vessel, Position.AT_SEA)
    row = check(dazhe_user, response, vessel, Position.IN_PORT, crew_ashore=True, note="已靠泊崖门")
    assert VesselCheck.objects.get() == row
    assert (row.status, row.crew_ashore, row.checked_by) == (Position.IN_PORT, True, dazhe_user)
    states = list(row.history.order_by("history_date").values_list("status", "history_change_reason"))
    assert states == [(Position.AT_SEA, "checked"), (Position.IN_PORT, "updated")]


def test_a_check_of_a_vessel_outside_the_responses_area_is_refused_and_nothing_is_written(hq_user, response, city):
    taishan_vessel = VesselFactory(region=city["dajiang"])
    with pytest.raises(ValidationError) as exc:
        check(hq_user, response, taishan_vessel, Position.IN_PORT)
    assert "vessel" in exc.value.message_dict
    assert not VesselCheck.objects.exists()


def test_a_town_cannot_check_another_towns_vessel(dazhe_user, response, city):
    huicheng_vessel = VesselFactory(region=city["huicheng"])
    with pytest.raises(OutOfScope):
        check(dazhe_user, response, huicheng_vessel, Position.IN_PORT)
    assert not VesselCheck.objects.exists()


def test_a_check_in_the_future_an_older_check_and_a_check_of_an_ended_response_are_refused(
    dazhe_user, xinhui_user, response, city
):
    vessel = VesselFactory(region=city["dazhe"])
    with pytest.raises(ValidationError) as exc:
        check(dazhe_user, response, vessel, Position.IN_PORT, checked_at=timezone.now() + timedelta(hours=1))
    assert "checked_at" in exc.value.message_dict
    check(dazhe_user, response, vessel, Position.IN_PORT)
    with pytest.raises(ValidationError) as exc:
        check(dazhe_user, response, vessel, Position.AT_SEA, checked_at=timezone.now() - timedelta(minutes=30))
    assert "checked_at" in exc.value.message_dict
    services.response_end(actor=xinhui_user, response=response)
    with pytest.raises(ValidationError):
        check(dazhe_user, response, vessel, Position.AT_SEA)
    assert VesselCheck.objects.get().status == Position.IN_PORT


# ---- the figures -----------------------------------------------------------------------------------------------


@pytest.fixture
def fleet(dazhe_user, response, city):
    """Seven Dazhe vessels: in port (crew ashore), sheltering, not going out, at sea ×2, unchecked ×2 (one of them
    without a crew)."""
    vessels = {key: VesselFactory(region=city["dazhe"]) for key in ("port", "shelter", "out", "sea1", "sea2", "un1")}
    vessels["un2"] = VesselFactory(region=city["dazhe"], crew_count=0, kind="fish_raft")
    check(dazhe_user, response, vessels["port"], Position.IN_PORT, crew_ashore=True)
    check(dazhe_user, response, vessels["shelter"], Position.SHELTERING)
    check(dazhe_user, response, vessels["out"], Position.NOT_OUT, crew_ashore=True)
    check(dazhe_user, response, vessels["sea1"], Position.AT_SEA)
    check(dazhe_user, response, vessels["sea2"], Position.AT_SEA)
    return vessels


def test_the_summary_counts_each_position_and_nothing_is_overdue_before_the_deadline(dazhe_user, response, fleet):
    summary = response_summary(response, dazhe_user, now=response.started_at + timedelta(minutes=30))
    assert (summary.total, summary.in_port, summary.sheltering, summary.not_out) == (7, 1, 1, 1)
    assert (summary.at_sea, summary.unchecked, summary.not_in_port) == (2, 2, 4)
    assert (summary.overdue, summary.crew_not_ashore) == (0, 0)
    assert summary.safe_percent == 42  # 3 of 7, rounded down: never "100 %" before every vessel is safe


def test_after_the_port_deadline_vessels_at_sea_or_unchecked_are_overdue(dazhe_user, response, fleet):
    summary = response_summary(response, dazhe_user, now=response.port_deadline + timedelta(minutes=1))
    assert summary.overdue == 4
    assert summary.crew_not_ashore == 0  # the ashore deadline is later


def test_after_the_ashore_deadline_crews_not_confirmed_ashore_are_counted(dazhe_user, response, fleet):
    summary = response_summary(response, dazhe_user, now=response.ashore_deadline + timedelta(minutes=1))
    # sheltering and both at sea said "not ashore"; one unchecked vessel has a crew nobody confirmed ashore;
    # the raft without a crew is not counted.
    assert summary.crew_not_ashore == 4


def test_a_county_user_counts_only_the_vessels_of_their_county_in_a_city_response(
    xinhui_user, taishan_user, hq_user, city
):
    city_response = TyphoonResponseFactory(region=city["city"])
    VesselFactory.create_batch(2, region=city["dazhe"])
    VesselFactory.create_batch(3, region=city["dajiang"])
    assert response_summary(city_response, xinhui_user).total == 2
    assert response_summary(city_response, taishan_user).total == 3
    assert response_summary(city_response, hq_user).total == 5


def test_the_summary_and_the_response_page_take_the_same_queries_for_3_or_30_vessels(
    xinhui_client, xinhui_user, dazhe_user, response, city
):
    def measure():
        with CaptureQueriesContext(connection) as summary_queries:
            response_summary(response, xinhui_user)
        with CaptureQueriesContext(connection) as page_queries:
            assert xinhui_client.get(response.get_absolute_url()).status_code == 200
        return len(summary_queries), len(page_queries)

    for vessel in VesselFactory.create_batch(3, region=city["dazhe"]):
        check(dazhe_user, response, vessel, Position.AT_SEA)
    measure()  # the user's permissions and scopes are read once, then cached
    few = measure()
    for vessel in VesselFactory.create_batch(27, region=city["dazhe"]):
        check(dazhe_user, response, vessel, Position.IN_PORT)
    assert measure() == few
    assert few[0] == 1


# ---- the pages -------------------------------------------------------------------------------------------------


def test_the_response_page_lists_vessels_not_yet_in_port_first_and_marks_the_overdue_in_words(
    client, dazhe_user, response, fleet
):
    response.port_deadline = response.started_at + timedelta(minutes=5)  # passed
    response.save()
    client.force_login(dazhe_user)
    page = client.get(response.get_absolute_url())
    rows = list(page.context["vessels"].paginated_rows)
    waiting = {fleet[k].pk for k in ("sea1", "sea2", "un1", "un2")}
    assert {row.record.pk for row in rows[:4]} == waiting
    html = page.content.decode()
    assert html.count('data-testid="overdue"') == 4
    assert "text-bg-danger" in html
    assert page.context["summary"].overdue == 4
    big = {n["key"]: n for n in page.context["big_numbers"]}
    assert big["overdue"]["alert"] and big["overdue"]["url"].endswith("?show=overdue#vessels")
    assert big["safe"]["value"] == "42%"


def test_a_big_number_links_to_the_vessels_it_counts(client, dazhe_user, response, fleet):
    client.force_login(dazhe_user)
    page = client.get(response.get_absolute_url(), {"show": "at_sea"})
    assert {row.record.pk for row in page.context["vessels"].paginated_rows} == {fleet["sea1"].pk, fleet["sea2"].pk}


def test_recording_a_check_on_its_page_saves_it_and_a_refused_one_shows_the_reason(client, dazhe_user, response, city):
    vessel = VesselFactory(region=city["dazhe"])
    url = reverse("typhoon:vessel_check", kwargs={"pk": response.pk, "vessel": vessel.pk})
    client.force_login(dazhe_user)
    assert client.get(url).status_code == 200
    future = timezone.localtime() + timedelta(hours=2)
    refused = client.post(
        url, {"status": "in_port", "crew_ashore": "on", "checked_at": future.strftime("%Y-%m-%dT%H:%M")}
    )
    assert refused.status_code == 400
    assert "checked_at" in refused.context["form"].errors
    assert refused.context["form"]["status"].value() == "in_port"
    assert not VesselCheck.objects.exists()
    saved = client.post(url, {"status": "in_port", "crew_ashore": "on", "note": "已回港"})
    assert saved.status_code == 302
    assert VesselCheck.objects.get().crew_ashore is True


def test_a_vessel_of_another_county_has_no_check_page_in_this_response(client, hq_user, response, city):
    vessel = VesselFactory(region=city["dajiang"])
    client.force_login(hq_user)
    url = reverse("typhoon:vessel_check", kwargs={"pk": response.pk, "vessel": vessel.pk})
    assert client.get(url).status_code == 404


def test_a_read_only_leader_sees_the_page_without_the_record_buttons(client, leader_user, response, city):
    VesselFactory(region=city["dazhe"])
    client.force_login(leader_user)
    page = client.get(response.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="record-check"' not in page.content.decode()


# ---- the home page ---------------------------------------------------------------------------------------------


def _stat(user):
    return [s for group in stats_for(user) for s in group["stats"] if "/typhoon/" in s.url]


def _todo(user):
    return [t for t in todos_for(user) if "/typhoon/" in t.url]


def test_the_home_page_counts_vessels_not_in_port_until_the_response_ends(xinhui_user, dazhe_user, response, fleet):
    (stat,) = _stat(xinhui_user)
    assert (stat.value, stat.alert) == (4, False)
    assert stat.url.startswith(response.get_absolute_url())
    (todo,) = _todo(dazhe_user)
    assert (todo.count, todo.late) == (4, 0)
    services.response_end(actor=xinhui_user, response=response)
    assert _stat(xinhui_user) == [] and _todo(dazhe_user) == []


def test_the_home_page_number_turns_red_and_the_todo_late_after_the_port_deadline(dazhe_user, response, fleet):
    response.port_deadline = response.started_at + timedelta(minutes=5)
    response.save()
    (stat,) = _stat(dazhe_user)
    assert stat.alert
    (todo,) = _todo(dazhe_user)
    assert (todo.count, todo.late) == (4, 4)


def test_a_vessel_in_two_overlapping_responses_is_counted_once(xinhui_user, hq_user, response, city):
    TyphoonResponseFactory(region=city["city"])
    VesselFactory(region=city["dazhe"])
    waiting = vessels_waiting(hq_user)
    assert (len(waiting.responses), waiting.not_in_port) == (2, 1)


def test_the_home_page_queries_do_not_grow_with_vessels(xinhui_user, response, city):
    VesselFactory(region=city["dazhe"])
    vessels_waiting(xinhui_user)  # the user's permissions and scopes are read once, then cached
    with CaptureQueriesContext(connection) as few:
        vessels_waiting(xinhui_user)
    VesselFactory.create_batch(20, region=city["dazhe"])
    with CaptureQueriesContext(connection) as many:
        vessels_waiting(xinhui_user)
    assert len(many) == len(few)


# ---- the API ---------------------------------------------------------------------------------------------------


def test_api_records_a_check_and_shows_the_responses_figures(client, dazhe_user, response, city):
    vessel = VesselFactory(region=city["dazhe"])
    client.force_login(dazhe_user)
    url = f"/api/typhoon-responses/{response.pk}/"
    posted = client.post(
        f"{url}checks/",
        {"vessel": vessel.pk, "status": "in_port", "crew_ashore": True, "note": "已靠泊"},
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    assert client.get(f"{url}checks/").json()[0]["status"] == "in_port"
    summary = client.get(url).json()["summary"]
    assert (summary["total"], summary["in_port"], summary["unchecked"]) == (1, 1, 0)


def test_api_refuses_a_check_of_a_vessel_outside_the_response_and_writes_nothing(client, hq_user, response, city):
    elsewhere = VesselFactory(region=city["dajiang"])  # a Taishan town: not in the Xinhui response
    client.force_login(hq_user)
    refused = client.post(
        f"/api/typhoon-responses/{response.pk}/checks/",
        {"vessel": elsewhere.pk, "status": "at_sea", "crew_ashore": False},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "vessel" in refused.json()
    assert not VesselCheck.objects.exists()


def test_api_starts_no_response_and_another_countys_response_is_404(client, taishan_user, response):
    client.force_login(taishan_user)
    assert client.get(f"/api/typhoon-responses/{response.pk}/").status_code == 404
    assert client.post("/api/typhoon-responses/", {}, content_type="application/json").status_code == 405


def test_api_check_of_a_vessel_the_caller_cannot_see_is_refused_like_one_that_does_not_exist(
    client, taishan_user, city
):
    start = timezone.now() - timedelta(hours=1)
    taishan_response = TyphoonResponseFactory(region=city["taishan"], started_at=start)
    xinhui_vessel = VesselFactory(region=city["dazhe"])
    client.force_login(taishan_user)
    refused = client.post(
        f"/api/typhoon-responses/{taishan_response.pk}/checks/",
        {"vessel": xinhui_vessel.pk, "status": "in_port", "crew_ashore": True},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "vessel" in refused.json()
    assert not VesselCheck.objects.exists()
