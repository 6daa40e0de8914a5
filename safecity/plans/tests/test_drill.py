from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safecity.core.factories import OrganizationFactory
from safecity.core.testing import ScopedModelTests
from safecity.plans import services
from safecity.plans.factories import ContingencyPlanFactory, DrillFactory
from safecity.plans.models import DrillProblem
from safecity.plans.views import DrillViews
from safecity.tasks import services as task_services
from safecity.tasks.choices import TaskPriority, TaskStatus
from safecity.tasks.models import Task


class TestDrill(ScopedModelTests):
    views = DrillViews
    api_url = "/api/drills/"
    edit_change = ("title", "改过的演练")

    def marker(self, obj):
        return obj.title

    def make(self, city, region_key):
        return DrillFactory(region=city[region_key])

    def form_data(self, city, region_key):
        org = OrganizationFactory(region=city[region_key])
        return {
            "title": "危险化学品泄漏实战演练",
            "kind": "full_scale",
            "held_on": "2026-06-10",
            "region": city[region_key].pk,
            "place": "银洲湖化工园区",
            "organiser": org.pk,
            "participants": [org.pk],
            "headcount": 120,
            "rating": "good",
        }

    def api_data(self, city, region_key):
        return {
            "title": "森林火灾扑救桌面推演",
            "kind": "tabletop",
            "held_on": "2026-03-15",
            "region": city[region_key].code,
            "organiser": OrganizationFactory(region=city[region_key]).pk,
            "headcount": 40,
        }


@pytest.fixture
def drill(city):
    return DrillFactory(region=city["xinhui"], place="会城街道江边")


@pytest.fixture
def bureau(city):
    return OrganizationFactory(name="新会区水利局", region=city["xinhui"])


def _add(actor, drill, bureau, **extra):
    return services.drill_problem_add(
        actor=actor,
        drill=drill,
        description=extra.pop("description", "转移安置点物资清单未更新"),
        severity=extra.pop("severity", "major"),
        responsible_organization=bureau,
        deadline=extra.pop("deadline", timezone.localdate() + timedelta(days=15)),
        **extra,
    )


def test_a_problem_creates_its_follow_up_task_whose_source_is_the_problem(xinhui_user, drill, bureau):
    problem = _add(xinhui_user, drill, bureau)
    task = problem.task
    assert task.source == problem
    assert task.responsible_organization == bureau and task.deadline == problem.deadline
    assert task.priority == TaskPriority.URGENT  # a major problem
    assert task.status == TaskStatus.OPEN and "转移安置点物资清单未更新" in task.title


def test_when_the_task_cannot_be_created_the_problem_is_not_saved_either(xinhui_user, drill, bureau, taishan_user):
    problems, tasks = DrillProblem.objects.count(), Task.objects.count()
    with pytest.raises(ValidationError):
        _add(xinhui_user, drill, bureau, responsible_person=taishan_user)  # cannot see the task
    assert DrillProblem.objects.count() == problems and Task.objects.count() == tasks


def test_a_problem_given_to_another_countys_unit_is_refused_and_writes_nothing(xinhui_user, drill, city):
    from safecity.core.exceptions import OutOfScope

    elsewhere = OrganizationFactory(region=city["taishan"])
    with pytest.raises(OutOfScope):
        _add(xinhui_user, drill, elsewhere)
    assert not DrillProblem.objects.exists() and not Task.objects.exists()


def test_the_drill_page_sums_up_its_problems_by_task_state(xinhui_client, xinhui_user, drill, bureau):
    done = _add(xinhui_user, drill, bureau, description="通信中断时备用电台未开机")
    task_services.task_complete(actor=xinhui_user, task=done.task, result="已建立每日开机检查制度")
    _add(
        xinhui_user,
        drill,
        bureau,
        description="群众转移路线指示牌缺失",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    _add(xinhui_user, drill, bureau, description="抢险队伍集结超时")
    page = xinhui_client.get(drill.get_absolute_url())
    assert page.context["summary"] == {"total": 3, "done": 1, "overdue": 1, "open": 1, "cancelled": 0}
    text = page.content.decode()
    assert "problem-summary" in text


def test_recording_a_problem_on_the_page_creates_the_task_and_a_refusal_keeps_what_was_typed(
    xinhui_client, drill, bureau
):
    url = reverse("plans:drill_problem_add", kwargs={"pk": drill.pk})
    refused = xinhui_client.post(
        url, {"description": "指挥部通讯录过时", "severity": "minor", "responsible_organization": bureau.pk}
    )
    assert refused.status_code == 400
    assert refused.context["problem_form"]["description"].value() == "指挥部通讯录过时"
    assert not DrillProblem.objects.exists()
    done = xinhui_client.post(
        url,
        {
            "description": "指挥部通讯录过时",
            "severity": "minor",
            "responsible_organization": bureau.pk,
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert done.status_code == 302
    problem = DrillProblem.objects.get()
    task_page = xinhui_client.get(problem.task.get_absolute_url())
    assert task_page.context["source"]["url"] == problem.get_absolute_url()


def test_a_drill_of_a_plan_is_held_in_the_plans_area(city):
    plan = ContingencyPlanFactory(region=city["xinhui"])
    drill = DrillFactory.build(region=city["taishan"], plan=plan, organiser=OrganizationFactory(region=city["taishan"]))
    with pytest.raises(ValidationError) as exc:
        drill.full_clean()
    assert "region" in exc.value.message_dict


def test_the_api_records_a_problem_with_its_task_and_refuses_a_bad_one_with_400(xinhui_client, drill, bureau):
    url = f"/api/drills/{drill.pk}/problems/"
    bad = xinhui_client.post(
        url, {"description": "", "responsible_organization": bureau.pk}, content_type="application/json"
    )
    assert bad.status_code == 400 and "description" in bad.json() and "deadline" in bad.json()
    ok = xinhui_client.post(
        url,
        {
            "description": "医疗救护组到场慢",
            "severity": "severe",
            "responsible_organization": bureau.pk,
            "deadline": "2026-12-31",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["task_status"] == "open"
    listed = xinhui_client.get(url).json()
    assert [p["description"] for p in listed] == ["医疗救护组到场慢"]


def test_a_county_user_sees_only_their_countys_drills_problems_and_tasks(client, city, hq_user, taishan_user):
    xinhui_drill = DrillFactory(region=city["xinhui"])
    problem = _add(hq_user, xinhui_drill, OrganizationFactory(region=city["xinhui"]))
    client.force_login(taishan_user)
    assert client.get(xinhui_drill.get_absolute_url()).status_code == 404
    assert client.get(problem.task.get_absolute_url()).status_code == 404
    assert client.get(f"/api/drills/{xinhui_drill.pk}/problems/").status_code == 404
