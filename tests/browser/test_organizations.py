"""A county worker keeps the organization register in a real browser: add, find, history, scope, form errors."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from safecity.core.factories import OrganizationFactory
from safecity.orgs.choices import OrganizationKind, Sector
from safecity.orgs.models import Organization

pytestmark = pytest.mark.browser

LIST_URL = "/orgs/organizations/"
ADD_URL = "/orgs/organizations/add/"


def created_labels() -> set[str]:
    """How the history table says "created", in Chinese (once the catalogue has it) or English."""
    with translation.override("zh-hans"):
        chinese = translation.gettext("Created")
    return {chinese, "Created"}


def fill_organization_form(page, *, name: str, region_pk: int, phone: str = "13800138000") -> None:
    form = page.locator("form:has([data-testid=save-button])")
    form.locator("[name=name]").fill(name)
    form.locator("select[name=kind]").select_option(OrganizationKind.ENTERPRISE.value)
    form.locator("select[name=sector]").select_option(Sector.EMERGENCY_MANAGEMENT.value)
    form.locator("select[name=region]").select_option(str(region_pk))
    form.locator("[name=responsible_person]").fill("李四")
    form.locator("[name=responsible_phone]").fill(phone)


def test_county_user_creates_an_organization_and_finds_it_in_the_list_and_its_history(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    OrganizationFactory(name="会城五金厂", region=city["huicheng"])  # another row the search must leave out
    name = "大泽镇浏览器测试五金有限公司"
    page = new_page()
    log_in(page, "county-xinhui")

    page.goto(LIST_URL)
    expect(page.locator("[data-testid=list-count]")).to_have_text("1")
    page.locator("[data-testid=add-button]").click()
    expect(page).to_have_url(f"{live_server.url}{ADD_URL}")

    fill_organization_form(page, name=name, region_pk=city["dazhe"].pk)
    region = page.locator("form:has([data-testid=save-button]) select[name=region]")
    expect(region.locator("option:checked")).to_have_text(re.compile("大泽镇"))
    page.locator("[data-testid=save-button]").click()

    # The detail page of the new record.
    expect(page).to_have_url(re.compile(r"/orgs/organizations/\d+/$"))
    expect(page.locator("main h1")).to_contain_text(name)
    organization = Organization.objects.get(name=name)
    assert organization.region == city["dazhe"]
    assert page.url == f"{live_server.url}/orgs/organizations/{organization.pk}/"

    # Back to the list through the breadcrumb; search by name.
    page.locator(f'main a[href="{LIST_URL}"]').first.click()
    expect(page).to_have_url(f"{live_server.url}{LIST_URL}")
    rows = page.locator("#sc-list table tbody tr")
    expect(rows).to_have_count(2)
    search = page.locator("form.sc-filters [name=q]")
    search.fill(name)
    search.press("Enter")
    expect(rows.filter(has_text="会城五金厂")).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    expect(rows.first).to_contain_text("大泽镇")

    # Its history: one "created" row, by the Xinhui user.
    rows.first.get_by_role("link", name=name).click()
    expect(page).to_have_url(f"{live_server.url}/orgs/organizations/{organization.pk}/")
    page.locator("[data-testid=history-tab]").click()
    expect(page).to_have_url(f"{live_server.url}/orgs/organizations/{organization.pk}/history/")
    history = page.locator("[data-testid=history-table] tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("county-xinhui")
    what = history.first.locator("td").nth(2).inner_text()
    assert any(label in what for label in created_labels()), what


def test_county_user_gets_404_for_another_countys_organization(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    taishan_org = OrganizationFactory(name="大江镇食品厂", region=city["dajiang"])
    page = new_page()
    log_in(page, "county-xinhui")

    for path in (f"/orgs/organizations/{taishan_org.pk}/", f"/orgs/organizations/{taishan_org.pk}/history/"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 404, f"{path} answered {response.status}"
        expect(page.locator("body")).not_to_contain_text("大江镇食品厂")


def test_form_refusal_keeps_what_the_user_typed(new_page, log_in, live_server, transactional_db, city, xinhui_user):
    name = "填错电话的测试单位"
    page = new_page()
    log_in(page, "county-xinhui")

    page.goto(ADD_URL)
    fill_organization_form(page, name=name, region_pk=city["dazhe"].pk, phone="12345")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(ADD_URL)) as posted:
        page.locator("[data-testid=save-button]").click()
    assert posted.value.status == 400

    expect(page).to_have_url(f"{live_server.url}{ADD_URL}")
    phone = page.locator("form:has([data-testid=save-button]) [name=responsible_phone]")
    field_box = phone.locator("xpath=ancestor::div[1]")
    error = field_box.locator(".invalid-feedback")
    expect(error).to_have_count(1)
    expect(error).to_be_visible()
    expect(error).not_to_have_text("")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    # Nothing else is marked wrong, and what was typed is still there.
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.locator("form:has([data-testid=save-button]) [name=name]")).to_have_value(name)
    expect(phone).to_have_value("12345")
    expect(page.locator("form:has([data-testid=save-button]) select[name=region]")).to_have_value(str(city["dazhe"].pk))
    assert not Organization.objects.filter(name=name).exists()
