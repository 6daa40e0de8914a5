"""The task loop (督办): transitions only as the table allows, results required, overdue alerts once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory, make_user
from safecity.core.models import Notification
from safecity.tasks import services
from safecity.tasks.choices import TaskStatus
from safecity.tasks.models import Task


@pytest.fixture
def bureau(city):
    return OrganizationFactory(name="新会区应急管理局", region=city["xinhui"])


@pytest.fixture
def doer(city, bureau):
    return make_user("doer", Role.COUNTY_STAFF, city["xinhui"].code, full_name="经办人", department=bureau)


def _create(actor, bureau, person=None, days=7, **fields):
    task = Task(
        title=fields.pop("title", "完善防台风转移安置点台账"),
        responsible_organization=bureau,
        responsible_person=person,
        deadline=timezone.localdate() + timedelta(days=days),
        **fields,
    )
    return services.task_create(actor=actor, task=task)


def test_a_task_lives_in_its_responsible_units_region(hq_user, bureau, city):
    task = _create(hq_user, bureau)
    assert task.region == city["xinhui"]
    assert task.status == TaskStatus.OPEN
    assert task.supervisor == hq_user


def test_a_city_task_for_a_county_bureau_is_seen_by_the_county_and_not_by_another(
    hq_user, bureau, xinhui_user, taishan_user
):
    task = _create(hq_user, bureau)
    assert Task.objects.restrict(xinhui_user, "view").filter(pk=task.pk).exists()
    assert not Task.objects.restrict(taishan_user, "view").filter(pk=task.pk).exists()


def test_the_full_loop_is_every_step_in_history(hq_user, bureau, doer):
    task = _create(hq_user, bureau, person=doer)
    services.task_start(actor=doer, task=task)
    services.task_feedback(actor=doer, task=task, text="已完成一半安置点核查", percent=50)
    services.task_complete(actor=doer, task=task, result="32个安置点台账已更新", evidence="台账已上传")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.progress == 100 and task.completed_by == doer
    reasons = list(task.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["created", "started", "feedback", "done"]
    assert task.feedback.get().percent == 50


def test_assignment_notifies_the_responsible_person_once(hq_user, bureau, doer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = _create(hq_user, bureau, person=doer)
    assert Notification.objects.filter(recipient=doer, target_id=task.pk).count() == 1


def test_a_responsible_person_who_cannot_see_the_task_is_refused_and_nothing_is_saved(hq_user, bureau, taishan_user):
    before = Task.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(hq_user, bureau, person=taishan_user)
    assert "responsible_person" in exc.value.message_dict
    assert Task.objects.count() == before


def test_done_cannot_go_back_to_in_progress_except_by_reopening(hq_user, bureau, doer):
    task = _create(hq_user, bureau, person=doer)
    services.task_complete(actor=doer, task=task, result="已完成")
    for step in (services.task_start,):
        with pytest.raises(ValidationError) as exc:
            step(actor=doer, task=task)
        assert exc.value.code == "wrong_status"
    with pytest.raises(ValidationError):
        services.task_feedback(actor=doer, task=task, text="再补充", percent=90)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    services.task_reopen(actor=hq_user, task=task, reason="台账不完整，退回补充")
    task.refresh_from_db()
    # worked on before it was reported done: back to in progress, the old result only in the history
    assert task.status == TaskStatus.IN_PROGRESS and task.reopened_count == 1 and task.result == ""
    services.task_feedback(actor=doer, task=task, text="补充完善台账", percent=80)
    assert task.history.filter(result="已完成").exists()


def test_a_cancelled_task_never_started_reopens_as_open(hq_user, bureau):
    task = _create(hq_user, bureau)
    services.task_cancel(actor=hq_user, task=task, reason="重复下达")
    services.task_reopen(actor=hq_user, task=task, reason="仍需落实")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.cancel_reason == ""


def test_reopening_needs_a_reason_and_only_finished_tasks_reopen(hq_user, bureau):
    task = _create(hq_user, bureau)
    with pytest.raises(ValidationError):
        services.task_reopen(actor=hq_user, task=task, reason="理由")
    services.task_cancel(actor=hq_user, task=task, reason="任务合并")
    with pytest.raises(ValidationError):
        services.task_reopen(actor=hq_user, task=task, reason="  ")


def test_completing_without_a_result_is_refused_and_changes_nothing(hq_user, bureau, doer):
    task = _create(hq_user, bureau, person=doer)
    with pytest.raises(ValidationError) as exc:
        services.task_complete(actor=doer, task=task, result="   ")
    assert "result" in exc.value.message_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.completed_at is None
    assert task.history.count() == 1


def test_cancelling_needs_a_reason(hq_user, bureau):
    task = _create(hq_user, bureau)
    with pytest.raises(ValidationError):
        services.task_cancel(actor=hq_user, task=task, reason="")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_feedback_on_an_open_task_starts_it_and_percent_must_be_0_to_100(hq_user, bureau, doer):
    task = _create(hq_user, bureau, person=doer)
    with pytest.raises(ValidationError) as exc:
        services.task_feedback(actor=doer, task=task, text="进展", percent=120)
    assert "percent" in exc.value.message_dict
    services.task_feedback(actor=doer, task=task, text="已部署", percent=10)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.started_at is not None and task.progress == 10


def test_evidence_that_is_not_a_document_is_refused_and_nothing_is_stored(hq_user, bureau, doer, settings):
    from pathlib import Path

    task = _create(hq_user, bureau, person=doer)
    fake = SimpleUploadedFile("证明材料.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as exc:
        services.task_complete(actor=doer, task=task, result="已完成", attachment=fake)
    assert "证明材料.pdf" in exc.value.messages[0]
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not task.evidence_file
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_pdf_evidence_is_stored_under_a_random_name_and_downloaded_by_the_county_only(
    hq_user, bureau, doer, client, xinhui_user, taishan_user
):
    task = _create(hq_user, bureau, person=doer)
    pdf = SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    services.task_complete(actor=doer, task=task, result="已完成", attachment=pdf)
    task.refresh_from_db()
    assert task.evidence_filename == "验收报告.pdf" and "验收报告" not in task.evidence_file.name
    client.force_login(xinhui_user)
    response = client.get(f"/tasks/tasks/{task.pk}/evidence/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(taishan_user)
    assert client.get(f"/tasks/tasks/{task.pk}/evidence/").status_code == 404


def test_the_overdue_sweep_notifies_once_and_escalates_once_after_the_grace_period(hq_user, bureau, doer):
    task = _create(hq_user, bureau, person=doer, days=-1)
    today = timezone.localdate()
    first = services.sweep_overdue(today=today)
    assert first == {"notified": 1, "escalated": 0}
    later = today + timedelta(days=2)
    assert services.sweep_overdue(today=later) == {"notified": 0, "escalated": 1}
    assert services.sweep_overdue(today=later) == {"notified": 0, "escalated": 0}
    assert (
        Notification.objects.filter(recipient=doer, target_id=task.pk, dedupe_key__startswith="task-overdue").count()
        == 1
    )
    assert Notification.objects.filter(recipient=hq_user, dedupe_key__startswith="task-escalated").count() == 1


def test_without_a_responsible_person_the_units_staff_are_told(hq_user, bureau, doer):
    _create(hq_user, bureau, days=-1)
    assert services.sweep_overdue()["notified"] == 1
    assert Notification.objects.filter(recipient=doer, dedupe_key__startswith="task-overdue").exists()


def test_done_and_cancelled_tasks_are_never_overdue(hq_user, bureau, doer):
    done = _create(hq_user, bureau, person=doer, days=-3)
    services.task_complete(actor=doer, task=done, result="已完成")
    cancelled = _create(hq_user, bureau, person=doer, days=-3)
    services.task_cancel(actor=hq_user, task=cancelled, reason="不再需要")
    assert not Task.objects.overdue().exists()
    assert services.sweep_overdue() == {"notified": 0, "escalated": 0}


def test_the_sweep_is_registered_as_a_periodic_job():
    from safecity.core.jobs import beat_schedule

    assert beat_schedule()["tasks.sweep-overdue"]["task"] == "safecity.tasks.tasks.sweep_overdue"


def test_reassigning_to_someone_else_notifies_them_and_a_new_deadline_is_in_history(
    hq_user, bureau, doer, city, django_capture_on_commit_callbacks
):
    other = make_user("other-doer", Role.COUNTY_STAFF, city["xinhui"].code)
    task = _create(hq_user, bureau, person=doer)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_assign(
            actor=hq_user,
            task=task,
            responsible_organization=bureau,
            responsible_person=other,
            deadline=task.deadline + timedelta(days=3),
        )
    assert Notification.objects.filter(recipient=other, target_id=task.pk).count() == 1
    assert task.history.filter(history_change_reason="assigned").get().responsible_person_id == other.pk
