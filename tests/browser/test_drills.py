"""A county official records a drill and a problem it found, follows the problem's task, reports it
done with the result, and the drill page shows the problem done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safecity.core.factories import OrganizationFactory
from safecity.plans.models import Drill
from safecity.tasks.models import Task

pytestmark = pytest.mark.browser


def test_a_drill_problem_becomes_a_task_that_is_completed_and_the_drill_shows_it_done(
    page, log_in, live_server, transactional_db, city, xinhui_user
):
    bureau = OrganizationFactory(name="新会区应急管理局", region=city["xinhui"], kind="government")
    water = OrganizationFactory(name="新会区水利局", region=city["xinhui"], kind="government")
    log_in(page, xinhui_user.username)

    # Record the drill.
    page.goto("/plans/drills/add/")
    page.fill("#id_title", "新会区防御台风群众转移实战演练")
    page.select_option("#id_kind", "full_scale")
    page.fill("#id_held_on", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.select_option("#id_region", str(city["xinhui"].pk))
    page.fill("#id_place", "会城街道江边社区")
    page.select_option("#id_organiser", str(bureau.pk))
    page.select_option("#id_participants", [str(bureau.pk), str(water.pk)])
    page.fill("#id_headcount", "150")
    page.locator("form [type=submit]").last.click()
    drill = Drill.objects.get(title="新会区防御台风群众转移实战演练")
    expect(page).to_have_url(f"{live_server.url}{drill.get_absolute_url()}")

    # Record the problem it found: the follow-up task is created with it.
    form = page.locator("[data-testid=problem-form]")
    form.locator("#id_description").fill("转移路线指示牌缺失，群众集结用时超出预案要求")
    form.locator("#id_severity").select_option("major")
    form.locator("#id_responsible_organization").select_option(str(water.pk))
    form.locator("#id_deadline").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    page.locator("[data-testid=problem-save]").click()
    summary = page.locator("[data-testid=problem-summary]")
    expect(summary).to_have_attribute("data-total", "1")
    expect(summary).to_have_attribute("data-done", "0")
    task = Task.objects.get()
    assert task.responsible_organization == water and task.source == drill.problems.get()

    # Follow the task, report it done with the result.
    page.locator("[data-testid=problem-task]").click()
    expect(page).to_have_url(f"{live_server.url}{task.get_absolute_url()}")
    expect(page.locator("[data-testid=task-source] a")).to_be_visible()
    page.locator("[data-testid=step-complete] #id_result").fill("已在沿线增设指示牌18块，重新演练集结用时达标")
    page.locator("[data-testid=complete-button]").click()
    expect(page.locator("[data-testid=task-state]").first).to_have_attribute("data-status", "done")

    # Back on the drill page the problem is done.
    page.locator("[data-testid=task-source] a").click()
    expect(page.locator("[data-testid=problem-summary]")).to_have_attribute("data-done", "1")
    expect(page.locator("[data-testid=problem-row] [data-testid=task-state]")).to_have_attribute("data-status", "done")
