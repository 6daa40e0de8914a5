"""The duty officer receives a typhoon signal by uploading the observatory's CAP file; the county official
on a phone sees it first on the home page, in words and colour, and opens it; the duty officer receives the
update raising it to orange and the county's home page says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safecity.alerts.factories import cap_xml, gb_identifier
from safecity.alerts.models import WarningSignal

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_a_received_typhoon_signal_reaches_the_countys_phone_home_page_and_its_raise_too(
    new_page, log_in, live_server, transactional_db, city, hq_user, taishan_user, xinhui_user, tmp_path
):
    issued = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    signal_file = tmp_path / "typhoon-yellow.xml"
    signal_file.write_bytes(cap_xml(event="台风黄色预警信号", area="江门市台山市", geocodes=("440781",), sent=issued))

    desk = new_page()
    log_in(desk, hq_user.username)
    desk.goto("/alerts/receive/")
    desk.set_input_files("#id_file", str(signal_file))
    desk.locator("[data-testid=receive-form] [type=submit]").click()
    warning = WarningSignal.objects.get()
    expect(desk).to_have_url(f"{live_server.url}{warning.get_absolute_url()}")
    expect(desk.locator("[data-testid=warning-colour]")).to_have_text("黄色预警")
    expect(desk.locator("[data-testid=warning-state]")).to_have_text("生效中")

    phone = new_page(viewport=PHONE)
    log_in(phone, taishan_user.username)
    banner = phone.locator("[data-testid=warnings-in-force]")
    expect(banner.locator("[data-testid=warning]")).to_have_text("台风黄色预警信号 · 台山市")
    banner.locator("[data-testid=warning]").click()
    expect(phone.locator("[data-testid=warning-headline]")).to_contain_text("台风黄色预警信号")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The update raising it to orange, pasted as text this time.
    desk.goto("/alerts/receive/")
    raised = cap_xml(
        event="台风橙色预警信号",
        severity="Severe",
        msg_type="Update",
        area="江门市台山市",
        geocodes=("440781",),
        sent=issued + timedelta(minutes=40),
        references=((gb_identifier(issued), issued),),
    )
    desk.fill("#id_text", raised.decode())
    desk.locator("[data-testid=receive-form] [type=submit]").click()
    expect(desk.locator("[data-testid=warning-colour]")).to_have_text("橙色预警")
    expect(desk.locator("[data-testid=warning-messages] tbody tr")).to_have_count(2)

    phone.goto("/")
    expect(phone.locator("[data-testid=warning]")).to_have_text("台风橙色预警信号 · 台山市")

    # Xinhui is not in the warning's area: nothing on its home page.
    other = new_page()
    log_in(other, xinhui_user.username)
    expect(other.locator("[data-testid=warnings-in-force]")).to_have_count(0)
