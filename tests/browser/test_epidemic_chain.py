"""A county investigator opens a transmission chain's chain view, sees the graph drawn (cases and
contacts, another county's person without a name), and clicks a node to open that person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safecity.epidemic import services
from safecity.epidemic.choices import Proximity, Setting
from safecity.epidemic.factories import DiseaseFactory, PersonFactory, ProtocolFactory
from safecity.epidemic.models import Person

pytestmark = pytest.mark.browser


def test_the_chain_view_draws_the_chain_and_a_click_on_a_node_opens_the_person(
    page, log_in, live_server, transactional_db, city, xinhui_user, admin_user_sc
):
    disease = DiseaseFactory(code="demo-flu", name="演练流感")
    ProtocolFactory(disease=disease)
    index = PersonFactory(name="病例甲", region=city["dazhe"])
    case = services.case_create(
        actor=admin_user_sc,
        person=index,
        disease=disease,
        classification="confirmed",
        source="fever_clinic",
        onset_at=timezone.now() - timedelta(days=2),
    )
    spouse = PersonFactory(name="密接乙", region=city["dazhe"])
    colleague = PersonFactory(name="次密接丙", region=city["huicheng"])
    outsider = PersonFactory(name="台山人员丁", region=city["dajiang"])
    today = timezone.localdate()
    services.exposure_record(
        actor=admin_user_sc,
        person=spouse,
        source_person=index,
        exposed_on=today,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    services.exposure_record(
        actor=admin_user_sc,
        person=colleague,
        source_person=spouse,
        exposed_on=today,
        setting=Setting.WORKPLACE,
        proximity=Proximity.SAME_SPACE,
    )
    services.exposure_record(
        actor=admin_user_sc,
        person=outsider,
        source_person=index,
        exposed_on=today,
        setting=Setting.DINING,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    cluster = Person.objects.get(pk=index.pk).cluster

    log_in(page, xinhui_user.username)
    page.goto(case.get_absolute_url())
    page.locator("[data-testid=chain-link]").click()
    expect(page).to_have_url(f"{live_server.url}/epidemic/clusters/{cluster.pk}/chain/")
    canvas = page.locator("[data-testid=chain-canvas]")
    expect(canvas).to_have_attribute("data-ready", "1")
    expect(canvas).to_have_attribute("data-node-count", "4")
    expect(page.locator("[data-testid=chain-status]")).to_contain_text("4")
    listed = page.locator("[data-testid=chain-list]")
    expect(listed).to_contain_text("病例甲")
    expect(listed).to_contain_text("次密接丙")
    expect(listed).not_to_contain_text("台山人员丁")  # another county's person: drawn, not named

    # filter: cases only
    page.locator("#cls-close").uncheck()
    page.locator("#cls-secondary").uncheck()
    page.locator("#cls-other").uncheck()
    page.locator("#sc-chain-filters [type=submit]").click()
    expect(canvas).to_have_attribute("data-node-count", "1")
    page.locator("#cls-close").check()
    page.locator("#sc-chain-filters [type=submit]").click()
    expect(canvas).to_have_attribute("data-node-count", "3")  # the case and its two close contacts

    position = page.evaluate(f"window.scChain.screenPosition('p{spouse.pk}')")
    page.mouse.click(position["x"], position["y"])
    expect(page).to_have_url(f"{live_server.url}{spouse.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("密接乙")


def test_an_exposure_recorded_with_the_person_picker_makes_a_close_contact_of_the_case(
    page, log_in, live_server, transactional_db, city, xinhui_user, admin_user_sc
):
    disease = DiseaseFactory(code="demo-flu", name="演练流感")
    ProtocolFactory(disease=disease)
    index = PersonFactory(name="病例戊", region=city["dazhe"])
    case = services.case_create(
        actor=admin_user_sc,
        person=index,
        disease=disease,
        classification="confirmed",
        source="fever_clinic",
        onset_at=timezone.now() - timedelta(days=1),
    )
    neighbour = PersonFactory(name="邻居己", region=city["dazhe"], phone="13912345678")

    log_in(page, xinhui_user.username)
    page.goto(index.get_absolute_url())
    page.locator(f"a[href$='?source_person={index.pk}']").click()
    expect(page.locator("#id_source_person")).to_have_value(str(index.pk))
    page.locator("[data-testid=person-search]").fill("邻居己")
    page.locator(f"[data-testid=pick-{neighbour.pk}]").click()
    expect(page.locator("#id_person")).to_have_value(str(neighbour.pk))
    expect(page.locator("[data-testid=person-chosen]")).to_contain_text("邻居己")
    page.fill("#id_exposed_on", timezone.localdate().isoformat())
    page.select_option("#id_setting", "household")
    page.select_option("#id_proximity", "close_unprotected")
    page.locator("[data-testid=save-button]").click()
    expect(page.locator("h1")).to_contain_text("邻居己")

    page.goto(case.get_absolute_url())
    expect(page.locator("[data-testid=contacts-close]")).to_contain_text("邻居己")
