"""The person index and case services: dedupe at entry, merge keeps every link, cases and their protocol."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.epidemic import services
from safecity.epidemic.choices import Classification, Proximity, Setting, SiteKind
from safecity.epidemic.factories import DiseaseFactory, ExposureSiteFactory, PersonFactory, ProtocolFactory
from safecity.epidemic.models import Case, Contact, Disease, Exposure, Person
from safecity.epidemic.protocols import sync_protocols
from safecity.epidemic.selectors import cluster_of, contacts_of_case

TODAY = timezone.localdate()


@pytest.fixture
def actor(city):
    return make_user("epi", Role.COUNTY_STAFF, city["xinhui"].code)


@pytest.fixture
def disease(db):
    disease = DiseaseFactory(code="flu", name="流感")
    ProtocolFactory(
        disease=disease, version="2020", effective_from=date(2020, 1, 1), effective_until=TODAY - timedelta(days=31)
    )
    ProtocolFactory(disease=disease, version="now", effective_from=TODAY - timedelta(days=30), look_back_days=2)
    return disease


def find(actor, city, **kwargs):
    kwargs.setdefault("region", city["dazhe"])
    return services.person_find_or_create(actor=actor, **kwargs)


def test_same_identity_number_in_another_form_is_the_same_person(actor, city):
    first, created = find(actor, city, name="张三", id_number="11010519491231002x")
    again, created_again = find(actor, city, name="张叁", id_number=" 11010519491231002X ")
    assert created and not created_again and again == first
    assert first.id_number == "11010519491231002X"
    assert first.sex == "female" and first.birth_date == date(1949, 12, 31)


def test_a_legacy_15_digit_number_is_upgraded_and_matches_the_18_digit_one(actor, city):
    person, _ = find(actor, city, name="王五", id_number="440524800101001")
    assert len(person.id_number) == 18
    same, created = find(actor, city, name="王五", id_number=person.id_number)
    assert same == person and not created


def test_same_name_and_phone_without_id_is_the_same_person_and_gets_the_id(actor, city):
    first, _ = find(actor, city, name="李四", phone="138-0013-8000")
    again, created = find(actor, city, name="李四", phone="13800138000", id_number="440524188001010014")
    assert again == first and not created
    again.refresh_from_db()
    assert again.id_number == "440524188001010014"
    assert again.history.first().history_change_reason == "completed on entry"


def test_same_name_and_phone_but_another_identity_number_is_another_person(actor, city):
    find(actor, city, name="李四", phone="13800138000", id_number="440524188001010014")
    _other, created = find(actor, city, name="李四", phone="13800138000", id_number="11010519491231002X")
    assert created and Person.objects.filter(name="李四").count() == 2


def test_the_database_itself_refuses_a_second_person_with_the_same_identity_number(actor, city):
    """The partial unique index the import's ``ON CONFLICT`` and every concurrent entry rely on — a merged-away
    duplicate may keep the number."""
    first, _ = find(actor, city, name="张三", id_number="11010519491231002X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="张叁", id_number=first.id_number, region=first.region)
    duplicate = Person.objects.create(name="张叁", id_number="", region=first.region, merged_into=first)
    Person.objects.filter(pk=duplicate.pk).update(id_number=first.id_number)


def test_invalid_identity_number_and_phone_are_field_errors(actor, city):
    with pytest.raises(ValidationError) as err:
        find(actor, city, name="赵六", id_number="110105194912310021")
    assert "id_number" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        find(actor, city, name="赵六", phone="12345")
    assert "phone" in err.value.message_dict


def test_merge_keeps_every_case_exposure_and_contact_and_joins_the_chains(actor, city, disease):
    keep = PersonFactory(name="周七", id_number="", phone="13700000001")
    duplicate = PersonFactory(name="周七", id_number="440524188001010014", phone="13700000001")
    index, contact, other = PersonFactory(), PersonFactory(), PersonFactory()
    case = services.case_create(
        actor=actor, person=index, disease=disease, classification="confirmed", source="screening"
    )
    services.exposure_record(
        actor=actor,
        person=duplicate,
        source_person=index,
        exposed_on=TODAY,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    services.exposure_record(
        actor=actor,
        person=other,
        source_person=keep,
        exposed_on=TODAY,
        setting=Setting.DINING,
        proximity=Proximity.DISTANT,
    )
    services.exposure_record(
        actor=actor,
        person=contact,
        source_person=duplicate,
        exposed_on=TODAY,
        setting=Setting.WORKPLACE,
        proximity=Proximity.SAME_SPACE,
    )
    dup_case = services.case_create(
        actor=actor,
        person=duplicate,
        disease=DiseaseFactory(code="x2", name="其他病"),
        classification="suspected",
        source="screening",
    )
    assert cluster_of(keep) != cluster_of(index)

    kept = services.person_merge(actor=actor, keep=keep, duplicate=duplicate)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept and duplicate.archived_at is not None and duplicate.cluster is None
    assert kept.id_number == "440524188001010014"
    assert set(Exposure.objects.filter(person=kept).values_list("source_person", flat=True)) == {index.pk}
    assert set(Exposure.objects.filter(source_person=kept).values_list("person", flat=True)) == {other.pk, contact.pk}
    assert (
        not Exposure.objects.filter(person=duplicate).exists()
        and not Exposure.objects.filter(source_person=duplicate).exists()
    )
    assert Case.objects.get(pk=dup_case.pk).person == kept
    assert Contact.objects.get(case=case, archived_at__isnull=True, person=kept).contact_class == "close"
    assert cluster_of(kept) == cluster_of(index) == cluster_of(other) == cluster_of(contact)
    assert cluster_of(kept).size == 4
    assert "merged into" in duplicate.history.first().history_change_reason
    assert "merged with" in Person.objects.get(pk=kept.pk).history.first().history_change_reason


def test_merging_persons_with_different_identity_numbers_is_refused_and_changes_nothing(actor, city):
    a = PersonFactory(id_number="440524188001010014")
    b = PersonFactory(id_number="11010519491231002X")
    with pytest.raises(ValidationError, match="身份证号码不一致"):
        services.person_merge(actor=actor, keep=a, duplicate=b)
    b.refresh_from_db()
    assert b.merged_into is None and b.archived_at is None


def test_merge_moves_links_of_other_apps_found_generically(actor, city):
    related = [rel.related_model._meta.label for rel in Person._meta.related_objects if rel.related_model is not Person]
    # every model pointing at a person is moved by the same loop (cases, exposures, contacts, and
    # whatever follow-up or quarantine add): make sure the loop sees them
    assert {"epidemic.Case", "epidemic.Exposure", "epidemic.Contact"} <= set(related)


def test_a_case_takes_the_protocol_in_force_on_its_report_date(actor, city, disease):
    old = services.case_create(
        actor=actor,
        person=PersonFactory(),
        disease=disease,
        classification="confirmed",
        source="screening",
        reported_at=timezone.now() - timedelta(days=60),
    )
    new = services.case_create(
        actor=actor, person=PersonFactory(), disease=disease, classification="confirmed", source="screening"
    )
    assert old.protocol.version == "2020" and new.protocol.version == "now"


def test_a_second_open_case_of_the_same_disease_is_refused(actor, city, disease):
    person = PersonFactory()
    services.case_create(actor=actor, person=person, disease=disease, classification="suspected", source="screening")
    with pytest.raises(ValidationError) as err:
        services.case_create(
            actor=actor, person=person, disease=disease, classification="confirmed", source="screening"
        )
    assert "person" in err.value.message_dict


def test_report_before_detection_is_refused(actor, city, disease):
    now = timezone.now()
    with pytest.raises(ValidationError) as err:
        services.case_create(
            actor=actor,
            person=PersonFactory(),
            disease=disease,
            classification="confirmed",
            source="screening",
            detected_at=now - timedelta(hours=1),
            reported_at=now - timedelta(hours=2),
        )
    assert "reported_at" in err.value.message_dict
    assert Case.objects.count() == 0


def test_correcting_the_onset_moves_the_look_back_window(actor, city, disease):
    index, early = PersonFactory(), PersonFactory()
    case = services.case_create(
        actor=actor,
        person=index,
        disease=disease,
        classification="confirmed",
        source="screening",
        onset_at=timezone.now() - timedelta(days=1),
    )
    services.exposure_record(
        actor=actor,
        person=early,
        source_person=index,
        exposed_on=TODAY - timedelta(days=6),
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    assert not contacts_of_case(case).exists()  # 6 days before report, look-back 2 days before onset
    services.case_update_times(actor=actor, case=case, onset_at=timezone.now() - timedelta(days=5))
    assert list(contacts_of_case(case).values_list("person_id", flat=True)) == [early.pk]


def test_a_county_user_cannot_record_an_exposure_of_another_countys_person(actor, city):
    theirs = PersonFactory(region=city["dajiang"])
    mine = PersonFactory()
    from safecity.core.exceptions import OutOfScope

    with pytest.raises(OutOfScope):
        services.exposure_record(
            actor=actor,
            person=theirs,
            source_person=mine,
            exposed_on=TODAY,
            setting=Setting.HOUSEHOLD,
            proximity=Proximity.CLOSE_UNPROTECTED,
        )
    assert Exposure.objects.count() == 0
    # but their person may be the source (a case in another county exposed mine)
    services.exposure_record(
        actor=actor,
        person=mine,
        source_person=theirs,
        exposed_on=TODAY,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )


def test_excluding_classification_needs_a_real_change(actor, city, disease):
    case = services.case_create(
        actor=actor, person=PersonFactory(), disease=disease, classification="confirmed", source="screening"
    )
    with pytest.raises(ValidationError):
        services.case_classify(actor=actor, case=case, classification=Classification.CONFIRMED, reason="同")


# --------------------------------------------------------------------------------------------------
# Exposures at a site make contacts through the shipped protocols and survive a merge
# --------------------------------------------------------------------------------------------------


def _at(day: date, hour: int = 9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _at_site(actor, person, site, day, *, setting=Setting.DINING, proximity=Proximity.SAME_SPACE):
    return services.exposure_record(
        actor=actor, person=person, source_site=site, exposed_on=day, setting=setting, proximity=proximity
    )


def _live(case) -> dict[int, str]:
    return dict(Contact.objects.filter(case=case, archived_at__isnull=True).values_list("person_id", "contact_class"))


def test_under_the_9th_edition_a_diner_in_the_same_room_as_a_case_is_a_close_contact_and_under_the_10th_not(
    actor, city
):
    sync_protocols()
    covid = Disease.objects.get(code="covid-19")
    restaurant = ExposureSiteFactory(kind=SiteKind.EVENT, name="某酒家聚餐")
    index, guest, spouse = PersonFactory(), PersonFactory(), PersonFactory()
    case = services.case_create(
        actor=actor,
        person=index,
        disease=covid,
        classification=Classification.CONFIRMED,
        source="fever_clinic",
        onset_at=_at(date(2022, 9, 3)),
        reported_at=_at(date(2022, 9, 5)),
    )
    assert case.protocol.version == "9" and Proximity.SAME_SPACE in case.protocol.close_proximities
    _at_site(actor, index, restaurant, date(2022, 9, 1))
    _at_site(actor, guest, restaurant, date(2022, 9, 1))
    services.exposure_record(
        actor=actor,
        person=spouse,
        source_person=guest,
        exposed_on=date(2022, 9, 2),
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    assert _live(case) == {guest.pk: "close", spouse.pk: "secondary"}
    # the same dinner under the 10th edition ("乙类乙管"): no contacts are determined
    later = ExposureSiteFactory(kind=SiteKind.EVENT)
    index10, guest10 = PersonFactory(), PersonFactory()
    case10 = services.case_create(
        actor=actor, person=index10, disease=covid, classification=Classification.CONFIRMED, source="fever_clinic"
    )
    assert case10.protocol.version == "10"
    _at_site(actor, index10, later, TODAY - timedelta(days=1))
    _at_site(actor, guest10, later, TODAY - timedelta(days=1))
    assert _live(case10) == {}


def test_dengue_makes_no_contacts_at_a_site_however_close(actor, city):
    """Dengue is vector-borne: its protocol has no close proximities, so persons bitten at the same market
    on the same day are joined in the chain but not made contacts (they are entered by hand as its note says)."""
    sync_protocols()
    dengue = Disease.objects.get(code="dengue")
    market = ExposureSiteFactory(name="农贸市场")
    index, neighbour = PersonFactory(), PersonFactory()
    case = services.case_create(
        actor=actor, person=index, disease=dengue, classification=Classification.CONFIRMED, source="fever_clinic"
    )
    for person in (index, neighbour):
        _at_site(actor, person, market, TODAY - timedelta(days=1), setting=Setting.MOSQUITO)
    assert case.protocol.close_proximities == []
    assert _live(case) == {}
    assert cluster_of(index) == cluster_of(neighbour)


def test_merge_brings_the_duplicates_site_exposures_into_the_contacts(actor, city, disease):
    """The kept record is a case; the duplicate was recorded at a dinner and at a market with another case.
    After the merge the case was at the dinner, so the other diner is its close contact (and so is the
    other case, met at the market); the duplicate's close-contact row of the other case moves to the kept
    person, whose household becomes a secondary contact of it."""
    keep = PersonFactory(name="周七", id_number="", phone="13700000001")
    duplicate = PersonFactory(name="周七", id_number="440524188001010014", phone="13700000001")
    diner, other_index, household = PersonFactory(), PersonFactory(), PersonFactory()
    dinner, market = ExposureSiteFactory(), ExposureSiteFactory()
    day = TODAY - timedelta(days=1)
    own_case = services.case_create(
        actor=actor, person=keep, disease=disease, classification="confirmed", source="screening"
    )
    other_case = services.case_create(
        actor=actor, person=other_index, disease=disease, classification="confirmed", source="screening"
    )
    services.exposure_record(
        actor=actor,
        person=household,
        source_person=keep,
        exposed_on=day,
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.DISTANT,
    )
    _at_site(actor, duplicate, dinner, day)
    _at_site(actor, diner, dinner, day)
    _at_site(actor, duplicate, market, day, setting=Setting.OTHER)
    _at_site(actor, other_index, market, day, setting=Setting.OTHER)
    assert _live(own_case) == {}
    assert _live(other_case) == {duplicate.pk: "close", diner.pk: "secondary"}  # dined with a close contact

    kept = services.person_merge(actor=actor, keep=keep, duplicate=duplicate)

    assert _live(own_case) == {diner.pk: "close", other_index.pk: "close"}
    assert _live(other_case) == {kept.pk: "close", diner.pk: "secondary", household.pk: "secondary"}
    assert Contact.objects.get(case=other_case, person=diner).via.person_id == kept.pk


@pytest.mark.django_db(transaction=True)
def test_the_lost_identity_number_index_is_restored_and_shared_numbers_stop_the_migration_by_name(actor, city):
    """Migration 0005 (PostgreSQL lost the index in 0003): it names persons sharing a number rather than
    failing on the index, and restores the index once they are merged."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("safecity.epidemic.migrations.0005_restore_unique_id_number")
    first, _ = find(actor, city, name="张三", id_number="11010519491231002X")
    with connection.schema_editor() as editor:
        editor.execute(f"DROP INDEX {migration.NAME}")
    second = Person.objects.create(name="张叁", id_number=first.id_number, region=first.region)
    with pytest.raises(RuntimeError, match=r"…002X \(2 persons\)"), connection.schema_editor() as editor:
        migration.restore(apps, editor)
    services.person_merge(actor=actor, keep=first, duplicate=second)
    with connection.schema_editor() as editor:
        migration.restore(apps, editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="张叁", id_number=first.id_number, region=first.region)
