"""The home page: the user's own pending work ("My work") first, then each work area's big numbers, from the
user's own scope."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory, make_user
from safecity.followup import services as followup_services
from safecity.followup.choices import FollowUpResult
from safecity.followup.factories import make_plan, system_actor
from safecity.hazards.choices import HazardStatus
from safecity.hazards.factories import HazardFactory
from safecity.incidents.factories import file_accident
from safecity.tasks.factories import TaskFactory


def test_home_shows_open_incidents_and_overdue_reports_of_the_users_scope_only(client, xinhui_user, taishan_user, city):
    file_accident(xinhui_user, city["dazhe"], dead=12, occurred_at=timezone.now() - timedelta(hours=6))
    client.force_login(xinhui_user)
    stats = {s.label: s for group in client.get("/").context["area_stats"] for s in group["stats"]}
    assert stats["处置中事件"].value == 1
    assert stats["重大以上事件"].value == 1 and stats["重大以上事件"].alert
    assert stats["超时报告"].value >= 1
    client.force_login(taishan_user)
    stats = {s.label: s for group in client.get("/").context["area_stats"] for s in group["stats"]}
    assert stats["处置中事件"].value == 0 and not stats["超时报告"].alert


# ---- "My work": the user's own pending work, first on the page ---------------------------------


TODAY = timezone.localdate


@pytest.fixture
def grid_worker(city):
    return make_user("gw-wuhe", Role.GRID_WORKER, city["village"].code, full_name="五和村网格员")


def _todos(client, user):
    client.force_login(user)
    return client.get("/").context["todos"]


def test_a_grid_worker_sees_todays_followups_not_yet_recorded_first_linking_to_the_today_page(
    client, grid_worker, city
):
    plans = [make_plan(region=city["village"], start=TODAY()) for _ in range(3)]
    assert all(p.assigned_to == grid_worker for p in plans)
    followup_services.followup_record(actor=system_actor(), plan=plans[0], result=FollowUpResult.WELL)
    client.force_login(grid_worker)
    response = client.get("/")
    first = response.context["todos"][0]
    assert (first.count, first.late, first.url) == (2, 0, reverse("followup:today"))
    page = response.content.decode()
    # First on the page: "My work" comes before the big numbers, and its first link is the today page.
    assert page.index('data-testid="my-work"') < page.index('data-testid="area-stats"')
    first_link = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="todo"', page)
    assert first_link.group(1) == reverse("followup:today")


def test_a_grid_worker_with_days_left_unrecorded_sees_them_late(client, grid_worker, city):
    make_plan(region=city["village"], start=TODAY() - timedelta(days=3))
    followups = _todos(client, grid_worker)[0]
    assert (followups.count, followups.late) == (1, 1)


def test_a_user_with_nothing_pending_sees_one_line_saying_so(client, taishan_user):
    client.force_login(taishan_user)
    response = client.get("/")
    assert response.context["todos"] == []
    page = response.content.decode()
    assert 'data-testid="todo-empty"' in page and 'data-testid="todo"' not in page


def test_a_late_task_shows_late_in_words_and_links_to_the_overdue_tab(client, xinhui_user, city):
    unit = OrganizationFactory(region=city["xinhui"])
    TaskFactory(responsible_organization=unit, region=city["xinhui"], responsible_person=xinhui_user)
    TaskFactory(
        responsible_organization=unit,
        region=city["xinhui"],
        responsible_person=xinhui_user,
        deadline=TODAY() - timedelta(days=2),
    )
    client.force_login(xinhui_user)
    response = client.get("/")
    tasks = next(t for t in response.context["todos"] if t.url.startswith(reverse("tasks:my_tasks")))
    assert (tasks.count, tasks.late) == (2, 1)
    assert tasks.url == reverse("tasks:my_tasks") + "?show=overdue"
    badge = re.search(r'data-testid="todo-late">([^<]+)<', response.content.decode()).group(1)
    with override(response.wsgi_request.LANGUAGE_CODE):
        assert badge == gettext("%(n)s overdue") % {"n": 1}  # a word, not only red
    assert re.search(r"\w", badge.replace("1", ""))


def test_a_county_users_items_never_count_another_countys_records(client, xinhui_user, taishan_user, city):
    file_accident(taishan_user, city["dajiang"], dead=3, occurred_at=timezone.now() - timedelta(hours=6))
    HazardFactory(target__region=city["dajiang"], status=HazardStatus.RECTIFIED)
    HazardFactory(
        target__region=city["dajiang"], status=HazardStatus.ASSIGNED, responsible_person=xinhui_user, deadline=TODAY()
    )
    assert _todos(client, xinhui_user) == []
    labels = {str(t.label): t for t in _todos(client, taishan_user)}
    assert labels[gettext("Reports due")].count >= 1 and labels[gettext("Reports due")].late >= 1
    assert labels[gettext("Rectifications to re-inspect")].count == 1


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_home_page_query_count_stays_small_and_does_not_grow_with_rows(
    client, grid_worker, xinhui_user, city, django_assert_max_num_queries
):
    unit = OrganizationFactory(region=city["xinhui"])

    def add_rows():
        make_plan(region=city["village"], start=TODAY() - timedelta(days=2))
        TaskFactory(
            responsible_organization=unit,
            region=city["xinhui"],
            responsible_person=xinhui_user,
            deadline=TODAY() - timedelta(days=1),
        )
        HazardFactory(
            target__region=city["dazhe"],
            status=HazardStatus.RECTIFYING,
            responsible_person=xinhui_user,
            deadline=TODAY() - timedelta(days=1),
        )
        HazardFactory(target__region=city["dazhe"], status=HazardStatus.RECTIFIED)

    add_rows()
    few = {u.pk: _home_queries(client, u) for u in (grid_worker, xinhui_user)}
    for _ in range(5):
        add_rows()
    file_accident(xinhui_user, city["dazhe"], dead=12, occurred_at=timezone.now() - timedelta(hours=6))
    many = {u.pk: _home_queries(client, u) for u in (grid_worker, xinhui_user)}
    assert many[grid_worker.pk] == few[grid_worker.pk]
    assert many[xinhui_user.pk] <= few[xinhui_user.pk] + 1  # + the report deadlines, once there is an incident
    todos = {str(t.label): t for t in _todos(client, xinhui_user)}
    assert todos[gettext("Hazards to rectify")].late == 6
    client.force_login(xinhui_user)
    with django_assert_max_num_queries(60):
        client.get("/")
