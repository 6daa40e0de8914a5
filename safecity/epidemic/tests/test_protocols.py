"""The shipped protocols read like the documents: COVID-19 9th edition, the 10th ("乙类乙管"), dengue."""

from datetime import date

import pytest
from django.urls import reverse

from safecity.epidemic.models import Disease, Protocol, ProtocolMeasure
from safecity.epidemic.protocols import measures_for, protocol_for, schedule, sync_protocols

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    sync_protocols()


def steps_of(disease: str, version: str, person_class: str, start: date):
    protocol = Protocol.objects.get(disease__code=disease, version=version)
    return [
        (s.measure, s.days, s.start, s.end, list(s.test_dates))
        for s in schedule(measures_for(protocol, person_class), start)
    ]


def test_close_contact_under_the_9th_edition_is_7_days_facility_quarantine_then_3_days_home_monitoring(shipped):
    steps = steps_of("covid-19", "9", "close", date(2022, 9, 1))
    assert steps == [
        (
            "facility_quarantine",
            7,
            date(2022, 9, 1),
            date(2022, 9, 7),
            [date(2022, 9, 1), date(2022, 9, 2), date(2022, 9, 3), date(2022, 9, 5), date(2022, 9, 7)],
        ),
        ("home_monitoring", 3, date(2022, 9, 8), date(2022, 9, 10), [date(2022, 9, 10)]),
    ]


def test_secondary_contact_under_the_9th_edition_is_7_days_home_quarantine_tested_on_days_1_4_7(shipped):
    assert steps_of("covid-19", "9", "secondary", date(2022, 9, 1)) == [
        (
            "home_quarantine",
            7,
            date(2022, 9, 1),
            date(2022, 9, 7),
            [date(2022, 9, 1), date(2022, 9, 4), date(2022, 9, 7)],
        )
    ]


def test_arrivals_under_the_9th_edition_high_facility_medium_home_monitoring_low_two_tests_in_three_days(shipped):
    start = date(2022, 9, 1)
    assert [s[:2] for s in steps_of("covid-19", "9", "arrival_high", start)] == [("facility_quarantine", 7)]
    assert [s[:2] for s in steps_of("covid-19", "9", "arrival_medium", start)] == [("home_monitoring", 7)]
    low = steps_of("covid-19", "9", "arrival_low", start)
    assert [s[:2] for s in low] == [("tests_only", 3)]
    assert len(low[0][4]) == 2 and low[0][4][-1] <= date(2022, 9, 3)


def test_the_9th_edition_looks_back_4_days_and_names_the_secondary_contact_settings(shipped):
    ninth = Protocol.objects.get(disease__code="covid-19", version="9")
    assert ninth.look_back_days == 4
    assert set(ninth.secondary_settings) == {"household", "workplace", "dining", "entertainment"}
    assert "close_unprotected" in ninth.close_proximities


def test_the_10th_edition_determines_no_contacts_and_prescribes_no_measures(shipped):
    tenth = Protocol.objects.get(disease__code="covid-19", version="10")
    assert tenth.effective_from == date(2023, 1, 8)
    assert tenth.close_proximities == [] and tenth.secondary_settings == []
    assert not tenth.measures.exists()
    assert "乙类乙管" in tenth.notes


def test_protocol_for_a_date_is_the_version_in_force_then(shipped):
    covid = Disease.objects.get(code="covid-19")
    assert protocol_for(covid, date(2022, 12, 1)).version == "9"
    assert protocol_for("covid-19", date(2023, 1, 8)).version == "10"
    assert protocol_for(covid, date(2022, 6, 27)) is None


def test_dengue_is_vector_borne_with_no_person_to_person_contacts_and_14_days_monitoring_as_platform_default(shipped):
    dengue = Disease.objects.get(code="dengue")
    assert dengue.vector_borne
    protocol = protocol_for(dengue, date(2026, 7, 1))
    assert protocol.close_proximities == [] and protocol.secondary_settings == []
    assert [(m.measure, m.days) for m in measures_for(protocol, "close")] == [("home_monitoring", 14)]
    assert "平台默认" in protocol.notes


def test_sync_is_idempotent_and_never_changes_an_existing_version(shipped):
    ninth = Protocol.objects.get(disease__code="covid-19", version="9")
    ninth.retention_days = 365
    ninth.save()
    ProtocolMeasure.objects.filter(protocol=ninth, person_class="close", step=1).update(days=14)
    counts = (Disease.objects.count(), Protocol.objects.count(), ProtocolMeasure.objects.count())
    assert sync_protocols() == {"diseases": 0, "protocols": 0, "measures": 0}
    assert (Disease.objects.count(), Protocol.objects.count(), ProtocolMeasure.objects.count()) == counts
    ninth.refresh_from_db()
    assert ninth.retention_days == 365
    assert ninth.measures.get(person_class="close", step=1).days == 14


def test_sync_adds_a_version_that_is_missing(shipped):
    Protocol.objects.filter(disease__code="dengue").delete()
    assert sync_protocols()["protocols"] == 1
    assert Protocol.objects.filter(disease__code="dengue").count() == 1


def test_protocol_pages_list_every_version_and_show_the_measures(xinhui_client, shipped):
    listed = xinhui_client.get(reverse("followup:protocol_list"))
    assert listed.status_code == 200
    assert "新型冠状病毒肺炎防控方案（第九版）" in listed.content.decode()
    ninth = Protocol.objects.get(disease__code="covid-19", version="9")
    page = xinhui_client.get(reverse("followup:protocol_detail", args=[ninth.pk])).content.decode()
    assert "1、2、3、5、7" in page
