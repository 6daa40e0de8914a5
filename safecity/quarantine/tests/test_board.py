"""The capacity board by county, the free-bed forecast from planned check-outs, the dashboard number and the
map: figures from the events, only the user's county."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from safecity.core.dashboard import stats_for
from safecity.quarantine import rules, selectors, services
from safecity.quarantine.factories import make_facility, make_person
from safecity.quarantine.models import Bed, Facility


def test_the_board_counts_beds_by_status_per_county_and_only_in_the_users_area(client, hq_user, xinhui_user, city):
    dazhe = make_facility(city["dazhe"], name="大泽隔离点", rooms=3)
    make_facility(city["huicheng"], name="会城隔离酒店", rooms=2, beds_per_room=2)
    make_facility(city["dajiang"], name="台山隔离点", rooms=2)
    beds = list(Bed.objects.filter(room__facility=dazhe).order_by("pk"))
    services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=dazhe, bed=beds[0])
    services.bed_set_status(actor=xinhui_user, bed=beds[1], status="out_of_service", reason="空调坏")
    client.force_login(hq_user)
    board = client.get("/quarantine/board/").context["board"]
    rows = {row.county_name: row for row in board.rows}
    xinhui = rows["新会区"]
    assert (xinhui.facilities, xinhui.beds, xinhui.occupied, xinhui.ready, xinhui.out_of_service) == (2, 7, 1, 5, 1)
    assert (rows["台山市"].beds, rows["台山市"].ready) == (2, 2)
    assert board.total.ready == 7 and board.total.persons == 1
    client.force_login(xinhui_user)
    page = client.get("/quarantine/board/")
    assert [row.county_name for row in page.context["board"].rows] == ["新会区"]
    assert "台山隔离点" not in page.content.decode()


def test_free_beds_drop_by_one_per_check_in_and_a_suspended_facility_offers_none(xinhui_user, city):
    facility = make_facility(city["dazhe"], rooms=3)
    visible = Facility.objects.restrict(xinhui_user, "view")
    assert selectors.free_beds(visible) == 3
    services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    assert selectors.free_beds(visible) == 2
    services.facility_set_status(actor=xinhui_user, facility=facility, status="suspended", reason="整改")
    assert selectors.free_beds(visible) == 0


def test_the_forecast_adds_beds_from_planned_check_outs_after_cleaning(xinhui_user, city):
    today = timezone.localdate()
    facility = make_facility(city["dazhe"], rooms=5)
    beds = list(Bed.objects.filter(room__facility=facility).order_by("pk"))
    now = timezone.now()
    leaves = [today - timedelta(days=1), today + timedelta(days=2), today + timedelta(days=2), None]
    for bed, day in zip(beds, leaves, strict=False):
        services.check_in(
            actor=xinhui_user,
            person=make_person(city["dazhe"]),
            facility=facility,
            bed=bed,
            at=now - timedelta(days=3),
            planned_check_out=day,
        )
    # One ready bed left (beds[4]); one more ready on day 1 from the overdue stay, two more on day 3.
    forecast = selectors.free_bed_forecast(Facility.objects.all(), today=today)
    assert len(forecast) == rules.FORECAST_DAYS
    assert [d.free for d in forecast] == [1, 2, 2, 4, 4, 4, 4]
    assert forecast[0].overdue == 1 and forecast[2].check_outs == 2


def test_a_bed_being_cleaned_is_expected_ready_the_next_day(xinhui_user, city):
    today = timezone.localdate()
    facility = make_facility(city["dazhe"], rooms=2)
    stay = services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    services.check_out(actor=xinhui_user, stay=stay)
    forecast = selectors.free_bed_forecast(Facility.objects.all(), today=today)
    assert [d.free for d in forecast[:3]] == [1, 2, 2]


def test_the_board_page_shows_the_forecast_table_and_chart(xinhui_client, city):
    make_facility(city["dazhe"], rooms=2)
    page = xinhui_client.get("/quarantine/board/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="forecast-chart"' in body and 'id="sc-forecast"' in body


def test_the_home_page_shows_free_quarantine_beds_of_the_users_area(xinhui_user, city):
    make_facility(city["dazhe"], rooms=4)
    make_facility(city["dajiang"], rooms=9)
    board = reverse("quarantine:board")
    numbers = [s.value for group in stats_for(xinhui_user) for s in group["stats"] if s.url == board]
    assert numbers == [4]


def test_the_map_shows_facilities_with_coordinates_in_the_users_area(xinhui_client, city):
    make_facility(city["dazhe"], name="有坐标的隔离点", latitude="22.5", longitude="113.0")
    make_facility(city["dajiang"], name="台山的隔离点", latitude="22.2", longitude="112.8")
    data = xinhui_client.get("/quarantine/map/", {"_format": "json"}).json()
    labels = [f["properties"]["label"] for layer in data["layers"] for f in layer["data"]["features"]]
    assert "有坐标的隔离点" in labels and "台山的隔离点" not in labels
    assert xinhui_client.get("/quarantine/map/").status_code == 200


def test_the_facility_list_shows_free_and_total_beds_without_a_query_per_row(xinhui_client, xinhui_user, city):
    facility = make_facility(city["dazhe"], name="列表隔离点", rooms=3)
    services.check_in(actor=xinhui_user, person=make_person(city["dazhe"]), facility=facility)
    page = xinhui_client.get("/quarantine/facilities/")
    row = next(r for r in page.context["table"].paginated_rows if r.record.pk == facility.pk)
    assert (row.record.bed_count, row.record.free_beds) == (3, 2)
