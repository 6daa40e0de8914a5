"""A contact made at a site says where: the case page's contacts table and the API name the site the contact
shared with the case's person (or, for a secondary contact, with the close contact they came through)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from safecity.epidemic import selectors, services
from safecity.epidemic.choices import Classification, Proximity, Setting, SiteKind
from safecity.epidemic.factories import ExposureSiteFactory, PersonFactory
from safecity.epidemic.models import Disease
from safecity.epidemic.protocols import sync_protocols


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def dinner(hq_user, city):
    sync_protocols()
    covid = Disease.objects.get(code="covid-19")
    restaurant = ExposureSiteFactory(kind=SiteKind.EVENT, name="某酒家聚餐")
    index, guest, spouse, colleague = PersonFactory(), PersonFactory(), PersonFactory(), PersonFactory()
    case = services.case_create(
        actor=hq_user,
        person=index,
        disease=covid,
        classification=Classification.CONFIRMED,
        source="fever_clinic",
        onset_at=_at(date(2022, 9, 3)),
        reported_at=_at(date(2022, 9, 5)),
    )
    for person in (index, guest):
        services.exposure_record(
            actor=hq_user,
            person=person,
            source_site=restaurant,
            exposed_on=date(2022, 9, 1),
            setting=Setting.DINING,
            proximity=Proximity.SAME_SPACE,
        )
    for person, source in ((spouse, guest), (colleague, index)):
        services.exposure_record(
            actor=hq_user,
            person=person,
            source_person=source,
            exposed_on=date(2022, 9, 2),
            setting=Setting.HOUSEHOLD,
            proximity=Proximity.CLOSE_UNPROTECTED,
        )
    return case, guest, spouse, colleague


def test_a_contact_made_at_a_site_names_it_and_a_person_to_person_contact_does_not(dinner):
    case, guest, spouse, colleague = dinner
    sites = {c.person_id: c.shared_site for c in selectors.contacts_of_case(case)}
    assert sites == {guest.pk: "某酒家聚餐", colleague.pk: None, spouse.pk: None}


def test_the_case_page_and_the_api_show_the_site(dinner, client, hq_user):
    case, guest, _spouse, _colleague = dinner
    client.force_login(hq_user)
    page = client.get(f"/epidemic/cases/{case.pk}/").content.decode()
    assert "某酒家聚餐" in page
    rows = client.get(f"/api/cases/{case.pk}/contacts/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {r["person"]: r["shared_site"] for r in rows}[guest.pk] == "某酒家聚餐"
