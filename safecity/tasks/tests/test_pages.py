"""Task pages and API steps: what the user may do now, refusals shown with the reason and nothing changed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory, make_user
from safecity.tasks import services
from safecity.tasks.choices import TaskStatus
from safecity.tasks.models import Task


@pytest.fixture
def bureau(city):
    return OrganizationFactory(name="新会区应急管理局", region=city["xinhui"])


@pytest.fixture
def task(hq_user, bureau, xinhui_user):
    return services.task_create(
        actor=hq_user,
        task=Task(
            title="排查城中村消防通道",
            responsible_organization=bureau,
            responsible_person=xinhui_user,
            deadline=timezone.localdate() + timedelta(days=5),
        ),
    )


def step_url(task, step):
    return reverse("tasks:task_step", kwargs={"pk": task.pk, "step": step})


def test_the_detail_page_offers_only_the_steps_allowed_now_to_the_users_side(xinhui_client, hq_user, task):
    from django.test import Client

    client = Client()
    page = xinhui_client.get(task.get_absolute_url())  # the responsible person
    names = [s["name"] for s in page.context["steps"]]
    assert names == ["start", "feedback", "complete"]
    html = page.content.decode()
    for field in ('name="result"', 'name="percent"', 'name="attachment"'):
        assert field in html, field
    assert 'name="reason"' not in html and 'name="deadline"' not in html
    client.force_login(hq_user)  # the supervisor
    page = client.get(task.get_absolute_url())
    assert [s["name"] for s in page.context["steps"]] == ["assign", "cancel"]
    for field in ('name="reason"', 'name="deadline"'):
        assert field in page.content.decode(), field
    services.task_complete(actor=task.responsible_person, task=task, result="已完成")
    assert [s["name"] for s in client.get(task.get_absolute_url()).context["steps"]] == ["reopen"]
    assert [s["name"] for s in xinhui_client.get(task.get_absolute_url()).context["steps"]] == []


def test_completing_on_the_page_without_a_result_is_400_with_the_field_error_and_changes_nothing(xinhui_client, task):
    response = xinhui_client.post(step_url(task, "complete"), {"result": "", "evidence": "照片见附件"})
    assert response.status_code == 400
    form = next(s["form"] for s in response.context["steps"] if s["name"] == "complete")
    assert "result" in form.errors
    assert form["evidence"].value() == "照片见附件"  # what the user typed is kept
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_refused_document_on_the_page_is_named_and_nothing_is_stored(xinhui_client, task, settings):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("整改报告.docx", b"not really a word file")
    response = xinhui_client.post(step_url(task, "complete"), {"result": "已整改", "attachment": fake})
    assert response.status_code == 400
    assert "整改报告.docx" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_the_steps_on_the_page_drive_the_task_to_done(xinhui_client, task):
    assert xinhui_client.post(step_url(task, "start")).status_code == 302
    assert xinhui_client.post(step_url(task, "feedback"), {"text": "已排查12处", "percent": 40}).status_code == 302
    assert xinhui_client.post(step_url(task, "complete"), {"result": "全部排查完毕"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = xinhui_client.get(task.get_absolute_url())
    labels = [str(e["label"]) for e in page.context["timeline"]]
    assert len(labels) == 4  # created, started, the progress report, done


def test_another_countys_task_steps_are_404(client, task, taishan_user):
    client.force_login(taishan_user)
    assert client.post(step_url(task, "start")).status_code == 404


def test_my_tasks_shows_tasks_of_me_and_my_unit_only(client, city, task, bureau, hq_user):
    colleague = make_user("colleague", Role.COUNTY_STAFF, city["xinhui"].code, department=bureau)
    other_unit = OrganizationFactory(region=city["xinhui"])
    someone_elses = services.task_create(
        actor=hq_user,
        task=Task(title="别的单位的任务", responsible_organization=other_unit, deadline=timezone.localdate()),
    )
    client.force_login(colleague)
    page = client.get(reverse("tasks:my_tasks"))
    pks = {row.record.pk for row in page.context["table"].paginated_rows}
    assert task.pk in pks and someone_elses.pk not in pks


def test_the_list_filters_overdue_and_source_kind(xinhui_client, task, hq_user, bureau):
    late = services.task_create(
        actor=hq_user,
        task=Task(title="逾期任务", responsible_organization=bureau, deadline=timezone.localdate() - timedelta(days=2)),
    )
    page = xinhui_client.get(reverse("tasks:task_list"), {"overdue": "true"})
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [late.pk]
    page = xinhui_client.get(reverse("tasks:task_list"), {"source": "plans.drillproblem"})
    assert page.context["table"].paginator.count == 0
    page = xinhui_client.get(reverse("tasks:task_list"), {"source": "manual"})
    assert page.context["table"].paginator.count == 2


def test_api_steps_refuse_with_400_and_change_nothing(xinhui_client, client, hq_user, task):
    url = f"/api/tasks/{task.pk}/"
    refused = xinhui_client.post(f"{url}complete/", {"result": ""}, content_type="application/json")
    assert refused.status_code == 400 and "result" in refused.json()
    done = xinhui_client.post(f"{url}complete/", {"result": "已完成"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = xinhui_client.post(f"{url}start/", content_type="application/json")
    assert again.status_code == 400
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    client.force_login(hq_user)  # re-opening is the supervisor's
    reopened = client.post(f"{url}reopen/", {"reason": "退回"}, content_type="application/json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


def test_the_home_page_counts_open_and_overdue_tasks(xinhui_client, task, hq_user, bureau):
    services.task_create(
        actor=hq_user,
        task=Task(title="逾期任务", responsible_organization=bureau, deadline=timezone.localdate() - timedelta(days=1)),
    )
    from django.utils import translation

    from safecity.core.dashboard import stats_for

    user = xinhui_client.get("/").wsgi_request.user
    with translation.override("en"):
        stats = {str(s.label): (s.value, s.alert) for group in stats_for(user) for s in group["stats"]}
    assert stats["Tasks open"] == (2, False)
    assert stats["Tasks overdue"] == (1, True)


def test_api_assign_offers_only_units_and_people_in_the_users_area(xinhui_client, task, city, xinhui_user):
    Task.objects.filter(pk=task.pk).update(supervisor=xinhui_user)  # the county supervises it
    taishan_bureau = OrganizationFactory(name="台山市应急管理局", region=city["taishan"])
    taishan_officer = make_user("county-taishan-2", Role.COUNTY_STAFF, city["taishan"].code)
    url = f"/api/tasks/{task.pk}/assign/"
    refused = xinhui_client.post(url, {"responsible_organization": taishan_bureau.pk}, content_type="application/json")
    assert refused.status_code == 400 and "responsible_organization" in refused.json()
    bureau = task.responsible_organization
    payload = {"responsible_organization": bureau.pk, "responsible_person": taishan_officer.pk}
    refused = xinhui_client.post(url, payload, content_type="application/json")
    assert refused.status_code == 400 and "responsible_person" in refused.json()
    task.refresh_from_db()
    assert task.responsible_organization == bureau
