"""The coverage check: every hour without a duty officer and every day without a leader on shift, named exactly."""

from datetime import date, timedelta

import pytest

from safecity.duty import rules
from safecity.duty.selectors import coverage, month_period

from .factories import at, person, post_in, shift


@pytest.fixture
def officer(city):
    return person("officer-a", city["xinhui"], full_name="值班员甲")


@pytest.fixture
def leader(city):
    return person("leader-a", city["xinhui"], full_name="带班领导甲")


def test_a_shift_ending_at_20_and_the_next_starting_at_22_leaves_20_to_22_uncovered(post, officer, leader):
    shift(post, at("2026-12-03 08:00"), hours=12, leader=leader, officers=[officer])
    shift(post, at("2026-12-03 22:00"), hours=10, leader=leader, officers=[officer])
    check = coverage(post, at("2026-12-03 08:00"), at("2026-12-04 08:00"))
    assert check.uncovered == [(at("2026-12-03 20:00"), at("2026-12-03 22:00"))]
    assert check.uncovered_duration == timedelta(hours=2)


def test_a_day_without_a_leader_on_shift_is_listed(post, officer, leader):
    shift(post, at("2026-12-01 08:30"), leader=leader, officers=[officer])
    shift(post, at("2026-12-02 08:30"), leader=None, officers=[officer])
    shift(post, at("2026-12-03 08:30"), leader=leader, officers=[officer])
    check = coverage(post, at("2026-12-01 08:30"), at("2026-12-04 08:30"))
    assert check.uncovered == []
    assert check.days_without_leader == [date(2026, 12, 2)]


def test_a_shift_without_a_duty_officer_does_not_cover_its_hours(post, leader):
    shift(post, at("2026-12-01 08:30"), leader=leader, officers=[])
    check = coverage(post, at("2026-12-01 08:30"), at("2026-12-02 08:30"))
    assert check.uncovered == [(at("2026-12-01 08:30"), at("2026-12-02 08:30"))]
    assert check.days_without_leader == []


def test_overlapping_and_touching_shifts_merge_and_archived_shifts_do_not_count(post, officer, leader):
    shift(post, at("2026-12-01 08:30"), hours=14, leader=leader, officers=[officer])
    shift(post, at("2026-12-01 20:00"), hours=12.5, officers=[officer])
    gone = shift(post, at("2026-12-02 08:30"), leader=leader, officers=[officer])
    gone.archive()
    gone.save()
    check = coverage(post, at("2026-12-01 08:30"), at("2026-12-03 08:30"))
    assert check.uncovered == [(at("2026-12-02 08:30"), at("2026-12-03 08:30"))]
    assert check.days_without_leader == [date(2026, 12, 2)]


def test_an_empty_roster_is_uncovered_from_start_to_end_with_every_day_listed(post):
    start, end = month_period(post, 2027, 2)
    check = coverage(post, start, end)
    assert check.uncovered == [(at("2027-02-01 08:30"), at("2027-03-01 08:30"))]
    assert check.days_without_leader == [date(2027, 2, d) for d in range(1, 29)]


def test_the_month_runs_from_the_first_shift_start_to_the_next_months(post):
    assert month_period(post, 2026, 12) == (at("2026-12-01 08:30"), at("2027-01-01 08:30"))


def test_the_standard_shift_is_data_and_can_be_overridden(post, settings):
    assert rules.shift_pattern(post.kind).start.strftime("%H:%M") == "08:30"
    assert rules.shift_pattern(post.kind).length == timedelta(hours=24)
    assert (rules.STANDARD_SHIFT.leaders, rules.STANDARD_SHIFT.min_officers, rules.STANDARD_SHIFT.max_officers) == (
        1,
        1,
        2,
    )
    settings.SAFECITY_DUTY = {"SHIFT_START": "09:00"}
    assert month_period(post, 2026, 12)[0] == at("2026-12-01 09:00")


def test_a_full_month_is_computed_with_a_constant_number_of_queries(post, officer, leader, django_assert_num_queries):
    for day in range(1, 32):
        shift(post, at(f"2026-12-{day:02d} 08:30"), leader=leader, officers=[officer])
    with django_assert_num_queries(1):
        check = coverage(post, *month_period(post, 2026, 12))
    assert check.ok


def test_the_roster_page_names_the_uncovered_hours_and_the_day_without_a_leader(hq_client, city, officer, leader):
    post = post_in(city["xinhui"])
    for day in range(1, 32):
        hours = 11.5 if day == 3 else 24  # 3 December ends at 20:00: 20:00–08:30 uncovered
        shift(
            post, at(f"2026-12-{day:02d} 08:30"), hours=hours, leader=None if day == 9 else leader, officers=[officer]
        )
    page = hq_client.get(f"/duty/dutyposts/{post.pk}/roster/", {"month": "2026-12"})
    assert page.status_code == 200
    html = page.content.decode()
    check = page.context["coverage"]
    assert check.uncovered == [(at("2026-12-03 20:00"), at("2026-12-04 08:30"))]
    assert check.days_without_leader == [date(2026, 12, 9)]
    assert "2026-12-03 20:00 – 2026-12-04 08:30" in html
    assert "2026-12-09" in html
    day3 = next(c for w in page.context["weeks"] for c in w if c["day"] == date(2026, 12, 3))
    assert [(g["start"], g["end"]) for g in day3["gaps"]] == [(at("2026-12-03 20:00"), at("2026-12-04 08:30"))]


def test_coverage_is_an_api_field_by_month(hq_client, city, officer, leader):
    post = post_in(city["xinhui"])
    shift(post, at("2026-12-01 08:30"), hours=10, leader=leader, officers=[officer])
    data = hq_client.get(f"/api/duty-posts/{post.pk}/coverage/", {"month": "2026-12"}).json()
    assert data["ok"] is False
    assert data["uncovered"][0] == {
        "start": "2026-12-01T18:30:00+08:00",
        "end": "2027-01-01T08:30:00+08:00",
        "minutes": (31 * 24 - 10) * 60,
    }
    assert data["days_without_leader"][:2] == ["2026-12-02", "2026-12-03"]
    assert hq_client.get(f"/api/duty-posts/{post.pk}/coverage/", {"month": "2026-13"}).status_code == 400
    by_period = hq_client.get(
        f"/api/duty-posts/{post.pk}/coverage/", {"start": "2026-12-01T08:30", "end": "2026-12-01T20:00"}
    ).json()
    assert by_period["uncovered"] == [
        {"start": "2026-12-01T18:30:00+08:00", "end": "2026-12-01T20:00:00+08:00", "minutes": 90}
    ]
