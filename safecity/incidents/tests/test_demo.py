"""The demo city's incidents: opened from duty log entries, reported through the services, with deadlines the
rule table computed — one met, one due soon, one overdue — loaded once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from safecity.core.models import Notification
from safecity.duty.models import DutyLogEntry
from safecity.incidents.choices import Category, DeadlineState, IncidentStatus, Level, ReportKind
from safecity.incidents.demo import load_incidents
from safecity.incidents.models import Incident, IncidentReport, ReportDeadline
from safecity.incidents.rules import active_ruleset

DEMO_PASSWORD = "Demo-pass-2026"  # as the demo_city fixture loads it

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]


def _demo(county: str) -> Incident:
    return Incident.objects.select_related("duty_log_entry__post__region").get(region__code__startswith=county)


def test_demo_incidents_in_four_counties_opened_from_the_duty_log_at_different_levels():
    incidents = list(Incident.objects.select_related("region", "duty_log_entry__post__region"))
    assert len(incidents) == 4
    assert {i.region.code[:6] for i in incidents} == {"440781", "440784", "440785", "440783"}
    assert {i.level for i in incidents} == {Level.III, Level.IV}
    for incident in incidents:
        entry = incident.duty_log_entry
        assert entry is not None and entry.summary == incident.title
        assert entry.post.region.code[:6] == incident.region.code[:6]
        assert (incident.occurred_at, incident.learned_at) == (entry.occurred_at, entry.recorded_at)
        assert incident.occurred_at < incident.learned_at < timezone.now()
        assert incident.reports.filter(kind=ReportKind.INITIAL).count() == 1


def test_deadlines_are_computed_from_the_rule_table():
    rules = {rule.key: rule for rule in active_ruleset().deadlines}
    for incident in Incident.objects.all():
        deadlines = {d.rule: d for d in incident.deadlines.filter(waived=False)}
        unit = deadlines["unit_to_county"]
        assert unit.due_at == incident.occurred_at + rules["unit_to_county"].delta
        assert unit.done_at == incident.reports.get(sequence=1).reported_at
        assert deadlines["county_to_city"].due_at == unit.done_at + rules["county_to_city"].delta
    # The follow-up raised the Heshan collapse to major (III): the city → province report counts from it.
    heshan = _demo("440784")
    follow_up = heshan.reports.get(kind=ReportKind.FOLLOW_UP)
    assert (heshan.reports.get(sequence=1).level, follow_up.level, heshan.level) == (Level.IV, Level.III, Level.III)
    province = heshan.deadlines.get(rule="city_to_province")
    assert province.due_at == follow_up.reported_at + rules["city_to_province"].delta


def test_one_report_met_one_due_soon_one_overdue_and_one_incident_closed_with_its_final_report():
    now = timezone.now()
    heshan = _demo("440784")
    assert heshan.deadlines.get(rule="county_to_city").state(now) == DeadlineState.DONE
    assert heshan.deadlines.get(rule="city_to_province").state(now) == DeadlineState.DUE_SOON
    enping = _demo("440785")
    overdue = enping.deadlines.get(rule="county_to_city")
    assert overdue.state(now) == DeadlineState.OVERDUE
    assert overdue.alert_stage == "escalated"  # the sweep ran: overdue, then escalated one level up
    assert Notification.objects.filter(dedupe_key=f"deadline-{overdue.pk}-escalated").exists()
    taishan = _demo("440781")
    assert taishan.status == IncidentStatus.CLOSED and taishan.closed_at <= now
    assert taishan.reports.order_by("-sequence").first().kind == ReportKind.FINAL
    assert all(d.state(now) == DeadlineState.DONE for d in taishan.deadlines.all())
    kaiping = _demo("440783")
    # A landslide's level is judged by the reporter, not computed from figures.
    assert kaiping.category == Category.NATURAL_DISASTER and kaiping.reports.get().judged_level == Level.IV
    assert kaiping.level == Level.IV and all(d.state(now) == DeadlineState.DONE for d in kaiping.deadlines.all())


def test_the_home_page_shows_open_incidents_and_the_overdue_report_to_hq(client):
    assert client.login(username="hq", password=DEMO_PASSWORD)
    groups = {g["area"].key: g["stats"] for g in client.get("/").context["area_stats"]}
    open_incidents, _serious, overdue = groups["reporting"]
    assert open_incidents.value == 3
    assert overdue.value >= 1 and overdue.alert
    board = client.get(reverse("incidents:board"))
    assert board.status_code == 200 and "恩城街道一沿街商铺火灾" in board.content.decode()


def test_loading_the_incidents_again_adds_nothing():
    counts = (
        Incident.objects.count(),
        IncidentReport.objects.count(),
        ReportDeadline.objects.count(),
        DutyLogEntry.objects.count(),
        Notification.objects.count(),
    )
    assert load_incidents() == {"incidents": 0}
    assert (
        Incident.objects.count(),
        IncidentReport.objects.count(),
        ReportDeadline.objects.count(),
        DutyLogEntry.objects.count(),
        Notification.objects.count(),
    ) == counts
