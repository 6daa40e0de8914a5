"""All of it scoped: a county user sees and files only their county's posts, rosters, log entries and handovers."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from safecity.duty.models import DutyLogEntry

from .factories import at, future_start, person, post_in, shift


@pytest.fixture
def rooms(city):
    return post_in(city["xinhui"]), post_in(city["taishan"])


def test_a_county_user_sees_only_their_countys_duty_pages(xinhui_client, rooms, city):
    mine, theirs = rooms
    assert xinhui_client.get(f"/duty/dutyposts/{mine.pk}/roster/").status_code == 200
    for url in (
        f"/duty/dutyposts/{theirs.pk}/",
        f"/duty/dutyposts/{theirs.pk}/roster/",
        f"/duty/dutyposts/{theirs.pk}/roster/export/",
        f"/api/duty-posts/{theirs.pk}/",
        f"/api/duty-posts/{theirs.pk}/coverage/",
        f"/api/duty-posts/{theirs.pk}/on-duty/",
    ):
        assert xinhui_client.get(url).status_code == 404, url
    listed = xinhui_client.get("/api/duty-posts/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    index = xinhui_client.get("/duty/roster/")
    assert index.status_code == 302 and index.url == f"/duty/dutyposts/{mine.pk}/roster/"


def test_a_county_user_sees_only_their_countys_shifts_and_log_entries(xinhui_client, rooms, city):
    mine, theirs = rooms
    shift(mine, future_start(), officers=[person("a", city["xinhui"])])
    other = shift(theirs, future_start(), officers=[person("b", city["taishan"])])
    DutyLogEntry.objects.create(post=theirs, summary="台山的来电", occurred_at=at("2026-12-03 10:00"))
    assert xinhui_client.get(f"/duty/shifts/{other.pk}/").status_code == 404
    assert xinhui_client.get(f"/api/duty-shifts/{other.pk}/").status_code == 404
    assert xinhui_client.get("/api/duty-log-entries/").json()["count"] == 0
    assert "台山的来电" not in xinhui_client.get("/duty/log-entries/").content.decode()


def test_a_county_user_cannot_file_for_another_countys_post(xinhui_client, rooms):
    _mine, theirs = rooms
    page = xinhui_client.post(
        "/duty/log-entries/add/",
        {"post": theirs.pk, "occurred_at": "2026-12-03 10:00", "summary": "越权记录"},
    )
    assert page.status_code == 400 and "post" in page.context["form"].errors
    api = xinhui_client.post(
        "/api/duty-log-entries/",
        {"post": theirs.pk, "occurred_at": "2026-12-03T10:00:00+08:00", "summary": "越权记录"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not DutyLogEntry.objects.exists()


def test_a_log_entry_records_who_recorded_it_and_masks_the_callers_phone(xinhui_client, xinhui_user, rooms):
    mine, _theirs = rooms
    xinhui_client.post(
        "/duty/log-entries/add/",
        {"post": mine.pk, "occurred_at": "2026-12-03 10:00", "summary": "来电", "caller_phone": "13912345678"},
    )
    entry = DutyLogEntry.objects.get()
    assert entry.recorded_by == xinhui_user and entry.recorded_at <= timezone.now()
    assert entry.caller_phone == "13912345678"
    assert "13912345678" not in xinhui_client.get(f"/duty/log-entries/{entry.pk}/").content.decode()
    assert xinhui_client.get(f"/api/duty-log-entries/{entry.pk}/").json()["caller_phone"] == "139****5678"


def test_the_log_entry_keeps_a_slot_for_incidents(xinhui_client, rooms):
    mine, _theirs = rooms
    entry = DutyLogEntry.objects.create(post=mine, summary="来电", occurred_at=at("2026-12-03 10:00"))
    page = xinhui_client.get(f"/duty/log-entries/{entry.pk}/")
    assert page.status_code == 200
    try:
        add_url = reverse("incidents:incident_add")
    except NoReverseMatch:
        assert 'data-testid="open-incident"' not in page.content.decode()
    else:
        assert f"{add_url}?duty_log_entry={entry.pk}" in page.content.decode()


def test_the_forms_propose_the_users_own_post_and_person(xinhui_client, xinhui_user, rooms):
    mine, _theirs = rooms
    for url in ("/duty/log-entries/add/", "/duty/handovers/add/", "/duty/shifts/add/"):
        form = xinhui_client.get(url).context["form"]
        assert form["post"].value() == mine.pk, url
    assert xinhui_client.get("/duty/handovers/add/").context["form"]["outgoing"].value() == xinhui_user.pk
    assert xinhui_client.get("/duty/shiftswaps/add/").context["form"]["from_user"].value() == xinhui_user.pk


def test_editing_a_shift_keeps_a_leader_from_outside_the_editors_area(xinhui_client, rooms, hq_user, city):
    mine, _theirs = rooms
    officer = person("a", city["xinhui"])
    on_roster = shift(mine, future_start(), leader=hq_user, officers=[officer])
    form = xinhui_client.get(f"/duty/shifts/{on_roster.pk}/edit/").context["form"]
    assert hq_user in form.fields["leader"].queryset
    assert hq_user not in xinhui_client.get("/duty/shifts/add/").context["form"].fields["leader"].queryset
    data = {
        "post": mine.pk,
        "starts_at": timezone.localtime(on_roster.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(on_roster.ends_at).strftime("%Y-%m-%d %H:%M"),
        "leader": hq_user.pk,
        "officers": [officer.pk],
        "notes": "补充说明",
    }
    assert xinhui_client.post(f"/duty/shifts/{on_roster.pk}/edit/", data).status_code == 302
    on_roster.refresh_from_db()
    assert on_roster.leader == hq_user and on_roster.notes == "补充说明"
