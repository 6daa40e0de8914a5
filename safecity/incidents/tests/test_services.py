"""Filing reports, reclassifying on follow-ups, deadlines and the escalation sweep."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safecity.accounts.roles import Role
from safecity.core.exceptions import OutOfScope
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.incidents.choices import DeadlineState, Level, ReportKind
from safecity.incidents.factories import file_accident
from safecity.incidents.services import ReportContent, deadline_complete, incident_follow_up, sweep_deadlines

T0 = datetime(2026, 3, 29, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _states(incident, now):
    return {d.rule: d.state(now=now) for d in incident.deadlines.filter(waived=False)}


def test_three_dead_is_major_and_a_follow_up_with_ten_dead_makes_it_serious(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=T0)
    assert incident.level == Level.III
    assert "3" in incident.level_reason and str(Level.III.label) in incident.level_reason
    before = set(incident.deadlines.values_list("rule", flat=True))
    assert "city_to_province" in before and "province_to_state_council" not in before

    follow_up_at = T0 + timedelta(hours=5)
    incident_follow_up(
        actor=xinhui_user,
        incident=incident,
        content=ReportContent(summary="又发现7名遇难者", dead=10),
        now=follow_up_at,
    )
    incident.refresh_from_db()
    assert incident.level == Level.II and incident.dead == 10
    added = incident.deadlines.exclude(rule__in=before)
    assert set(added.values_list("rule", flat=True)) == {"province_to_state_council", "phone_30min", "written_1h"}
    # The new requirements count from the follow-up, not from before anyone knew.
    assert added.get(rule="phone_30min").due_at == follow_up_at + timedelta(minutes=30)
    # The earlier report is still readable, unchanged.
    first = incident.reports.get(sequence=1)
    assert (first.kind, first.dead, first.level) == (ReportKind.INITIAL, 3, Level.III)


def test_filing_the_initial_report_makes_the_unit_to_county_report(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=T0)
    unit = incident.deadlines.get(rule="unit_to_county")
    assert unit.due_at == T0 + timedelta(hours=1) and unit.done_at == T0 + timedelta(minutes=20)
    assert unit.state() == DeadlineState.DONE
    county = incident.deadlines.get(rule="county_to_city")
    assert county.due_at == unit.done_at + timedelta(hours=2)


def test_a_report_filed_late_is_recorded_as_late(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], occurred_at=T0, filed_after=timedelta(hours=3))
    assert incident.deadlines.get(rule="unit_to_county").state() == DeadlineState.DONE_LATE


def test_each_step_up_gets_two_hours_from_when_the_step_below_was_made(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=T0)
    county = incident.deadlines.get(rule="county_to_city")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        deadline_complete(actor=xinhui_user, deadline=county, note="电话报市应急管理局")
    city_step = incident.deadlines.get(rule="city_to_province")
    assert city_step.due_at == T0 + timedelta(hours=3)


def test_a_follow_up_that_lowers_the_level_waives_but_keeps_requirements(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=T0)
    incident_follow_up(
        actor=xinhui_user,
        incident=incident,
        content=ReportContent(summary="核实为2人死亡", dead=2),
        now=T0 + timedelta(hours=1),
    )
    step = incident.deadlines.get(rule="city_to_province")
    assert step.waived


def test_the_sweep_marks_overdue_notifies_the_leader_once_and_escalates(city, xinhui_user):
    county_leader = make_user("xinhui-leader", Role.LEADER_ON_SHIFT, city["xinhui"].code)
    city_officer = make_user("city-duty", Role.HQ_DUTY_OFFICER, city["city"].code)
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=T0)
    due = incident.deadlines.get(rule="county_to_city").due_at

    assert sweep_deadlines(now=due - timedelta(hours=1)) == {"due_soon": 0, "overdue": 0, "escalated": 0}
    late = due + timedelta(minutes=5)
    assert _states(incident, late)["county_to_city"] == DeadlineState.OVERDUE
    assert sweep_deadlines(now=late)["overdue"] == 1
    assert Notification.objects.filter(recipient=county_leader, level="danger").count() == 1
    # Running the sweep again sends nothing twice.
    assert sweep_deadlines(now=late) == {"due_soon": 0, "overdue": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=county_leader).count() == 1
    # Still not made half an hour later: the city hears about it.
    assert sweep_deadlines(now=due + timedelta(minutes=31))["escalated"] == 1
    assert Notification.objects.filter(recipient=city_officer, title__contains=incident.title).exists()
    assert incident.deadlines.get(rule="county_to_city").alert_stage == "escalated"


def test_a_serious_event_alerts_the_people_on_duty_at_once(city, xinhui_user, django_capture_on_commit_callbacks):
    county_leader = make_user("xinhui-leader", Role.LEADER_ON_SHIFT, city["xinhui"].code)
    with django_capture_on_commit_callbacks(execute=True):
        file_accident(xinhui_user, city["dazhe"], dead=12, occurred_at=T0)
    note = Notification.objects.get(recipient=county_leader)
    assert note.level == "danger" and str(Level.II.label) in note.title


def test_a_county_user_cannot_file_for_another_county(xinhui_user, city):
    with pytest.raises(OutOfScope):
        file_accident(xinhui_user, city["dajiang"], dead=1, occurred_at=T0)


def test_no_report_after_the_final_one_and_times_must_make_sense(xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=T0)
    incident_follow_up(
        actor=xinhui_user,
        incident=incident,
        content=ReportContent(summary="终报"),
        final=True,
        now=T0 + timedelta(days=2),
    )
    with pytest.raises(ValidationError):
        incident_follow_up(
            actor=xinhui_user, incident=incident, content=ReportContent(summary="再报"), now=T0 + timedelta(days=3)
        )
    assert incident.deadlines.get(rule="follow_up_window").done_at is not None
    with pytest.raises(ValidationError):
        file_accident(xinhui_user, city["dazhe"], occurred_at=T0, learned_after=timedelta(hours=-1))


def test_the_deadline_sweep_is_a_periodic_job_every_minute():
    from datetime import timedelta as td

    from safecity.core.jobs import beat_schedule

    entry = beat_schedule()["incidents.sweep-deadlines"]
    assert entry["task"] == "safecity.incidents.tasks.sweep_deadlines" and entry["schedule"] == td(minutes=1)


def test_the_sweep_task_runs_the_service(city, xinhui_user):
    from safecity.incidents.tasks import sweep_deadlines as task

    file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=T0)
    assert task.apply().get()["overdue"] == 1


def test_the_overdue_alert_goes_to_the_people_on_duty_at_the_responsible_post(city, xinhui_user):
    from safecity.duty.models import DutyPost, Shift

    leader = make_user("leader-on-shift", Role.LEADER_ON_SHIFT, city["xinhui"].code)
    officer = make_user("officer-on-shift", Role.HQ_DUTY_OFFICER, city["xinhui"].code)
    off_duty = make_user("off-duty", Role.LEADER_ON_SHIFT, city["xinhui"].code)
    post = DutyPost.objects.create(name="新会区应急值班室", kind="county", region=city["xinhui"])
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=T0)
    due = incident.deadlines.get(rule="county_to_city").due_at
    shift = Shift.objects.create(
        post=post, starts_at=due - timedelta(hours=2), ends_at=due + timedelta(hours=22), leader=leader
    )
    shift.officers.set([officer])
    with time_machine.travel(due + timedelta(minutes=5), tick=False):
        assert sweep_deadlines()["overdue"] == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "leader-on-shift",
        "officer-on-shift",
    }
    assert not Notification.objects.filter(recipient=off_duty).exists()
