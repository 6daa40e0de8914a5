"""Privacy purge: personal data of closed records past the protocol's retention, of persons only
screened past the longest retention in force, and of persons only contacts of cases closed past their
protocols' retention, is anonymised — in the current rows and in their history,
with the free text of their records — and nothing else is touched; a dry run counts and changes nothing."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from safecity.epidemic.choices import CaseSource, Classification, Outcome, Proximity, Setting
from safecity.epidemic.factories import ExposureSiteFactory, PersonFactory, ProtocolFactory
from safecity.epidemic.models import Case, Contact, Exposure, Person
from safecity.epidemic.purge import DEFAULT_RETENTION_DAYS, pseudonym, purge_personal_data, retention_in_force
from safecity.epidemic.services import case_close, case_create
from safecity.followup import services as followup_services
from safecity.followup.factories import default_protocol, make_plan, system_actor
from safecity.followup.models import AssistRequest, AssistRequestItem, FollowUp, ManagementPlan
from safecity.followup.models import TestResult as PlanTest
from safecity.followup.services import followup_record, plan_end
from safecity.quarantine import services as services_q
from safecity.quarantine.factories import make_facility
from safecity.quarantine.models import Stay

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
    assert purge_personal_data().persons == 0  # kept while the request is open: its reply needs the number
    request.status = "done"
    request.save()
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


# ---- persons only screened ----------------------------------------------------------------------------


def _screened(city, *, days_ago: int, **fields):
    """A person entered by screening, edited once (two history versions), last changed ``days_ago`` days ago."""
    person = PersonFactory(region=city["village"], address="五和村1巷2号", notes="筛查：去过菜市场", **fields)
    person.notes = "筛查：去过菜市场，同住母亲"
    person.save()
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - timedelta(days=days_ago))
    return person


def _in_force():
    return retention_in_force(timezone.localdate())


def test_a_person_only_screened_is_anonymised_with_history_after_the_retention_in_force(city):
    days = _in_force()
    old = _screened(city, days_ago=days + 1, birth_date=date(1985, 6, 12), sex="male")
    recent = _screened(city, days_ago=days - 1)
    old_name, recent_name = old.name, recent.name
    result = purge_personal_data()
    assert (result.persons, result.screened_persons) == (1, 1)
    assert result.candidates[0].rule == "screened only" and result.candidates[0].retention_days == days
    old.refresh_from_db()
    assert old.name == pseudonym(old.pk)
    assert (old.id_number, old.phone, old.address, old.notes) == ("", "", "", "")
    assert old.birth_date == date(1985, 1, 1) and old.sex == "male"
    assert old.history.count() == 3
    for version in old.history.all():
        assert (version.name, version.id_number, version.phone, version.address, version.notes) == (
            pseudonym(old.pk),
            "",
            "",
            "",
            "",
        )
    assert not Person.history.filter(name=old_name).exists()
    recent.refresh_from_db()
    assert recent.name == recent_name and recent.notes


def test_the_retention_for_screened_persons_is_the_longest_of_the_protocols_in_force(city):
    today = timezone.localdate()
    base = _in_force()
    longer = ProtocolFactory(retention_days=base + 200, effective_from=date(2020, 1, 1))
    # not in force: ended, archived, not yet started, or superseded by a later version of the same disease
    ProtocolFactory(retention_days=5000, effective_from=date(2020, 1, 1), effective_until=today - timedelta(days=1))
    ProtocolFactory(retention_days=5000, effective_from=date(2020, 1, 1), archived_at=timezone.now())
    ProtocolFactory(retention_days=5000, effective_from=today + timedelta(days=1))
    ProtocolFactory(disease=longer.disease, retention_days=5000, effective_from=date(2019, 1, 1))
    assert _in_force() == base + 200
    assert retention_in_force(date(1990, 1, 1)) == DEFAULT_RETENTION_DAYS  # nothing in force yet: the default
    kept = _screened(city, days_ago=base + 100)
    gone = _screened(city, days_ago=base + 201)
    assert [c.person_id for c in purge_personal_data().candidates] == [gone.pk]
    kept.refresh_from_db()
    assert not kept.name.startswith("匿名-")


def test_screened_persons_with_a_contact_plan_stay_open_request_or_recent_exposure_are_kept(city):
    days = _in_force() + 10
    actor = system_actor()
    protocol = default_protocol()
    case_person = PersonFactory(region=city["village"])
    case = case_create(
        actor=actor,
        person=case_person,
        disease=protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.SCREENING,
    )
    contact = _screened(city, days_ago=days)
    Contact.objects.create(
        person=contact,
        case=case,
        contact_class="close",
        first_exposed_on=date(2024, 1, 1),
        last_exposed_on=date(2024, 1, 1),
        determined_at=timezone.now() - timedelta(days=days),
    )
    with_stay = _screened(city, days_ago=days)
    facility = make_facility(city["dazhe"], rooms=1)
    services_q.check_in(actor=actor, person=with_stay, facility=facility)
    Person.objects.filter(pk=with_stay.pk).update(updated_at=timezone.now() - timedelta(days=days))
    requested = _screened(city, days_ago=days)
    request = AssistRequest.objects.create(
        direction="incoming", counterpart="外市", reference_number="S1", region=city["xinhui"]
    )
    AssistRequestItem.objects.create(request=request, name=requested.name, person=requested)
    AssistRequestItem.objects.filter(person=requested).update(updated_at=timezone.now() - timedelta(days=days))
    exposed = _screened(city, days_ago=days)
    Exposure.objects.create(
        person=exposed,
        source_site=ExposureSiteFactory(region=city["village"]),
        exposed_on=timezone.localdate(),
        setting=Setting.DINING,
        proximity=Proximity.SAME_SPACE,
    )
    assert purge_personal_data().persons == 0
    # the request done and the exposure old: those two go (the contact and the one in a bed stay)
    request.status = "done"
    request.save()
    Exposure.objects.update(updated_at=timezone.now() - timedelta(days=days))
    result = purge_personal_data()
    assert sorted(c.person_id for c in result.candidates) == sorted([requested.pk, exposed.pk])
    assert result.assist_items == 1


def test_an_open_quarantine_stay_keeps_a_person_whose_cases_are_closed(city):
    person, _p = _closed_case(city, days_ago=1000)
    stay = services_q.check_in(actor=system_actor(), person=person, facility=make_facility(city["dazhe"], rooms=1))
    assert purge_personal_data().persons == 0
    services_q.check_out(actor=system_actor(), stay=stay)
    assert purge_personal_data().persons == 0  # checked out today: the retention runs from now
    Stay.objects.filter(pk=stay.pk).update(
        checked_in_at=timezone.now() - timedelta(days=1001), checked_out_at=timezone.now() - timedelta(days=1000)
    )
    assert purge_personal_data().persons == 1


# ---- free text ----------------------------------------------------------------------------------------

SECRET = "张三家住五和村3巷8号"


def _with_text(instance, field: str, text: str = SECRET):
    """Write ``text`` twice (two history versions with it)."""
    setattr(instance, field, text)
    instance.save()
    setattr(instance, field, text + "，电话13800138000")
    instance.save()
    return instance


def _person_with_every_record(city):
    """A plan (ended) with a follow-up and a test, a closed case, a closed stay, an exposure and an assist-request
    row, each with free text; everything closed 1,000 days ago."""
    actor = system_actor()
    plan = make_plan(region=city["village"])
    person = plan.person
    _with_text(person, "notes")
    _with_text(followup_record(actor=actor, plan=plan, result="well", note=SECRET), "note")
    _with_text(
        followup_services.test_record(actor=actor, plan=plan, sampled_on=timezone.localdate(), note=SECRET), "note"
    )
    stay = services_q.check_in(actor=actor, person=person, facility=make_facility(city["dazhe"], rooms=1), plan=plan)
    services_q.check_out(actor=actor, stay=stay, note=SECRET)
    _with_text(stay, "note")
    plan_end(actor=actor, plan=plan, reason="去女儿家（江门市蓬江区）")
    _with_text(plan, "notes")
    case = case_create(
        actor=actor,
        person=person,
        disease=plan.protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
        place="五和村卫生站",
        notes=SECRET,
    )
    case_close(actor=actor, case=case, outcome=Outcome.RECOVERED)
    _with_text(Case.objects.get(pk=case.pk), "notes")
    exposure = _with_text(
        Exposure.objects.create(
            person=person,
            source_site=ExposureSiteFactory(region=city["village"]),
            exposed_on=date(2024, 1, 1),
            setting=Setting.DINING,
            proximity=Proximity.SAME_SPACE,
        ),
        "note",
    )
    request = AssistRequest.objects.create(
        direction="incoming", counterpart="外市", reference_number="T1", region=city["xinhui"], status="done"
    )
    item = AssistRequestItem.objects.create(request=request, name=person.name, person=person, measures=SECRET)
    _with_text(item, "left_for")
    long_ago = timezone.now() - timedelta(days=1000)
    Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
    ManagementPlan.objects.filter(pk=plan.pk).update(ended_at=long_ago)
    Stay.objects.filter(pk=stay.pk).update(checked_in_at=long_ago - timedelta(days=1), checked_out_at=long_ago)
    # someone else's exposure note stays
    other = Exposure.objects.create(
        person=PersonFactory(region=city["village"]),
        source_person=person,
        exposed_on=date(2024, 1, 1),
        setting=Setting.DINING,
        proximity=Proximity.SAME_SPACE,
        note="同桌",
    )
    return person, {
        "case": case,
        "plan": plan,
        "stay": stay,
        "exposure": exposure,
        "item": item,
        "other": other,
    }


FREE_TEXT_FIELDS = [
    (Person, "notes"),
    (Exposure, "note"),
    (Case, "notes"),
    (Case, "place"),
    (ManagementPlan, "notes"),
    (ManagementPlan, "end_reason"),
    (FollowUp, "note"),
    (PlanTest, "note"),
    (Stay, "note"),
    (AssistRequestItem, "left_for"),
    (AssistRequestItem, "measures"),
]


def _texts(person):
    """Every non-empty value of the free-text fields, current rows and history, of ``person``'s records."""
    paths = {FollowUp: "plan__person", PlanTest: "plan__person", Person: "pk"}
    found = {}
    for model, name in FREE_TEXT_FIELDS:
        path = paths.get(model, "person")
        ids = list(model.objects.filter(**{path: person.pk}).values_list("pk", flat=True))
        current = set(model.objects.filter(pk__in=ids).exclude(**{name: ""}).values_list(name, flat=True))
        versions = set(model.history.filter(id__in=ids).exclude(**{name: ""}).values_list(name, flat=True))
        if current or versions:
            found[f"{model.__name__}.{name}"] = current | versions
    return found


def test_the_free_text_of_a_purged_persons_records_is_emptied_with_its_history(city):
    person, rows = _person_with_every_record(city)
    before = _texts(person)
    assert set(before) == {f"{m.__name__}.{n}" for m, n in FREE_TEXT_FIELDS}  # the set-up wrote every field
    result = purge_personal_data()
    assert result.persons == 1
    assert _texts(person) == {}
    assert not Exposure.history.filter(note__contains="张三").exists()
    assert result.free_text["Case.notes/place"] == 1 and result.free_text["FollowUp.note"] == 1
    assert result.free_text_versions > 0
    # what is not about the person, or about another person, stays
    rows["other"].refresh_from_db()
    assert rows["other"].note == "同桌"
    rows["case"].refresh_from_db()
    assert rows["case"].outcome == Outcome.RECOVERED and rows["case"].person_id == person.pk


def test_a_dry_run_counts_the_free_text_and_the_screened_persons_and_changes_nothing(city):
    person, _rows = _person_with_every_record(city)
    screened = _screened(city, days_ago=_in_force() + 1)
    before = (_texts(person), Person.history.filter(pk__in=[person.pk, screened.pk]).count())
    result = purge_personal_data(dry_run=True)
    assert (result.persons, result.screened_persons) == (2, 1)
    assert result.free_text == {
        "Exposure.note": 1,
        "Case.notes/place": 1,
        "ManagementPlan.notes/end_reason": 1,
        "FollowUp.note": 1,
        "TestResult.note": 1,
        "Stay.note": 1,
    }
    assert result.free_text_versions > 0 and result.assist_items == 1
    assert (_texts(person), Person.history.filter(pk__in=[person.pk, screened.pk]).count()) == before
    screened.refresh_from_db()
    assert screened.id_number and not screened.name.startswith("匿名-")
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "2 persons (1 only screened)" in text and "Case.notes/place 1" in text and "screened only" in text
    assert _texts(person) == before[0]
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "anonymised 2 persons (1 only screened)" in out.getvalue() and "Stay.note 1" in out.getvalue()
    assert _texts(person) == {}


# ---- persons only contacts ----------------------------------------------------------------------------


def _index_case(city, *, closed_days_ago: int | None = None):
    """A case of the test disease (default protocol); closed ``closed_days_ago`` days ago, or open when None."""
    actor = system_actor()
    case = case_create(
        actor=actor,
        person=PersonFactory(region=city["village"]),
        disease=default_protocol().disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.SCREENING,
    )
    if closed_days_ago is not None:
        case_close(actor=actor, case=case, outcome=Outcome.RECOVERED)
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=closed_days_ago))
    return Case.objects.get(pk=case.pk)


def _contact_of(city, *cases, days_ago: int = 1000):
    """A person who is only a contact of ``cases`` (edited once: two history versions, notes in both), exposed
    to the first case's person with a note; exposure, contact rows and the person last changed ``days_ago``."""
    person = PersonFactory(region=city["village"], address="五和村5巷1号", notes="密接：同桌吃饭")
    person.notes = "密接：同桌吃饭，住在女儿家"
    person.save()
    long_ago = timezone.localdate() - timedelta(days=days_ago)
    Exposure.objects.create(
        person=person,
        source_person=cases[0].person,
        exposed_on=long_ago,
        setting=Setting.DINING,
        proximity=Proximity.SAME_SPACE,
        note=SECRET,
    )
    for case in cases:
        Contact.objects.create(
            person=person,
            case=case,
            contact_class="close",
            first_exposed_on=long_ago,
            last_exposed_on=long_ago,
            determined_at=timezone.now() - timedelta(days=days_ago),
        )
    then = timezone.now() - timedelta(days=days_ago)
    Exposure.objects.filter(person=person).update(updated_at=then)
    Person.objects.filter(pk=person.pk).update(updated_at=then)
    return person


def _contact_candidates(result):
    return [c for c in result.candidates if c.rule == "contact only"]


def test_a_contact_of_a_case_closed_long_ago_is_anonymised_with_history(city):
    case = _index_case(city, closed_days_ago=1000)
    person = _contact_of(city, case)
    name = person.name
    result = purge_personal_data()
    [candidate] = _contact_candidates(result)
    assert candidate.person_id == person.pk and candidate.retention_days == protocol_days()
    assert result.contact_persons == 1
    person.refresh_from_db()
    assert person.name == pseudonym(person.pk)
    assert (person.id_number, person.phone, person.address, person.notes) == ("", "", "", "")
    assert person.history.count() == 3
    for version in person.history.all():
        assert (version.name, version.id_number, version.phone, version.address, version.notes) == (
            pseudonym(person.pk),
            "",
            "",
            "",
            "",
        )
    assert not Person.history.filter(name=name).exists()
    assert not Exposure.history.filter(person=person).exclude(note="").exists()  # free text, history included
    assert person.contacts.count() == 1 and person.exposures_in.count() == 1  # links are kept
    assert _contact_candidates(purge_personal_data()) == []  # purged persons are skipped


def test_a_contact_of_an_open_case_or_of_one_closed_and_one_open_case_is_kept(city):
    closed = _index_case(city, closed_days_ago=1000)
    opened = _index_case(city)
    of_open = _contact_of(city, opened)
    of_both = _contact_of(city, closed, opened)
    names = {of_open.pk: of_open.name, of_both.pk: of_both.name}
    assert _contact_candidates(purge_personal_data()) == []
    for person in Person.objects.filter(pk__in=names):
        assert person.name == names[person.pk] and person.id_number
    # the open case's contact row archived (no longer a contact of it): only the closed case counts
    Contact.objects.filter(person=of_both, case=opened).update(archived_at=timezone.now() - timedelta(days=1000))
    assert [c.person_id for c in _contact_candidates(purge_personal_data())] == [of_both.pk]


def test_a_contact_whose_case_closed_recently_or_who_changed_recently_is_kept(city):
    recent_case = _contact_of(city, _index_case(city, closed_days_ago=10))
    old_case = _index_case(city, closed_days_ago=1000)
    changed = _contact_of(city, old_case)
    changed.phone = "13900139000"
    changed.save()  # changed today
    exposed = _contact_of(city, old_case)
    Contact.objects.filter(person=exposed).update(last_exposed_on=timezone.localdate() - timedelta(days=5))
    requested = _contact_of(city, old_case)
    request = AssistRequest.objects.create(
        direction="incoming", counterpart="外市", reference_number="C1", region=city["xinhui"]
    )
    AssistRequestItem.objects.create(request=request, name=requested.name, person=requested)
    assert _contact_candidates(purge_personal_data()) == []
    for person in (recent_case, changed, exposed, requested):
        person.refresh_from_db()
        assert not person.name.startswith("匿名-")
    # the request done: its row changed today, so the person still waits out the retention
    request.status = "done"
    request.save()
    assert _contact_candidates(purge_personal_data()) == []
    AssistRequestItem.objects.filter(person=requested).update(updated_at=timezone.now() - timedelta(days=1000))
    assert [c.person_id for c in _contact_candidates(purge_personal_data())] == [requested.pk]


def test_a_contact_gets_the_longest_retention_of_their_cases_protocols(city):
    days = protocol_days()
    short = _index_case(city, closed_days_ago=days + 50)
    longer = _index_case(city, closed_days_ago=days + 50)
    Case.objects.filter(pk=longer.pk).update(protocol=ProtocolFactory(retention_days=days + 100))
    person = _contact_of(city, short, longer, days_ago=days + 50)
    assert _contact_candidates(purge_personal_data(dry_run=True)) == []  # past the short one, not the longer
    then = timezone.now() - timedelta(days=days + 101)
    Case.objects.filter(pk__in=[short.pk, longer.pk]).update(closed_at=then)
    Contact.objects.filter(person=person).update(last_exposed_on=timezone.localdate() - timedelta(days=days + 102))
    Person.objects.filter(pk=person.pk).update(updated_at=then)
    Exposure.objects.filter(person=person).update(updated_at=then)
    [candidate] = _contact_candidates(purge_personal_data(dry_run=True))
    assert (candidate.person_id, candidate.retention_days) == (person.pk, days + 100)


def test_a_dry_run_counts_the_contact_only_person_and_changes_nothing(city):
    person = _contact_of(city, _index_case(city, closed_days_ago=1000))
    exposure_notes = list(Exposure.history.filter(person=person).values_list("note", flat=True))
    before = (person.name, person.id_number, person.notes, person.history.count(), exposure_notes)
    result = purge_personal_data(dry_run=True)
    assert result.dry_run and result.contact_persons == 1
    assert [c.person_id for c in _contact_candidates(result)] == [person.pk]
    assert result.free_text["Exposure.note"] >= 1 and result.person_versions >= 2
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "1 only contacts" in out.getvalue() and "(contact only)" in out.getvalue()
    person.refresh_from_db()
    exposure_notes = list(Exposure.history.filter(person=person).values_list("note", flat=True))
    assert (person.name, person.id_number, person.notes, person.history.count(), exposure_notes) == before
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "1 only contacts" in out.getvalue()
    person.refresh_from_db()
    assert person.name == pseudonym(person.pk)


def test_a_person_whose_own_case_closed_long_ago_is_kept_while_they_are_a_contact_of_an_open_case(city):
    person, _protocol = _closed_case(city, days_ago=1000)
    opened = _index_case(city)
    Contact.objects.create(
        person=person,
        case=opened,
        contact_class="close",
        first_exposed_on=timezone.localdate(),
        last_exposed_on=timezone.localdate(),
        determined_at=timezone.now(),
    )
    assert purge_personal_data().persons == 0
    Case.objects.filter(pk=opened.pk).update(closed_at=timezone.now() - timedelta(days=1000))
    purged = {c.person_id for c in purge_personal_data().candidates}
    assert purged == {person.pk, opened.person_id}  # and the other case's person, closed as long ago
