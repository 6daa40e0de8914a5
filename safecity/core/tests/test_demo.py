"""The demo city, loaded once for this module (the ``demo_city`` fixture; loading takes half a minute, so
every demo test lives here): the real counties and towns, the accounts, the hazards in every state of the
rectification loop and the incidents with their deadlines."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safecity.accounts.models import User
from safecity.core.models import Notification
from safecity.demo import COUNTY_PINYIN, load_demo
from safecity.duty.models import DutyLogEntry
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.hazards.choices import HazardLevel, HazardStatus, SupervisionLevel
from safecity.hazards.demo import INSPECTION_NOTES, load_hazards
from safecity.hazards.models import Hazard, Inspection
from safecity.hazards.rules import DEFAULT_RECTIFICATION_DAYS
from safecity.incidents.choices import Category, DeadlineState, IncidentStatus, Level, ReportKind
from safecity.incidents.demo import load_incidents
from safecity.incidents.models import Incident, IncidentReport, ReportDeadline
from safecity.incidents.rules import active_ruleset
from safecity.orgs.models import Organization

DEMO_PASSWORD = "Demo-pass-2026"  # as the demo_city fixture loads it

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]


def test_demo_city_has_the_seven_real_county_units_and_73_towns_and_streets():
    counties = dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("prefix", "name"))
    assert counties == {
        "440703": "蓬江区", "440704": "江海区", "440705": "新会区", "440781": "台山市",
        "440783": "开平市", "440784": "鹤山市", "440785": "恩平市",
    }  # fmt: skip
    assert Region.objects.filter(level=RegionLevel.TOWN).count() == 73
    assert Region.objects.get(code="440781115000").name == "川岛镇"
    assert Region.objects.filter(level=RegionLevel.VILLAGE).exists()
    assert Region.objects.filter(level=RegionLevel.GRID).exists()
    city = Region.objects.get(code="440700000000")
    assert sum(Region.objects.filter(level=RegionLevel.COUNTY).values_list("population", flat=True)) == city.population
    assert Region.objects.get(code="440784000000").population == 530_684


def test_loading_the_demo_twice_adds_nothing_the_second_time():
    counts = (Region.objects.count(), Organization.objects.count(), User.objects.count())
    again = load_demo(password="Demo-pass-2026")
    assert again["regions"] == 0 and again["organizations"] == 0
    assert (Region.objects.count(), Organization.objects.count(), User.objects.count()) == counts


def test_every_demo_account_logs_in_with_the_given_password_and_sees_its_area(client, capsys):
    call_command("demo", "--password", "Other-pass-2026")
    printed = capsys.readouterr().out
    assert "Other-pass-2026" in printed and "county-xinhui" in printed
    for pinyin, prefix in ((p, c) for c, p in COUNTY_PINYIN.items()):
        assert client.login(username=f"county-{pinyin}", password="Other-pass-2026")
        data = client.get("/api/regions/", {"level": "town", "page_size": 100}).json()
        assert data["count"] > 0
        assert all(row["code"].startswith(prefix) for row in data["results"])
    for username in ("admin", "hq", "leader", "town-huicheng", "grid-huicheng"):
        assert client.login(username=username, password="Other-pass-2026"), username


def test_hq_sees_seven_counties_on_the_home_page(client):
    client.login(username="hq", password="Demo-pass-2026")
    stats = client.get("/").context["stats"]
    assert stats[0]["value"] == 7
    client.login(username="county-taishan", password="Demo-pass-2026")
    stats = client.get("/").context["stats"]
    assert stats[0]["value"] == 1 and stats[1]["value"] == 17


def test_a_county_user_sees_only_their_countys_organizations_and_users():
    user = User.objects.get(username="county-xinhui")
    orgs = Organization.objects.restrict(user, "view")
    assert orgs.exists()
    assert all(o.region.code.startswith("440705") for o in orgs)
    users = set(User.objects.restrict(user, "view").values_list("username", flat=True))
    assert users == {"county-xinhui", "town-huicheng", "grid-huicheng"}


def test_api_level_county_as_hq_returns_the_seven_county_units_of_the_demo_city(client):
    client.login(username="hq", password="Demo-pass-2026")
    data = client.get("/api/regions/", {"level": "county"}).json()
    assert data["count"] == 7
    assert {r["code"][:6] for r in data["results"]} == {
        "440703", "440704", "440705", "440781", "440783", "440784", "440785",
    }  # fmt: skip
    assert all(r["level"] == "county" for r in data["results"])


def test_county_user_sees_only_their_own_towns(client):
    client.login(username="county-xinhui", password="Demo-pass-2026")
    towns = client.get("/api/regions/", {"level": "town", "page_size": 200}).json()
    assert towns["count"] == 11  # 会城街道 and 10 towns
    assert all(r["code"].startswith("440705") for r in towns["results"])
    taishan = Region.objects.get(code="440781000000")
    assert client.get(f"/api/regions/{taishan.pk}/").status_code == 404
    assert client.get(f"/geo/regions/{taishan.pk}/").status_code == 404


# ---- hazards --------------------------------------------------------------------------------


def _reasons(hazard) -> list[str]:
    return list(hazard.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


def test_demo_hazards_stand_in_every_state_across_the_seven_counties():
    hazards = Hazard.objects.select_related("region", "inspection")
    assert 30 <= hazards.count() <= 50
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert {h.region.code[:6] for h in hazards} == {
        "440703", "440704", "440705", "440781", "440783", "440784", "440785",
    }  # fmt: skip
    for hazard in hazards:
        # Found on an inspection, by its inspector, on its day.
        assert hazard.inspection.notes == INSPECTION_NOTES
        assert hazard.found_by_id == hazard.inspection.inspector_id
        assert hazard.found_at == hazard.inspection.inspected_at
        assert hazard.found_at <= timezone.now()
        if hazard.deadline is not None:  # computed from the rule table, not typed
            days = DEFAULT_RECTIFICATION_DAYS[hazard.level]
            assert hazard.deadline == timezone.localdate(hazard.found_at) + timedelta(days=days)
    assert hazards.filter(found_at__gte=timezone.now() - timedelta(days=3)).exists()
    assert hazards.filter(found_at__lte=timezone.now() - timedelta(days=30)).exists()


def test_closed_hazards_passed_a_re_inspection_by_someone_other_than_the_rectifier():
    closed = Hazard.objects.filter(status=HazardStatus.CLOSED)
    assert closed.count() >= 10
    for hazard in closed:
        assert hazard.reinspected_by_id is not None and hazard.rectified_by_id is not None
        assert hazard.reinspected_by_id != hazard.rectified_by_id
        assert hazard.rectified_at <= hazard.reinspected_at <= hazard.closed_at <= timezone.now()
        reasons = _reasons(hazard)
        assert reasons[0] == "found" and reasons[-2:] == ["re-inspection passed", "closed"]
    # Most were closed on time, one late: the on-time rate is not a flat 100 %.
    late = [h for h in closed if timezone.localdate(h.closed_at) > h.deadline]
    assert len(late) == 1


def test_some_rectifications_are_overdue_and_one_failed_re_inspection_re_opened_its_hazard():
    today = timezone.localdate()
    overdue = [h for h in Hazard.objects.all() if h.is_overdue(today)]
    assert len(overdue) >= 3
    assert {h.status for h in overdue} == {HazardStatus.ASSIGNED, HazardStatus.RECTIFYING}
    reopened = Hazard.objects.get(reopened_count=1)
    assert reopened.status == HazardStatus.RECTIFYING
    assert "re-inspection failed: re-opened" in _reasons(reopened)
    # The overdue sweep ran: the responsible people were told.
    from safecity.core.models import Notification

    for hazard in overdue:
        assert Notification.objects.filter(dedupe_key=f"hazard-overdue-{hazard.pk}-{hazard.deadline}").exists()


def test_major_hazards_go_through_listed_supervision_the_plan_and_the_application_to_resume():
    majors = Hazard.objects.filter(level=HazardLevel.MAJOR)
    assert majors.count() >= 2
    assert all(not h.missing_plan_elements() and h.supervision_level for h in majors)
    waiting = majors.get(supervision_level=SupervisionLevel.CITY)
    assert waiting.status == HazardStatus.RECTIFIED and waiting.applied_at is not None
    assert timezone.now() < waiting.review_due_at
    closed = majors.get(status=HazardStatus.CLOSED)
    assert closed.applied_at is not None and closed.applied_at < closed.reinspected_at


def test_the_home_page_shows_open_and_overdue_hazards_to_hq(client):
    assert client.login(username="hq", password=DEMO_PASSWORD)
    groups = {g["area"].key: g["stats"] for g in client.get("/").context["area_stats"]}
    open_hazards, overdue = groups["hazards"]
    assert open_hazards.value == Hazard.objects.exclude(status=HazardStatus.CLOSED).count() > 0
    assert overdue.value >= 3 and overdue.alert


def test_loading_the_hazards_again_adds_nothing():
    counts = (Inspection.objects.count(), Hazard.objects.count(), Hazard.history.count())
    added = load_hazards()
    assert added["inspections"] == 0 and added["hazards"] == 0 and added["targets"] == 0
    assert (Inspection.objects.count(), Hazard.objects.count(), Hazard.history.count()) == counts


# ---- incidents ------------------------------------------------------------------------------


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


def test_demo_warnings_a_raised_typhoon_signal_on_the_coast_and_a_forest_fire_warning_inland(client):
    from safecity.alerts.choices import Colour, Kind, Outcome, State
    from safecity.alerts.demo import load_alerts
    from safecity.alerts.models import CapMessage, WarningSignal
    from safecity.plans.selectors import activation_tasks

    hq = User.objects.get(username="hq")

    def tasks_of(activation):
        return activation_tasks(activation, hq)

    in_force = {w.kind: w for w in WarningSignal.objects.in_force()}
    assert set(in_force) == {Kind.TYPHOON, Kind.FOREST_FIRE}
    typhoon = in_force[Kind.TYPHOON]
    assert typhoon.colour == Colour.ORANGE and typhoon.messages.count() == 2
    assert sorted(r.name for r in typhoon.regions.all()) == ["台山市", "新会区"]
    states = {w.event: w.state() for w in WarningSignal.objects.all()}
    assert states["暴雨蓝色预警信号"] == State.EXPIRED and states["大风蓝色预警信号"] == State.LIFTED
    assert CapMessage.objects.filter(outcome=Outcome.NOT_FOR_AREA).count() == 1
    activated = sorted(a.plan.title for a in typhoon.plan_activations.all())
    assert activated == ["台山市防御台风应急预案", "新会区防御台风应急预案", "江门市防御台风应急预案"]
    assert all(a.plan.actions.count() == len(tasks_of(a)) for a in typhoon.plan_activations.all())
    assert client.login(username="county-xinhui", password=DEMO_PASSWORD)
    banner = client.get("/").context["warnings_in_force"]
    assert [w.kind for w in banner] == [Kind.TYPHOON]  # the inland forest-fire warning is not Xinhui's
    assert load_alerts() == 0


def test_demo_typhoon_response_in_taishan_has_vessels_in_port_at_sea_past_the_deadline_and_unchecked(client):
    from safecity.typhoon.models import TyphoonResponse, Vessel
    from safecity.typhoon.selectors import response_summary

    response = TyphoonResponse.objects.get()
    assert response.region.name == "台山市" and response.warning.colour == "orange"
    summary = response_summary(response, User.objects.get(username="hq"))
    assert summary.total == Vessel.objects.filter(region__prefix__startswith="440781").count() == 38
    assert summary.at_sea == summary.overdue - summary.unchecked == 2
    assert summary.unchecked > 0 and summary.safe == summary.total - summary.at_sea - summary.unchecked
    assert client.login(username="county-taishan", password=DEMO_PASSWORD)
    flood = {s.label: s for g in client.get("/").context["area_stats"] if g["area"].key == "flood" for s in g["stats"]}
    assert flood["未回港船只"].value == summary.at_sea + summary.unchecked and flood["未回港船只"].alert
