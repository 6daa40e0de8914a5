"""The pages work on a phone, and the interface switches between Chinese and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safecity.core.factories import OrganizationFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


WIDER_THAN_SCREEN = """() => Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 10)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${Array.from(el.classList).join(".")}`
        + ` right=${Math.round(el.getBoundingClientRect().right)}`)"""


def horizontal_overflow(page, width: int) -> str:
    """Empty when the page needs no horizontal scrolling on a ``width``-pixel screen; else what sticks out."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width + 1:
        return ""
    return f"{page.url} is {scroll_width}px wide on a {width}px screen: {page.evaluate(WIDER_THAN_SCREEN)}"


def test_pages_fit_a_phone_screen(new_page, log_in, live_server, transactional_db, city, xinhui_user):
    OrganizationFactory(name="大泽镇机械制造有限公司", region=city["dazhe"])

    overflows = []
    page = new_page(viewport=PHONE)
    page.goto("/login/")
    overflows.append(horizontal_overflow(page, PHONE["width"]))
    log_in(page, "county-xinhui")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    overflows.append(horizontal_overflow(page, PHONE["width"]))

    # The list: its wide table scrolls inside its own box, not the whole page.
    page.goto("/orgs/organizations/")
    expect(page.locator("[data-testid=add-button]")).to_be_visible()
    expect(page.locator("#sc-list table tbody tr", has_text="大泽镇机械制造有限公司")).to_have_count(1)
    expect(toggler).to_be_visible()
    overflows.append(horizontal_overflow(page, PHONE["width"]))

    page.goto("/orgs/organizations/add/")
    expect(page.locator("[data-testid=save-button]")).to_be_visible()
    expect(toggler).to_be_visible()
    overflows.append(horizontal_overflow(page, PHONE["width"]))

    # The toggler opens the menu, which holds the user menu.
    toggler.click()
    expect(page.locator("[data-testid=user-menu]")).to_be_visible()

    # No horizontal scrolling on the login page, the home page, the list and (above all) the add form.
    overflows = [problem for problem in overflows if problem]
    assert not overflows, "\n".join(overflows)


def test_language_switch_to_english_and_back(new_page, log_in, live_server, transactional_db, city, xinhui_user):
    page = new_page()
    log_in(page, "county-xinhui")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")

    page.locator("nav").get_by_role("button", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("nav").get_by_role("button", name="中文", exact=True)).to_be_visible()

    # The choice sticks on the next page.
    page.goto("/orgs/organizations/")
    expect(html).to_have_attribute("lang", "en")

    page.locator("nav").get_by_role("button", name="中文", exact=True).click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(f"{live_server.url}/orgs/organizations/")
    expect(page.locator("nav").get_by_role("button", name="English", exact=True)).to_be_visible()


def test_on_a_phone_a_list_is_one_card_per_row_with_its_filters_folded_away(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    OrganizationFactory(name="大泽镇机械制造有限公司", region=city["dazhe"])
    page = new_page(viewport=PHONE)
    log_in(page, "county-xinhui")
    page.goto("/orgs/organizations/")
    row = page.locator("#sc-list table tbody tr", has_text="大泽镇机械制造有限公司")
    expect(row).to_be_visible()
    expect(page.locator("#sc-list table thead")).to_be_hidden()
    region_cell = row.locator("td[data-label='区划']")
    expect(region_cell).to_be_visible()
    label = region_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"区划"', label  # each value says which column it is
    assert not horizontal_overflow(page, PHONE["width"])

    # The filters fold away behind one button and open on a tap; with a filter set they stay open.
    fields = page.locator("#sc-filter-fields")
    expect(fields).to_be_hidden()
    page.get_by_test_id("filter-toggle").click()
    expect(fields).to_be_visible()
    page.goto("/orgs/organizations/?q=大泽")
    expect(page.locator("#sc-filter-fields")).to_be_visible()
    expect(page.get_by_test_id("filter-toggle")).to_contain_text("已设置")

    # On a laptop: the usual table with its header row, filters always shown, no fold button.
    wide = new_page()
    log_in(wide, "county-xinhui")
    wide.goto("/orgs/organizations/")
    expect(wide.locator("#sc-list table thead")).to_be_visible()
    expect(wide.locator("#sc-filter-fields")).to_be_visible()
    expect(wide.get_by_test_id("filter-toggle")).to_be_hidden()
