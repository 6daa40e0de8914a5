"""A county officer checks a person into a quarantine facility in a real browser: the bed shows occupied,
the free beds drop on the facility page and on the capacity board, and a check-in into the full facility
is refused with the reason on the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safecity.quarantine.factories import make_facility, make_person
from safecity.quarantine.models import Stay

pytestmark = pytest.mark.browser


def check_in(page, facility, name: str) -> None:
    page.goto(facility.get_absolute_url())
    page.locator("[data-testid=check-in-button]").click()
    page.locator("[data-testid=person-search]").fill(name)
    page.locator("[data-testid=person-search-button]").click()
    page.locator("[data-testid=person-results] input[type=radio]").first.check()
    page.locator("[data-testid=save-button]").click()


def test_check_in_occupies_a_bed_free_beds_drop_and_a_full_facility_refuses(
    new_page, log_in, live_server, transactional_db, city, xinhui_user
):
    facility = make_facility(city["dazhe"], name="大泽镇集中隔离点", rooms=2)
    make_facility(city["dajiang"], name="台山隔离点", rooms=5)  # another county: never on this user's board
    make_person(city["dazhe"], "陈阿明")
    make_person(city["dazhe"], "陈阿华")
    make_person(city["dazhe"], "陈阿强")
    page = new_page()
    log_in(page, "county-xinhui")

    page.goto("/quarantine/board/")
    expect(page.locator("#sc-capacity tr[data-county=新会区] td[data-col=free]")).to_have_text("2")
    expect(page.locator("#sc-capacity")).not_to_contain_text("台山")

    check_in(page, facility, "陈阿明")
    expect(page).to_have_url(f"{live_server.url}{facility.get_absolute_url()}")
    expect(page.locator("[data-testid=bed][data-status=occupied]")).to_have_count(1)
    expect(page.locator("[data-testid=count-free]")).to_have_text("1")
    expect(page.locator("[data-testid=bed-grid]")).to_contain_text("陈**")  # the occupant's name is masked

    page.goto("/quarantine/board/")
    expect(page.locator("#sc-capacity tr[data-county=新会区] td[data-col=free]")).to_have_text("1")
    expect(page.locator("#sc-capacity tr[data-county=新会区] td[data-col=occupied]")).to_have_text("1")

    check_in(page, facility, "陈阿华")
    expect(page.locator("[data-testid=count-free]")).to_have_text("0")

    # Full: refused on the form, with the facility named and the beds counted; nobody written.
    check_in(page, facility, "陈阿强")
    errors = page.locator("[data-testid=form-errors]")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("大泽镇集中隔离点")
    expect(errors).to_contain_text("2")
    assert Stay.objects.count() == 2
    page.goto("/quarantine/board/")
    expect(page.locator("#sc-capacity tr[data-county=新会区] td[data-col=free]")).to_have_text("0")
