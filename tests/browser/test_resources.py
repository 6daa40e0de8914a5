"""A depot keeper records a receipt and an issue in a real browser; the depot's stock, the stock page
and the ledger agree, and an issue larger than the stock is refused with a message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safecity.resources.factories import DepotFactory, ItemFactory
from safecity.resources.models import Lot, Movement

pytestmark = pytest.mark.browser


def test_a_keeper_records_a_receipt_and_an_issue_and_stock_and_ledger_agree(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    item = ItemFactory(name="救生衣", unit="件")
    depot = DepotFactory(name="大泽镇应急物资储备点", region=city["dazhe"])
    depot.keepers.add(xinhui_user)
    page = new_page()
    log_in(page, "county-xinhui")

    page.goto(depot.get_absolute_url())
    page.locator("[data-testid=move-receipt]").click()
    form = page.locator("form:has([data-testid=save-button])")
    form.locator("select[name=item]").select_option(str(item.pk))
    form.locator("[name=quantity]").fill("120")
    form.locator("[name=lot_number]").fill("JSY-2026-01")
    form.locator("[name=expiry_date]").fill("2030-06-30")
    page.locator("[data-testid=save-button]").click()
    expect(page).to_have_url(f"{live_server.url}{depot.get_absolute_url()}")
    expect(page.locator("#sc-lots td[data-col=on-hand]")).to_have_text("120")

    # Too much: refused, with the figures, and nothing written.
    page.locator("[data-testid=move-issue]").click()
    form = page.locator("form:has([data-testid=save-button])")
    form.locator("select[name=item]").select_option(str(item.pk))
    form.locator("[name=quantity]").fill("121")
    form.locator("[name=recipient]").fill("大泽镇五和村")
    page.locator("[data-testid=save-button]").click()
    expect(page.locator("[data-testid=form-errors]")).to_contain_text(re.compile("库存不足.*121.*120"))
    assert Movement.objects.count() == 1

    form.locator("[name=quantity]").fill("45")
    page.locator("[data-testid=save-button]").click()
    expect(page).to_have_url(f"{live_server.url}{depot.get_absolute_url()}")
    expect(page.locator("#sc-lots td[data-col=on-hand]")).to_have_text("75")

    page.goto("/resources/stock/")
    expect(page.locator("#sc-stock tr[data-item=救生衣] td[data-col=usable]")).to_have_text("75")

    page.goto(f"/resources/ledger/?depot={depot.pk}")
    quantities = page.locator("#sc-ledger td[data-col=quantity]").all_inner_texts()
    assert sorted(quantities) == ["+120", "-45"]
    assert sum(int(q) for q in quantities) == 75 == Lot.objects.get(depot=depot).quantity
