"""Who is on duty now, and which post answers for a region."""

from datetime import timedelta

from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.duty.choices import DutyPostKind
from safecity.duty.selectors import OnDuty, on_duty, responsible_post

from .factories import at, person, post_in, shift


def test_on_duty_names_the_shift_its_leader_and_officers(city):
    post = post_in(city["xinhui"])
    a, b = person("a", city["xinhui"], full_name="甲"), person("b", city["xinhui"], full_name="乙")
    leader = person("l", city["xinhui"], role=Role.LEADER_ON_SHIFT)
    current = shift(post, at("2026-12-03 08:30"), leader=leader, officers=[a, b])
    now = on_duty(post, at("2026-12-04 03:00"))
    assert isinstance(now, OnDuty) and now
    assert (now.shift, now.leader, now.officers) == (current, leader, [a, b])


def test_nobody_on_duty_is_an_empty_answer(city):
    post = post_in(city["xinhui"])
    shift(post, at("2026-12-03 08:30"), hours=10, officers=[person("a", city["xinhui"])])
    now = on_duty(post, at("2026-12-03 20:00"))
    assert not now
    assert (now.shift, now.leader, now.officers) == (None, None, [])


def test_overlapping_shifts_list_everyone_and_the_leader(city):
    post = post_in(city["xinhui"])
    a, b = person("a", city["xinhui"]), person("b", city["xinhui"])
    leader = person("l", city["xinhui"])
    shift(post, at("2026-12-03 08:30"), leader=leader, officers=[a])
    reinforcement = shift(post, at("2026-12-03 18:00"), hours=6, officers=[b])
    now = on_duty(post, at("2026-12-03 19:00"))
    assert now.shift == reinforcement and now.leader == leader and now.officers == [b, a]


def test_the_responsible_post_is_the_nearest_territorial_room(city):
    city_room = post_in(city["city"], kind=DutyPostKind.CITY_ROOM, name="市总值班室")
    county_room = post_in(city["xinhui"], kind=DutyPostKind.COUNTY_ROOM)
    post_in(city["xinhui"], kind=DutyPostKind.DEPARTMENT_ROOM, name="新会区卫健局值班室")
    assert responsible_post(city["grid"]) == county_room
    assert responsible_post(city["xinhui"]) == county_room
    assert responsible_post(city["taishan_village"]) == city_room
    assert responsible_post(city["city"]) == city_room
    town_room = post_in(city["dazhe"], kind=DutyPostKind.TOWN_ROOM)
    assert responsible_post(city["village"]) == town_room
    county_room.archive()
    county_room.save()
    assert responsible_post(city["huicheng"]) == city_room


def test_a_department_room_answers_only_where_no_territorial_room_exists(city):
    department = post_in(city["taishan"], kind=DutyPostKind.DEPARTMENT_ROOM, name="台山市应急局值班室")
    assert responsible_post(city["dajiang"]) == department
    assert responsible_post(None) is None


def test_on_duty_in_the_api(client, city, hq_user):
    post = post_in(city["xinhui"])
    a = person("a", city["xinhui"], full_name="甲")
    current = shift(post, timezone.now() - timedelta(hours=1), officers=[a])
    client.force_login(hq_user)
    data = client.get(f"/api/duty-posts/{post.pk}/on-duty/").json()
    assert data["shift"] == current.pk and data["officers"] == [{"id": a.pk, "name": "甲"}] and data["leader"] is None
    later = client.get(f"/api/duty-posts/{post.pk}/on-duty/", {"at": (timezone.now() + timedelta(days=2)).isoformat()})
    assert later.json()["shift"] is None


def test_the_home_page_shows_who_is_on_duty_at_the_users_post(client, city, xinhui_user, hq_user):
    county_room = post_in(city["xinhui"])
    city_room = post_in(city["city"], kind=DutyPostKind.CITY_ROOM, name="市总值班室")
    a = person("a", city["xinhui"], full_name="值班员甲")
    shift(county_room, timezone.now() - timedelta(hours=1), hours=5, officers=[a])
    client.force_login(xinhui_user)
    page = client.get("/")
    [card] = page.context["on_duty_cards"]
    assert card.post == county_room and card.on_duty.officers == [a]
    html = page.content.decode()
    assert 'data-testid="on-duty-officers">值班员甲' in html
    assert card.gaps_ahead, "the shift ends in 4 hours and nobody follows"
    client.force_login(hq_user)
    [card] = client.get("/").context["on_duty_cards"]
    assert card.post == city_room and not card.on_duty
