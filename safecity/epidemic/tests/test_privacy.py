"""Without the permission to see personal data in full, no identity number or phone of any person
appears in full on any epidemic page, export or API answer — and a county user sees only their county."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from openpyxl import load_workbook

from safecity.accounts.models import UserScope
from safecity.core.factories import PASSWORD
from safecity.epidemic import services
from safecity.epidemic.choices import Proximity, Setting
from safecity.epidemic.factories import (
    DiseaseFactory,
    ExposureSiteFactory,
    PersonFactory,
    ProtocolFactory,
    make_id_number,
    make_mobile,
)
from safecity.epidemic.models import Case, Cluster, Contact, Exposure, ExposureSite, Person
from safecity.geo.models import Region


@pytest.fixture
def investigator(city):
    """A county investigator with every epidemic permission but not ``core.reveal_personal_data``."""
    from safecity.accounts.models import User

    group, _ = Group.objects.get_or_create(name="epidemic-no-reveal")
    group.permissions.set(Permission.objects.filter(content_type__app_label="epidemic"))
    user = User.objects.create_user(username="no-reveal", password=PASSWORD)
    user.groups.add(group)
    UserScope.objects.create(user=user, region=city["xinhui"])
    assert not user.has_perm("core.reveal_personal_data")
    return user


@pytest.fixture
def outbreak(city, admin_user_sc):
    disease = DiseaseFactory(code="covid-like", name="新型呼吸道传染病")
    ProtocolFactory(disease=disease)
    persons = []
    for i in range(8):
        region = city["dazhe"] if i < 5 else city["dajiang"]
        persons.append(PersonFactory(region=region, id_number=make_id_number(), phone=make_mobile()))
    index = persons[0]
    case = services.case_create(
        actor=admin_user_sc,
        person=index,
        disease=disease,
        classification="confirmed",
        source="fever_clinic",
        onset_at=timezone.now() - timedelta(days=1),
    )
    site = ExposureSiteFactory()
    for person in persons[1:4] + persons[5:7]:
        services.exposure_record(
            actor=admin_user_sc,
            person=person,
            source_person=index,
            exposed_on=timezone.localdate(),
            setting=Setting.HOUSEHOLD,
            proximity=Proximity.CLOSE_UNPROTECTED,
        )
    services.exposure_record(
        actor=admin_user_sc,
        person=persons[4],
        source_person=persons[1],
        exposed_on=timezone.localdate(),
        setting=Setting.DINING,
        proximity=Proximity.SAME_SPACE,
    )
    services.exposure_record(
        actor=admin_user_sc,
        person=persons[7],
        source_site=site,
        exposed_on=timezone.localdate(),
        setting=Setting.OTHER,
        proximity=Proximity.SAME_SPACE,
    )
    services.exposure_record(
        actor=admin_user_sc,
        person=persons[2],
        source_site=site,
        exposed_on=timezone.localdate(),
        setting=Setting.OTHER,
        proximity=Proximity.SAME_SPACE,
    )
    return {"persons": persons, "case": case, "site": site}


def secrets_of(persons) -> list[str]:
    values = []
    for p in Person.objects.filter(pk__in=[p.pk for p in persons]):
        values += [p.id_number, p.phone]
    return [v for v in values if v]


def text_of(response) -> str:
    content = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    if content[:2] == b"PK":  # xlsx
        sheet = load_workbook(io.BytesIO(content)).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
    return content.decode("utf-8-sig", errors="replace")


def epidemic_urls(outbreak) -> list[str]:
    case = outbreak["case"]
    cluster = Cluster.objects.get(pk=Person.objects.get(pk=case.person_id).cluster_id)
    urls = []
    for name, model in (
        ("person", Person),
        ("case", Case),
        ("exposuresite", ExposureSite),
        ("exposure", Exposure),
        ("cluster", Cluster),
    ):
        base = f"/epidemic/{name}s/"
        urls += [base, base + "?_export=xlsx", base + "?_export=csv"]
        for obj in model.objects.all():
            urls += [f"{base}{obj.pk}/", f"{base}{obj.pk}/history/"]
            if name in ("person", "case", "exposure", "exposuresite", "cluster"):
                urls.append(f"{base}{obj.pk}/edit/")
    api = ["persons", "cases", "exposures", "exposure-sites", "clusters"]
    for name, model in zip(api, (Person, Case, Exposure, ExposureSite, Cluster), strict=True):
        urls.append(f"/api/{name}/?page_size=1000")
        urls += [f"/api/{name}/{obj.pk}/" for obj in model.objects.all()]
    urls += [
        f"/api/cases/{case.pk}/contacts/?depth=3",
        f"/api/clusters/{cluster.pk}/graph/",
        f"/epidemic/clusters/{cluster.pk}/chain/",
        "/epidemic/persons/duplicates/",
        "/epidemic/persons/?q=" + Person.objects.get(pk=case.person_id).name,
        "/",
    ]
    return urls


def test_no_full_identity_number_or_phone_on_any_epidemic_page_export_or_api_answer(client, investigator, outbreak):
    client.force_login(investigator)
    secrets = secrets_of(outbreak["persons"])
    assert len(secrets) == 16
    checked = 0
    for url in epidemic_urls(outbreak):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code != 200:
            continue
        text = text_of(response)
        digits_only = re.sub(r"[\s\-]", "", text)
        for secret in secrets:
            assert secret not in text and secret not in digits_only, (url, secret)
        checked += 1
    assert checked > 40


def test_a_county_user_sees_only_their_countys_persons_cases_exposures_and_contacts(
    client, investigator, outbreak, city
):
    client.force_login(investigator)
    taishan = Region.objects.get(code=city["taishan"].code)
    theirs = Person.objects.filter(region__prefix__startswith=taishan.prefix)
    assert theirs.exists()
    for person in theirs:
        assert client.get(f"/epidemic/persons/{person.pk}/").status_code == 404
        assert client.get(f"/api/persons/{person.pk}/").status_code == 404
    listed = {row["id"] for row in client.get("/api/persons/?page_size=1000").json()["results"]}
    assert listed and not listed & set(theirs.values_list("pk", flat=True))
    exposures = {row["person"] for row in client.get("/api/exposures/?page_size=1000").json()["results"]}
    assert not exposures & set(theirs.values_list("pk", flat=True))
    contacts = client.get(f"/api/cases/{outbreak['case'].pk}/contacts/").json()["results"]
    assert {r["person"] for r in contacts} == set(
        Contact.objects.filter(
            person__region__prefix__startswith=city["xinhui"].prefix, archived_at__isnull=True
        ).values_list("person_id", flat=True)
    )
