"""Campaigns and teams: the generic behaviour, the stored cross-inspection plan, coverage and blind spots."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.hazards import services
from safecity.hazards.factories import CampaignFactory, InspectionTargetFactory, InspectionTeamFactory
from safecity.hazards.models import Inspection
from safecity.hazards.planner import NO_TEAM_FROM_ANOTHER_COUNTY
from safecity.hazards.selectors import campaign_coverage
from safecity.hazards.views import CampaignViews, InspectionTeamViews


class TestInspectionTeam(ScopedModelTests):
    views = InspectionTeamViews
    api_url = "/api/inspection-teams/"

    def make(self, city, region_key):
        return InspectionTeamFactory(region=city[region_key])

    def form_data(self, city, region_key):
        return {"name": "新会区第一检查组", "region": city[region_key].pk}

    def api_data(self, city, region_key):
        return {"name": "接口检查组", "region": city[region_key].code}


class TestCampaign(ScopedModelTests):
    views = CampaignViews
    api_url = "/api/campaigns/"

    def make(self, city, region_key):
        return CampaignFactory(region=city[region_key])

    def form_data(self, city, region_key):
        return {
            "name": "2026年三合一场所专项整治",
            "region": city[region_key].pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-05-31",
            "categories": ["three_in_one", "urban_village"],
            "blind_spot_days": 90,
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口专项整治",
            "region": city[region_key].code,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "categories": ["ferry_crossing"],
        }


@pytest.fixture
def generated(city, hq_user):
    """A city-wide campaign: 5 three-in-one premises in Xinhui (3 in 大泽镇, 2 in 会城街道), 4 in Taishan,
    a construction site (out of the campaign's categories), and one team from each county."""
    xinhui = [InspectionTargetFactory(region=city["dazhe"]) for _ in range(3)]
    xinhui += [InspectionTargetFactory(region=city["huicheng"]) for _ in range(2)]
    taishan = [InspectionTargetFactory(region=city["dajiang"]) for _ in range(4)]
    InspectionTargetFactory(region=city["dazhe"], category="construction_site")
    team_xh = InspectionTeamFactory(region=city["xinhui"])
    team_ts = InspectionTeamFactory(region=city["taishan"])
    campaign = CampaignFactory(region=city["city"])
    campaign.teams.set([team_xh, team_ts])
    return {"campaign": campaign, "xinhui": xinhui, "taishan": taishan, "team_xh": team_xh, "team_ts": team_ts}


def _inspect(user, target, campaign, days_ago=0):
    inspection = Inspection(target=target, campaign=campaign, inspected_at=timezone.now() - timedelta(days=days_ago))
    services.inspection_record(actor=user, inspection=inspection, results=[])


def test_the_stored_plan_crosses_counties(generated, hq_user):
    campaign = generated["campaign"]
    plan = services.campaign_plan(actor=hq_user, campaign=campaign)
    assert len(plan.assignments) == 9 and plan.unassigned == {}
    for target in generated["xinhui"]:
        assert campaign.assignments.get(target=target).team == generated["team_ts"]
    for target in generated["taishan"]:
        assert campaign.assignments.get(target=target).team == generated["team_xh"]


def test_targets_with_no_team_from_another_county_are_stored_with_the_reason(generated, hq_user):
    campaign = generated["campaign"]
    campaign.teams.set([generated["team_xh"]])
    services.campaign_plan(actor=hq_user, campaign=campaign)
    for target in generated["xinhui"]:
        row = campaign.assignments.get(target=target)
        assert row.team is None and row.reason == NO_TEAM_FROM_ANOTHER_COUNTY


def test_replanning_keeps_the_inspections_already_done(generated, hq_user, city):
    campaign = generated["campaign"]
    services.campaign_plan(actor=hq_user, campaign=campaign)
    done = generated["taishan"][0]
    _inspect(hq_user, done, campaign)
    third = InspectionTeamFactory(region=city["xinhui"])
    campaign.teams.add(third)
    services.campaign_plan(actor=hq_user, campaign=campaign)
    assert campaign.assignments.get(target=done).team == generated["team_xh"]


def test_coverage_per_county_and_category_and_the_blind_spots(generated, hq_user):
    campaign = generated["campaign"]
    _inspect(hq_user, generated["xinhui"][0], campaign)
    _inspect(hq_user, generated["xinhui"][1], campaign)
    _inspect(hq_user, generated["taishan"][0], campaign, days_ago=200)  # inspected, but too long ago
    coverage = campaign_coverage(campaign)
    rows = {(r.county, r.category): (r.inspected, r.in_scope) for r in coverage.rows}
    assert rows == {("440705000000", "three_in_one"): (2, 5), ("440781000000", "three_in_one"): (1, 4)}
    never = {t.pk for t, why in coverage.blind_spots if why == "never"}
    stale = {t.pk for t, why in coverage.blind_spots if why == "stale"}
    assert never == {t.pk for t in generated["xinhui"][2:] + generated["taishan"][1:]}
    assert stale == {generated["taishan"][0].pk}
    assert (coverage.inspected, coverage.in_scope) == (3, 9)


def test_the_campaign_page_shows_coverage_with_a_chart_and_plans(client, generated, hq_user):
    campaign = generated["campaign"]
    _inspect(hq_user, generated["xinhui"][0], campaign)
    client.force_login(hq_user)
    response = client.post(reverse("hazards:campaign_plan", args=[campaign.pk]), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="coverage-chart"' in text and "<rect" in text
    assert "新会区" in text and "1 / 9" in text
    assert len(response.context["assigned"]) == 9


def test_the_api_plans_a_campaign(client, generated, hq_user):
    client.force_login(hq_user)
    response = client.post(f"/api/campaigns/{generated['campaign'].pk}/plan/")
    assert response.status_code == 200
    assert len(response.json()["assignments"]) == 9 and response.json()["unassigned"] == []


def test_the_demo_loads_sites_teams_and_a_planned_campaign_once(city):
    from safecity.accounts.roles import Role
    from safecity.core.factories import RegionFactory, make_user
    from safecity.geo.choices import RegionLevel
    from safecity.hazards.demo import CAMPAIGN, load_hazards
    from safecity.hazards.models import Campaign

    assert city["xinhui"].level == RegionLevel.COUNTY and city["dazhe"].level == RegionLevel.TOWN
    RegionFactory(code="440703001000", name="白沙街道")
    make_user("hq", Role.HQ_DUTY_OFFICER, city["city"].code)
    added = load_hazards()
    assert added["targets"] > 0 and added["teams"] == 2
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert campaign.assignments.filter(team__isnull=False).exists()
    assert load_hazards()["targets"] == 0
