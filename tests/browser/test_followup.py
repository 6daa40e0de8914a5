"""A grid worker on a phone opens "my follow-ups today", records one person as symptomatic in one tap,
and the management plan shows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.followup.factories import make_plan

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_a_grid_worker_records_a_symptomatic_followup_and_the_plan_shows_it(
    new_page, log_in, live_server, transactional_db, city
):
    make_user("grid-wuhe", Role.GRID_WORKER, city["village"].code, full_name="五和村网格员")
    sick = make_plan(region=city["village"], start=timezone.localdate() - timedelta(days=1), name="陈小明")
    well = make_plan(region=city["village"], start=timezone.localdate() - timedelta(days=1), name="林大伟")

    phone = new_page(viewport=PHONE)
    log_in(phone, "grid-wuhe")
    phone.goto("/followup/managementplans/today/")
    cards = phone.locator("[data-testid=today-card]")
    expect(cards).to_have_count(2)
    card = cards.filter(has_text="陈小明")
    card.locator("[name=temperature]").fill("38.4")
    card.locator("[data-testid=record-symptomatic]").click()
    expect(phone).to_have_url(f"{live_server.url}/followup/managementplans/today/")
    expect(cards.filter(has_text="陈小明").locator("[data-testid=today-recorded] .text-bg-danger")).to_be_visible()
    expect(cards.filter(has_text="林大伟").locator("[data-testid=today-recorded]")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    cards.filter(has_text="陈小明").locator("[data-testid=today-person]").click()
    expect(phone).to_have_url(f"{live_server.url}{sick.get_absolute_url()}")
    expect(phone.locator("[data-testid=plan-followups]")).to_contain_text("38.4")
    expect(phone.locator("[data-testid=convert-form]")).to_be_visible()  # symptomatic: conversion is offered
    assert sick.followups.get().result == "symptomatic" and str(sick.followups.get().temperature) == "38.4"
    assert well.followups.count() == 0
