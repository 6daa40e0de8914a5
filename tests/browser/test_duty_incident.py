"""The duty room's core loop in a real browser: log a call, open an incident from it, file a follow-up,
and watch the deadline board change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.duty.models import DutyPost
from safecity.incidents.models import Incident

pytestmark = pytest.mark.browser


def test_duty_officer_logs_a_call_opens_an_incident_files_a_follow_up_and_sees_the_board_update(
    page, log_in, live_server, transactional_db, city
):
    make_user("duty-officer", Role.HQ_DUTY_OFFICER, city["xinhui"].code, full_name="值班员小李")
    post = DutyPost.objects.create(name="新会区应急值班室", kind="county", region=city["xinhui"])
    log_in(page, "duty-officer")

    # 1. Log the call.
    page.goto("/duty/log-entries/add/")
    page.select_option("select[name=post]", str(post.pk))
    page.fill("input[name=place]", "大泽镇五和村")
    page.fill("input[name=summary]", "村民来电：在建厂房坍塌")
    page.fill("input[name=caller_name]", "陈先生")
    page.click("[data-testid=save-button]")
    expect(page.locator("h1")).to_contain_text("村民来电：在建厂房坍塌")

    # 2. Open an incident from it: what was logged is carried over.
    page.click("[data-testid=open-incident]")
    expect(page.locator("input[name=title]")).to_have_value("村民来电：在建厂房坍塌")
    page.select_option("select[name=category]", "accident")
    page.select_option("select[name=subtype]", "construction")
    page.select_option("select[name=region]", str(city["dazhe"].pk))
    page.fill("input[name=dead]", "3")
    page.click("[data-testid=save-button]")
    expect(page.locator("[data-testid=incident-level]")).to_contain_text("III")
    incident = Incident.objects.get()
    assert incident.duty_log_entry_id is not None

    # The board shows the open county → city report, not yet overdue.
    page.goto("/incidents/board/")
    expect(page.locator("[data-testid=board-deadlines]")).to_contain_text(incident.title)
    phone_rows = page.locator("[data-testid=board-deadlines] tr", has_text=re.compile("电话报告：30分钟内"))
    expect(phone_rows).to_have_count(0)

    # 3. A follow-up with ten dead makes it serious (II) and adds the 30-minute phone report.
    page.goto(incident.get_absolute_url())
    page.click("[data-testid=follow-up-button]")
    page.fill("textarea[name=summary]", "搜救发现更多遇难者")
    page.fill("input[name=dead]", "10")
    page.click("[data-testid=save-button]")
    expect(page.locator("[data-testid=incident-level]")).to_contain_text("II")
    expect(page.locator("[data-testid=report-timeline] li")).to_have_count(2)

    # 4. The board now lists the requirements of a serious event.
    page.goto("/incidents/board/")
    expect(page.locator("[data-testid=board-deadlines] tr", has_text=re.compile("电话报告：30分钟内"))).to_have_count(1)
    expect(page.locator("[data-testid=board-deadlines]")).to_contain_text("国务院")
