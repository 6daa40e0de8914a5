"""Privacy purge: personal data of closed records past the protocol's retention is anonymised —
in the current rows and in their history — and nothing else is touched."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from safecity.epidemic.choices import CaseSource, Classification, Outcome
from safecity.epidemic.factories import PersonFactory
from safecity.epidemic.models import Case, Person
from safecity.epidemic.purge import pseudonym, purge_personal_data
from safecity.epidemic.services import case_close, case_create
from safecity.followup.factories import default_protocol, make_plan, system_actor
from safecity.followup.models import AssistRequest, AssistRequestItem, ManagementPlan
from safecity.followup.services import plan_end

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def _closed_case(city, *, days_ago: int, **person):
    protocol = default_protocol()
    actor = system_actor()
    person = PersonFactory(region=city["village"], address="五和村3巷8号", notes="家属电话见备注", **person)
    case = case_create(
        actor=actor,
        person=person,
        disease=protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
    )
    case_close(actor=actor, case=case, outcome=Outcome.RECOVERED)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return person, protocol


def test_a_closed_record_past_retention_is_anonymised_with_its_history(city):
    person, _protocol = _closed_case(
        city,
        days_ago=protocol_days() + 1,
        id_number=ID_NUMBER,
        phone="13800138000",
        sex="female",
        birth_date=date(1949, 12, 31),
    )
    name = person.name
    result = purge_personal_data()
    assert result.persons == 1
    person.refresh_from_db()
    assert person.name == pseudonym(person.pk)
    assert (person.id_number, person.phone, person.address, person.notes) == ("", "", "", "")
    assert person.birth_date == date(1949, 1, 1)  # the birth year stays for statistics
    assert person.sex == "female" and person.region == city["village"]
    for version in person.history.all():
        assert version.name == pseudonym(person.pk)
        assert version.id_number == "" and version.phone == "" and version.address == ""
    assert not Person.history.filter(name=name).exists()
    assert not Person.history.filter(id_number=ID_NUMBER).exists()
    assert person.cases.count() == 1  # links are kept


def protocol_days():
    return default_protocol().retention_days


def test_an_open_case_or_a_recent_closure_is_not_purged(city):
    recent, _p = _closed_case(city, days_ago=10)
    protocol = default_protocol()
    open_person = PersonFactory(region=city["village"])
    case_create(
        actor=system_actor(),
        person=open_person,
        disease=protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.SCREENING,
    )
    Case.objects.filter(person=open_person).update(reported_at=timezone.now() - timedelta(days=900))
    names = {recent.pk: recent.name, open_person.pk: open_person.name}
    assert purge_personal_data().persons == 0
    for person in Person.objects.filter(pk__in=names):
        assert person.name == names[person.pk] and person.id_number


def test_an_active_management_plan_keeps_the_person(city):
    person, _p = _closed_case(city, days_ago=1000)
    make_plan(region=city["village"])
    ManagementPlan.objects.update(person=person)
    assert purge_personal_data().persons == 0


def test_an_ended_plan_past_retention_is_purged_and_so_is_the_assist_request_row(city):
    plan = make_plan(region=city["village"])
    plan_end(actor=system_actor(), plan=plan, reason="转走")
    ManagementPlan.objects.filter(pk=plan.pk).update(ended_at=timezone.now() - timedelta(days=400))
    request = AssistRequest.objects.create(
        direction="incoming", counterpart="外市", reference_number="X1", region=city["xinhui"]
    )
    item = AssistRequestItem.objects.create(
        request=request, name=plan.person.name, id_number=plan.person.id_number, phone="13800138000", person=plan.person
    )
    assert purge_personal_data().persons == 1
    item.refresh_from_db()
    assert item.id_number == "" and item.phone == "" and item.name == pseudonym(plan.person_id)
    assert not AssistRequestItem.history.filter(phone="13800138000").exists()


def test_a_dry_run_changes_nothing_and_the_command_prints_counts(city):
    person, _p = _closed_case(city, days_ago=1000)
    before = (person.name, person.id_number, person.history.count())
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "1 persons" in out.getvalue()
    person.refresh_from_db()
    assert (person.name, person.id_number, person.history.count()) == before
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "anonymised 1 persons" in out.getvalue()
    person.refresh_from_db()
    assert person.name == pseudonym(person.pk)
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "anonymised 0 persons" in out.getvalue()
