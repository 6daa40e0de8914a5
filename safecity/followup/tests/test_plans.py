"""Management plans follow the protocol version in force when they start, and keep it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.epidemic.choices import CaseSource, Classification, Proximity, Setting
from safecity.epidemic.factories import DiseaseFactory, PersonFactory
from safecity.epidemic.protocols import sync_protocols
from safecity.epidemic.services import case_create, exposure_record
from safecity.followup import selectors, services
from safecity.followup.choices import FollowUpResult, PlanStatus
from safecity.followup.choices import TestOutcome as Outcome
from safecity.followup.factories import default_protocol, make_plan, protocol_with_measures, system_actor
from safecity.followup.models import ManagementPlan

TODAY = timezone.localdate


def test_a_close_contact_plan_under_the_9th_edition_has_its_steps_and_test_dates(city):
    sync_protocols()
    from safecity.epidemic.models import Disease

    plan = services.plan_create(
        actor=system_actor(),
        person=PersonFactory(region=city["village"]),
        person_class="close",
        disease=Disease.objects.get(code="covid-19"),
        start=date(2022, 9, 1),
    )
    assert plan.protocol.version == "9"
    assert plan.end_date == date(2022, 9, 10)
    steps = list(plan.steps.order_by("step"))
    assert [(s.measure, s.start_date, s.end_date) for s in steps] == [
        ("facility_quarantine", date(2022, 9, 1), date(2022, 9, 7)),
        ("home_monitoring", date(2022, 9, 8), date(2022, 9, 10)),
    ]
    assert steps[0].test_dates == ["2022-09-01", "2022-09-02", "2022-09-03", "2022-09-05", "2022-09-07"]
    assert steps[1].test_dates == ["2022-09-10"]


def test_under_the_10th_edition_no_plan_is_made_because_no_measure_applies(city):
    sync_protocols()
    from safecity.epidemic.models import Disease

    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=system_actor(),
            person=PersonFactory(region=city["village"]),
            person_class="close",
            disease=Disease.objects.get(code="covid-19"),
            start=date(2023, 2, 1),
        )
    assert "person_class" in exc.value.message_dict
    assert not ManagementPlan.objects.exists()


def test_a_new_protocol_version_changes_new_plans_only(city):
    old = default_protocol()
    first = make_plan(region=city["village"], start=TODAY() - timedelta(days=5))
    assert first.protocol == old
    new = protocol_with_measures(
        disease=old.disease,
        effective_from=TODAY() - timedelta(days=1),
        measures=[("close", 1, "home_quarantine", 5, [1, 5])],
    )
    second = make_plan(region=city["village"], start=TODAY())
    assert second.protocol == new
    assert [(s.measure, s.end_date - s.start_date) for s in second.steps.all()] == [("home_quarantine", timedelta(4))]
    first.refresh_from_db()
    assert first.protocol == old
    assert [s.measure for s in first.steps.order_by("step")] == ["facility_quarantine", "home_monitoring"]
    assert first.end_date == first.start_date + timedelta(days=9)


def test_a_plan_is_assigned_to_the_grid_worker_of_the_persons_grid_and_they_are_told(city):
    village_worker = make_user("gw-village", Role.GRID_WORKER, city["village"].code)
    grid_worker = make_user("gw-grid", Role.GRID_WORKER, city["grid"].code)
    make_user("county-staff", Role.COUNTY_STAFF, city["xinhui"].code)
    in_grid = make_plan(region=city["grid"])
    assert in_grid.assigned_to == grid_worker
    in_village = make_plan(region=city["village"])
    assert in_village.assigned_to == village_worker
    assert Notification.objects.filter(recipient=grid_worker, target_id=in_grid.pk).exists()
    assert make_plan(region=city["taishan_village"]).assigned_to is None


def test_a_second_active_plan_for_the_same_person_is_refused(city):
    plan = make_plan(region=city["village"])
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=system_actor(), person=plan.person, person_class="close", disease=plan.protocol.disease
        )
    assert ManagementPlan.objects.count() == 1


def _contact(city, protocol):
    actor = system_actor()
    index = PersonFactory(region=city["village"])
    case_create(
        actor=actor,
        person=index,
        disease=protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
        onset_at=timezone.now() - timedelta(days=2),
    )
    contact_person = PersonFactory(region=city["grid"])
    exposure_record(
        actor=actor,
        person=contact_person,
        source_person=index,
        exposed_on=TODAY() - timedelta(days=1),
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    return contact_person.contacts.get()


def test_starting_a_contacts_plan_puts_the_contact_under_control_and_keeps_class_and_disease(city):
    protocol = default_protocol()
    contact = _contact(city, protocol)
    assert contact.controlled_at is None
    plan = services.plan_create(actor=system_actor(), person=contact.person, contact=contact)
    contact.refresh_from_db()
    assert contact.controlled_at is not None
    assert plan.person_class == "close" and plan.protocol == protocol
    assert plan.contact == contact


def test_flags_overdue_followups_and_missed_tests_and_not_recorded_ones(city):
    plan = make_plan(region=city["village"], start=TODAY() - timedelta(days=3))
    actor = system_actor()
    services.followup_record(actor=actor, plan=plan, day=TODAY() - timedelta(days=3), result=FollowUpResult.WELL)
    services.test_record(actor=actor, plan=plan, sampled_on=TODAY() - timedelta(days=3), result=Outcome.NEGATIVE)
    found = {(f.kind, f.day) for f in selectors.flags(ManagementPlan.objects.all())}
    # Days 2 and 3 have no follow-up; tests planned on days 2 and 3 were not taken. Today is not overdue yet.
    assert found == {
        ("followup", TODAY() - timedelta(days=2)),
        ("followup", TODAY() - timedelta(days=1)),
        ("test", TODAY() - timedelta(days=2)),
        ("test", TODAY() - timedelta(days=1)),
    }


def test_a_fever_makes_the_followup_symptomatic_and_alerts_the_staff(city):
    staff = make_user("county-staff", Role.COUNTY_STAFF, city["xinhui"].code)
    plan = make_plan(region=city["village"])
    followup = services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.WELL, temperature="38.2")
    assert followup.result == FollowUpResult.SYMPTOMATIC
    assert Notification.objects.filter(recipient=staff, target_id=plan.pk, level="danger").exists()


def test_recording_the_same_day_twice_corrects_the_record(city):
    plan = make_plan(region=city["village"])
    services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.NOT_REACHED)
    services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.WELL)
    assert plan.followups.get().result == FollowUpResult.WELL
    assert plan.followups.get().history.count() == 2


def test_a_followup_outside_the_plan_period_or_in_the_future_is_refused(city):
    plan = make_plan(region=city["village"], start=TODAY() - timedelta(days=1))
    for day in (TODAY() - timedelta(days=2), TODAY() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.followup_record(actor=system_actor(), plan=plan, day=day, result=FollowUpResult.WELL)
    assert not plan.followups.exists()


def test_converting_a_symptomatic_contact_makes_a_case_and_keeps_every_link(city):
    protocol = default_protocol()
    contact = _contact(city, protocol)
    plan = services.plan_create(actor=system_actor(), person=contact.person, contact=contact)
    exposures = set(contact.person.exposures_in.values_list("pk", flat=True))
    with pytest.raises(ValidationError):  # no grounds yet
        services.plan_convert_to_case(actor=system_actor(), plan=plan)
    services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.SYMPTOMATIC, note="发热咳嗽")
    case = services.plan_convert_to_case(actor=system_actor(), plan=plan, classification=Classification.SUSPECTED)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONVERTED and plan.case == case
    assert case.person == contact.person and case.source == CaseSource.CONTACT_MANAGEMENT
    assert case.disease == protocol.disease
    contact.refresh_from_db()
    assert contact.management_plans.get() == plan
    assert set(case.person.exposures_in.values_list("pk", flat=True)) == exposures
    with pytest.raises(ValidationError):  # the plan is closed now
        services.followup_record(actor=system_actor(), plan=plan, result=FollowUpResult.WELL)


def test_a_positive_test_is_grounds_for_conversion(city):
    plan = make_plan(region=city["village"])
    services.test_record(actor=system_actor(), plan=plan, sampled_on=TODAY(), result=Outcome.POSITIVE)
    assert services.conversion_grounds(plan)
    case = services.plan_convert_to_case(actor=system_actor(), plan=plan, classification=Classification.ASYMPTOMATIC)
    assert case.classification == Classification.ASYMPTOMATIC


def test_ending_a_plan_early_needs_a_reason(city):
    plan = make_plan(region=city["village"])
    with pytest.raises(ValidationError):
        services.plan_end(actor=system_actor(), plan=plan, reason=" ")
    services.plan_end(actor=system_actor(), plan=plan, reason="转往外地")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED_EARLY and plan.ended_at is not None


def test_the_sweep_notifies_once_per_missing_item_and_completes_finished_plans(city):
    worker = make_user("gw-village", Role.GRID_WORKER, city["village"].code)
    plan = make_plan(region=city["village"], start=TODAY() - timedelta(days=2))
    finished = make_plan(region=city["grid"], start=TODAY() - timedelta(days=30))
    first = services.sweep()
    assert first["overdue_followups"] >= 2 and first["missed_tests"] >= 2
    assert first["completed"] == 1
    assert (
        Notification.objects.filter(recipient=worker, dedupe_key__startswith=f"followup-overdue-{plan.pk}-").count()
        == 2
    )
    again = services.sweep()
    assert again == {"overdue_followups": 0, "missed_tests": 0, "overdue_requests": 0, "completed": 0}
    finished.refresh_from_db()
    assert finished.status == PlanStatus.COMPLETED


def test_my_followups_today_lists_the_workers_plans_with_todays_test(city):
    worker = make_user("gw-village", Role.GRID_WORKER, city["village"].code)
    mine = make_plan(region=city["village"], start=TODAY() - timedelta(days=1))
    make_plan(region=city["taishan_village"])
    rows = selectors.due_today(worker)
    assert [r.plan for r in rows] == [mine]
    assert rows[0].day_number == 2 and rows[0].test_due and rows[0].overdue_days == 1


def test_a_plan_cannot_start_in_the_future(city):
    with pytest.raises(ValidationError):
        make_plan(region=city["village"], start=TODAY() + timedelta(days=1))


def test_dengue_co_exposed_person_gets_14_days_home_monitoring(city):
    sync_protocols()
    dengue = DiseaseFactory(code="dengue")
    plan = services.plan_create(
        actor=system_actor(), person=PersonFactory(region=city["village"]), person_class="close", disease=dengue
    )
    assert [(s.measure, (s.end_date - s.start_date).days + 1) for s in plan.steps.all()] == [("home_monitoring", 14)]
