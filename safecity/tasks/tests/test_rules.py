"""Who may take which step (rules.STEP_SIDES): the responsible side does and reports the work, the
supervising side assigns, cancels and re-opens; a refused step says why and changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory, make_user
from safecity.tasks import rules, services
from safecity.tasks.choices import TaskStatus
from safecity.tasks.models import Task

CALLS = {
    "start": lambda actor, task: services.task_start(actor=actor, task=task),
    "feedback": lambda actor, task: services.task_feedback(actor=actor, task=task, text="已部署", percent=30),
    "complete": lambda actor, task: services.task_complete(actor=actor, task=task, result="已完成"),
    "assign": lambda actor, task: services.task_assign(
        actor=actor,
        task=task,
        responsible_organization=task.responsible_organization,
        responsible_person=task.responsible_person,
        deadline=task.deadline + timedelta(days=3),
    ),
    "cancel": lambda actor, task: services.task_cancel(actor=actor, task=task, reason="与专项检查合并"),
    "reopen": lambda actor, task: services.task_reopen(actor=actor, task=task, reason="结果不完整，退回"),
}
RESPONSIBLE, SUPERVISING, NOBODY = ("person", "staff"), ("supervisor", "creator", "hq"), ("outsider",)


@pytest.fixture
def people(city, hq_user):
    bureau = OrganizationFactory(name="新会区应急管理局", region=city["xinhui"])
    xinhui = city["xinhui"].code
    return {
        "bureau": bureau,
        "person": make_user("person", Role.COUNTY_STAFF, xinhui),
        "staff": make_user("staff", Role.COUNTY_STAFF, xinhui, department=bureau),
        "supervisor": make_user("supervisor", Role.COUNTY_STAFF, xinhui),
        "creator": make_user("creator", Role.COUNTY_STAFF, xinhui),
        "hq": hq_user,
        "outsider": make_user("outsider", Role.COUNTY_STAFF, xinhui),
    }


def _task(people, *, person=True, organization=None) -> Task:
    return services.task_create(
        actor=people["creator"],
        task=Task(
            title="排查城中村消防通道",
            responsible_organization=organization or people["bureau"],
            responsible_person=people["person"] if person else None,
            supervisor=people["supervisor"],
            deadline=timezone.localdate() + timedelta(days=5),
        ),
    )


def _ready(task, step, people) -> Task:
    """Bring the task to a status the step may start from (re-open: a task reported done)."""
    if step == "reopen":
        services.task_complete(actor=people["person"], task=task, result="已完成")
    return task


def test_the_table_names_a_side_and_a_reason_for_every_step():
    assert set(rules.STEP_SIDES) == set(rules.TRANSITIONS) | {"edit", "archive"} == set(rules.REFUSALS)
    assert set(rules.STAND_IN_STEPS) <= {s for s, sides in rules.STEP_SIDES.items() if rules.RESPONSIBLE in sides}


@pytest.mark.parametrize("step", list(rules.TRANSITIONS))
def test_each_step_is_taken_by_its_side_and_refused_to_the_others(people, step):
    sides = rules.STEP_SIDES[step]
    allowed = (RESPONSIBLE if rules.RESPONSIBLE in sides else ()) + (SUPERVISING if rules.SUPERVISING in sides else ())
    for who in (*RESPONSIBLE, *SUPERVISING, *NOBODY):
        task = _ready(_task(people), step, people)
        status, steps = task.status, task.history.count()
        if who in allowed:
            CALLS[step](people[who], task)
            task.refresh_from_db()
            assert task.history.count() > steps, (step, who)
        else:
            with pytest.raises(services.StepRefused) as exc:
                CALLS[step](people[who], task)
            assert exc.value.message == str(rules.REFUSALS[step]), (step, who)
            task.refresh_from_db()
            assert (task.status, task.history.count()) == (status, steps), (step, who)


def test_the_supervising_side_stands_in_only_for_a_unit_with_nobody_in_safecity(people, city):
    empty_unit = OrganizationFactory(name="新会区水利局", region=city["xinhui"])
    task = _task(people, person=False, organization=empty_unit)
    services.task_start(actor=people["supervisor"], task=task)
    services.task_feedback(actor=people["creator"], task=task, text="已制定整改方案", percent=50)
    services.task_complete(actor=people["hq"], task=task, result="已整改到位")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    with pytest.raises(services.StepRefused):
        services.task_reopen(actor=people["outsider"], task=task, reason="退回")
    # a unit with staff in SafeCity reports its own work
    staffed = _task(people, person=False)
    with pytest.raises(services.StepRefused):
        services.task_start(actor=people["supervisor"], task=staffed)
    services.task_start(actor=people["staff"], task=staffed)


def test_the_status_is_checked_before_the_side(people):
    task = _task(people)
    with pytest.raises(ValidationError) as exc:
        services.task_reopen(actor=people["person"], task=task, reason="退回")
    assert exc.value.code == "wrong_status"


def test_a_refused_step_through_the_api_is_403_with_the_reason_and_changes_nothing(client, people):
    task = _task(people)
    client.force_login(people["person"])
    refused = client.post(f"/api/tasks/{task.pk}/cancel/", {"reason": "不想做"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == str(rules.REFUSALS["cancel"])
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.history.count() == 1
    client.force_login(people["outsider"])
    assert client.post(f"/api/tasks/{task.pk}/start/", content_type="application/json").status_code == 403
    client.force_login(people["supervisor"])
    done = client.post(f"/api/tasks/{task.pk}/cancel/", {"reason": "合并"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_a_refused_step_on_the_page_is_403_with_the_reason_and_the_buttons_are_hidden(client, people):
    task = _task(people)
    client.force_login(people["outsider"])
    page = client.get(task.get_absolute_url())
    assert page.context["steps"] == []
    url = reverse("tasks:task_step", kwargs={"pk": task.pk, "step": "complete"})
    refused = client.post(url, {"result": "已完成"})
    assert refused.status_code == 403
    assert str(rules.REFUSALS["complete"]) in refused.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_only_the_supervising_side_may_change_or_archive_the_task_on_the_page_and_through_the_api(client, people):
    task = _task(people)
    edit = reverse("tasks:task_edit", kwargs={"pk": task.pk})
    archive = reverse("tasks:task_archive", kwargs={"pk": task.pk})
    client.force_login(people["person"])
    page = client.get(task.get_absolute_url())
    assert page.context["edit_url"] is None and page.context["archive_url"] is None
    refused = client.get(edit)
    assert refused.status_code == 403 and refused.context["exception"] == str(rules.REFUSALS["edit"])
    assert 'data-testid="refused"' in refused.content.decode()  # the site's page, with the reason
    assert client.post(archive).status_code == 403
    patched = client.patch(
        f"/api/tasks/{task.pk}/", {"supervisor": people["person"].pk}, content_type="application/json"
    )
    assert patched.status_code == 403 and patched.json()["detail"] == str(rules.REFUSALS["edit"])
    assert client.delete(f"/api/tasks/{task.pk}/").status_code == 403
    task.refresh_from_db()
    assert task.supervisor == people["supervisor"] and task.archived_at is None and task.history.count() == 1
    client.force_login(people["supervisor"])
    assert client.get(task.get_absolute_url()).context["edit_url"] == edit
    assert client.get(edit).status_code == 200
    moved = client.patch(
        f"/api/tasks/{task.pk}/", {"title": "排查城中村消防通道（扩大范围）"}, content_type="application/json"
    )
    assert moved.status_code == 200
    assert client.delete(f"/api/tasks/{task.pk}/").status_code == 204
