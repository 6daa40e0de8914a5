"""A county official registers a volunteer with consent, sends them on a deployment, confirms their hours,
and finds the hours in the service-hours report; registering without the consent box is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safecity.volunteers.factories import deployment, id_number
from safecity.volunteers.models import Volunteer

pytestmark = pytest.mark.browser


def test_register_with_consent_send_on_a_deployment_and_see_the_hours(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    work = deployment(city["xinhui"], "汛期巡堤查险", hours=8)
    page = new_page()
    log_in(page, "county-xinhui")

    page.goto("/volunteers/volunteers/add/")
    page.fill("[name=name]", "林晓雯")
    page.fill("[name=id_number]", id_number("440705", "19950312", 24))
    page.fill("[name=phone]", "139 2233 4455")
    page.locator("select[name=region]").select_option(str(city["dazhe"].pk))
    page.locator("[data-testid=save-button]").click()
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    assert not Volunteer.objects.exists()

    page.locator("[data-testid=consent]").check()
    page.locator("[data-testid=save-button]").click()
    expect(page.locator("[data-testid=volunteer-status]")).to_be_visible()
    person = Volunteer.objects.get()
    assert person.consent_version and person.birth_date.isoformat() == "1995-03-12"
    expect(page.locator("body")).not_to_contain_text(person.id_number)

    page.goto(work.get_absolute_url())
    page.locator("[data-testid=volunteers-search]").fill("林晓")  # chosen by search, not from a list of everyone
    page.locator(f"[data-testid=pick-{person.pk}]").click()
    expect(page.locator("[data-testid=volunteers-chosen]")).to_contain_text("林晓雯")
    page.locator("[data-testid=add-participants]").click()
    row = page.locator("#sc-participations tr[data-volunteer=林晓雯]")
    row.locator("[data-testid=hours-input]").fill("9")
    row.locator("[data-testid=hours-save]").click()
    expect(page.locator(".alert")).to_contain_text("8.0")
    row = page.locator("#sc-participations tr[data-volunteer=林晓雯]")
    row.locator("[data-testid=hours-input]").fill("5.5")
    row.locator("[data-testid=hours-save]").click()
    expect(page.locator("#sc-participations tr[data-volunteer=林晓雯] [data-col=hours]")).to_have_text("5.5")

    page.goto("/volunteers/hours/?start=2026-06-01&end=2026-06-30")
    expect(page.locator("#sc-hours tr[data-volunteer=林晓雯] td[data-col=hours]")).to_have_text("5.5")
    expect(page.locator("[data-testid=hours-total]")).to_have_text("5.5")
    with page.expect_download() as download:
        page.locator("[data-testid=export-hours]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
