"""A contingency plan activated by the warning that meets its trigger — once per warning, only where the
warning reaches — hands out its tasks to the units named in it; by hand with a reason, too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from safecity.alerts import services as alert_services
from safecity.alerts.choices import Channel
from safecity.alerts.factories import cap_xml
from safecity.core.factories import OrganizationFactory
from safecity.orgs.models import Organization
from safecity.plans import services
from safecity.plans.choices import PlanStatus
from safecity.plans.factories import ContingencyPlanFactory
from safecity.plans.models import PlanActivation
from safecity.tasks.models import Task

ISSUED = timezone.now().replace(microsecond=0) - timedelta(hours=2)


def receive(actor, **kwargs):
    kwargs.setdefault("sent", ISSUED)
    return alert_services.receive(actor=actor, data=cap_xml(**kwargs), channel=Channel.API).message


def raise_to_orange(actor, first, minutes=30):
    return receive(
        actor,
        event="台风橙色预警信号",
        severity="Severe",
        msg_type="Update",
        sent=first.sent + timedelta(minutes=minutes),
        references=((first.identifier, first.sent),),
    )


def typhoon_plan(hq_user, region, colour="orange", actions=2, **kwargs):
    plan = ContingencyPlanFactory(region=region, trigger_kind="typhoon", trigger_colour=colour, **kwargs)
    units = [
        ("渔船回港避风、渔排人员上岸", "农业农村局", 0),
        ("危险区域人员转移安置", "应急管理局", 1),
    ][:actions]
    for description, unit, days in units:
        name = f"{region.name}{unit}"
        services.plan_action_add(
            actor=hq_user,
            plan=plan,
            description=description,
            responsible_organization=Organization.objects.filter(name=name).first()
            or OrganizationFactory(name=name, region=region),
            days=days,
            priority="most_urgent",
        )
    return plan


def tasks_of(activation) -> list[Task]:
    kind = ContentType.objects.get_for_model(PlanActivation)
    return list(Task.objects.filter(source_type=kind, source_id=activation.pk).order_by("deadline"))


def test_a_raise_to_orange_activates_the_countys_orange_plan_once_and_hands_out_its_tasks(hq_user, city):
    plan = typhoon_plan(hq_user, city["taishan"])
    first = receive(hq_user)  # yellow: below the plan's trigger
    assert not PlanActivation.objects.exists()
    raised = raise_to_orange(hq_user, first)
    activation = PlanActivation.objects.get()
    assert (activation.plan, activation.warning) == (plan, raised.signal)
    tasks = tasks_of(activation)
    today = timezone.localdate()
    assert [(t.responsible_organization.name, t.deadline, t.priority) for t in tasks] == [
        ("台山市农业农村局", today, "most_urgent"),
        ("台山市应急管理局", today + timedelta(days=1), "most_urgent"),
    ]
    raise_to_orange(hq_user, first, minutes=45)  # another update of the same warning: not again
    assert PlanActivation.objects.count() == 1 and Task.objects.count() == 2


def test_the_citys_yellow_plan_is_activated_by_a_countys_warning_and_another_countys_plan_is_not(hq_user, city):
    city_plan = typhoon_plan(hq_user, city["city"], colour="yellow", actions=1)
    typhoon_plan(hq_user, city["xinhui"], colour="yellow", actions=1)
    receive(hq_user)  # a yellow typhoon signal for Taishan
    assert [a.plan for a in PlanActivation.objects.all()] == [city_plan]


def test_a_plan_not_in_force_or_of_another_kind_is_not_activated(hq_user, city):
    typhoon_plan(hq_user, city["taishan"], colour="yellow", status=PlanStatus.UNDER_REVISION)
    fire = typhoon_plan(hq_user, city["taishan"], colour="yellow")
    fire.trigger_kind = "forest_fire"
    fire.save()
    receive(hq_user)
    assert not PlanActivation.objects.exists()


def test_a_test_message_activates_nothing(hq_user, city):
    typhoon_plan(hq_user, city["taishan"], colour="yellow")
    receive(hq_user, status="Test")
    assert not PlanActivation.objects.exists()


def test_a_plan_that_cannot_be_activated_is_named_with_the_message_and_the_warning_is_kept(hq_user, city):
    plan = typhoon_plan(hq_user, city["taishan"], colour="yellow", actions=0)
    message = receive(hq_user)
    assert message.signal is not None and not PlanActivation.objects.exists()
    assert any(plan.title in notice for notice in message.notices)


def test_activating_by_hand_hands_out_the_tasks_and_needs_a_reason(hq_client, hq_user, city):
    plan = typhoon_plan(hq_user, city["taishan"], actions=1)
    url = reverse("plans:plan_activate", kwargs={"pk": plan.pk})
    refused = hq_client.post(url, {"reason": " "})
    assert refused.status_code == 400 and not PlanActivation.objects.exists()
    done = hq_client.post(url, {"reason": "上级指挥部要求提前启动防台风Ⅳ级应急响应"})
    activation = PlanActivation.objects.get()
    assert done.status_code == 302 and activation.warning is None and len(tasks_of(activation)) == 1
    page = hq_client.get(plan.get_absolute_url()).content.decode()
    assert "上级指挥部要求提前启动" in page and "渔船回港避风" in page


def test_the_warning_page_names_the_plans_it_activated(hq_client, hq_user, city):
    plan = typhoon_plan(hq_user, city["taishan"], colour="yellow", actions=1)
    warning = receive(hq_user).signal
    page = hq_client.get(warning.get_absolute_url()).content.decode()
    assert plan.title in page


def test_a_trigger_needs_both_kind_and_colour(hq_client, city):
    owner = OrganizationFactory(region=city["taishan"])
    response = hq_client.post(
        reverse("plans:contingencyplan_add"),
        {
            "title": "台山市防御台风应急预案",
            "plan_type": "special",
            "category": "natural_disaster",
            "region": city["taishan"].pk,
            "owner": owner.pk,
            "approved_on": "2026-04-01",
            "status": "in_force",
            "trigger_kind": "typhoon",
            "trigger_colour": "",
        },
    )
    assert response.status_code == 400 and "trigger_colour" in response.context["form"].errors


@pytest.mark.parametrize("event", ["台风蓝色预警信号", "台风黄色预警信号"])
def test_a_county_plan_triggered_at_orange_waits_below_orange(hq_user, city, event):
    typhoon_plan(hq_user, city["taishan"])
    receive(hq_user, event=event)
    assert not PlanActivation.objects.exists()


def test_an_activation_by_warning_is_unique_per_plan_and_warning(hq_user, city):
    plan = typhoon_plan(hq_user, city["taishan"], colour="yellow", actions=1)
    warning = receive(hq_user).signal
    assert services.plans_triggered_by(warning) == []  # already activated by it
    assert PlanActivation.objects.filter(plan=plan, warning=warning).count() == 1
