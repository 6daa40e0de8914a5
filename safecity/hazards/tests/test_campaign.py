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
            "regions": [city[region_key].pk],
            "starts_on": "2026-03-01",
            "ends_on": "2026-05-31",
            "categories": ["three_in_one", "urban_village"],
            "blind_spot_days": 90,
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口专项整治",
            "regions": [city[region_key].code],
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


# ---- a campaign over a list of regions ------------------------------------------------------------


@pytest.fixture
def two_towns(city, hq_user):
    """A campaign over two towns of two counties (大泽镇 in Xinhui, 大江镇 in Taishan), organised by the city."""
    inside = [InspectionTargetFactory(region=city["dazhe"]), InspectionTargetFactory(region=city["village"])]
    inside_ts = [InspectionTargetFactory(region=city["dajiang"])]
    outside = [InspectionTargetFactory(region=city["huicheng"]), InspectionTargetFactory(region=city["taicheng"])]
    campaign = CampaignFactory(region=city["city"], regions=[city["dazhe"], city["dajiang"]])
    campaign.teams.set([InspectionTeamFactory(region=city["xinhui"]), InspectionTeamFactory(region=city["taishan"])])
    return {"campaign": campaign, "inside": inside + inside_ts, "outside": outside, "inside_ts": inside_ts}


def test_the_area_is_the_union_of_the_regions_subtrees(two_towns):
    in_scope = set(services.campaign_targets(two_towns["campaign"]).values_list("pk", flat=True))
    assert in_scope == {t.pk for t in two_towns["inside"]}


def test_the_organising_region_is_the_lowest_region_holding_the_whole_area(two_towns, city):
    from safecity.hazards.models import common_region

    assert two_towns["campaign"].region == city["city"]
    assert common_region([city["dazhe"], city["village"]]) == city["dazhe"]
    assert common_region([city["dazhe"], city["huicheng"]]) == city["xinhui"]
    assert common_region([city["xinhui"]]) == city["xinhui"]


def test_the_planner_and_coverage_work_over_every_region_of_the_area(two_towns, hq_user):
    campaign = two_towns["campaign"]
    plan = services.campaign_plan(actor=hq_user, campaign=campaign)
    assert set(plan.assignments) == {t.pk for t in two_towns["inside"]}
    _inspect(hq_user, two_towns["inside"][0], campaign)
    coverage = campaign_coverage(campaign)
    assert (coverage.inspected, coverage.in_scope) == (1, 3)


def test_a_county_sees_the_city_campaign_touching_it_but_not_one_elsewhere(city, xinhui_user):
    from safecity.hazards.models import Campaign

    touching = CampaignFactory(region=city["city"], regions=[city["dazhe"], city["dajiang"]])
    city_wide = CampaignFactory(region=city["city"])
    elsewhere = CampaignFactory(region=city["city"], regions=[city["taicheng"], city["dajiang"]])
    visible = set(Campaign.objects.restrict(xinhui_user, "view").values_list("pk", flat=True))
    assert visible == {touching.pk, city_wide.pk}
    assert elsewhere.region == city["taishan"]


def test_a_county_may_not_change_or_plan_the_citys_campaign(city, xinhui_client, two_towns):
    campaign = two_towns["campaign"]
    assert xinhui_client.get(reverse("hazards:campaign_detail", args=[campaign.pk])).status_code == 200
    assert xinhui_client.get(reverse("hazards:campaign_edit", args=[campaign.pk])).status_code == 404
    assert xinhui_client.post(reverse("hazards:campaign_plan", args=[campaign.pk])).status_code == 404
    assert not campaign.assignments.exists()


def test_a_county_sees_only_its_own_figures_of_a_city_campaign(city, xinhui_client, hq_user, two_towns):
    campaign = two_towns["campaign"]
    services.campaign_plan(actor=hq_user, campaign=campaign)
    response = xinhui_client.get(reverse("hazards:campaign_detail", args=[campaign.pk]))
    coverage = response.context["coverage"]
    assert coverage.in_scope == 2  # 大泽镇's two targets, not 大江镇's
    assert {a.target_id for a in response.context["assigned"]} == {t.pk for t in two_towns["inside"][:2]}
    assert {t.pk for t, _why in coverage.blind_spots}.isdisjoint({t.pk for t in two_towns["inside_ts"]})
    assert response.context["partial_view"] is True


def test_a_campaign_over_two_counties_is_created_by_the_city_with_the_city_as_organiser(hq_client, city):
    from safecity.hazards.models import Campaign

    response = hq_client.post(
        reverse("hazards:campaign_add"),
        {
            "name": "跨县交叉检查",
            "regions": [city["xinhui"].pk, city["taishan"].pk],
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-30",
            "blind_spot_days": 90,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    campaign = Campaign.objects.get(name="跨县交叉检查")
    assert campaign.region == city["city"]
    assert set(campaign.regions.all()) == {city["xinhui"], city["taishan"]}


def test_the_api_takes_the_area_as_region_codes(hq_client, city):
    response = hq_client.post(
        "/api/campaigns/",
        {
            "name": "接口跨县",
            "regions": [city["dazhe"].code, city["dajiang"].code],
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-30",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["region"] == city["city"].code
    assert sorted(response.json()["regions"]) == sorted([city["dazhe"].code, city["dajiang"].code])
    empty = hq_client.post(
        "/api/campaigns/",
        {"name": "无区域", "regions": [], "starts_on": "2026-04-01", "ends_on": "2026-04-30"},
        content_type="application/json",
    )
    assert empty.status_code == 400 and "regions" in empty.json()


def test_the_migration_keeps_each_existing_campaigns_region_as_its_area(city):
    """Migration 0004's data step: the old single region becomes the area."""
    import importlib

    from django.apps import apps

    from safecity.hazards.models import Campaign

    campaign = CampaignFactory(region=city["taishan"])
    campaign.regions.clear()
    migration = importlib.import_module("safecity.hazards.migrations.0004_campaign_regions")
    migration.keep_the_area(apps, None)
    assert list(Campaign.objects.get(pk=campaign.pk).regions.all()) == [city["taishan"]]


def test_the_campaign_map_shows_inspected_and_not_yet_inspected_targets_in_the_readers_scope(
    city, xinhui_client, hq_user
):
    from safecity.core import maps

    done = InspectionTargetFactory(region=city["dazhe"], name="已查", latitude="22.400000", longitude="113.000000")
    InspectionTargetFactory(region=city["dazhe"], name="未查", latitude=22.41, longitude=113.0)
    InspectionTargetFactory(region=city["dajiang"], name="台山未查", latitude=22.2, longitude=112.8)
    campaign = CampaignFactory(region=city["city"], regions=[city["dazhe"], city["dajiang"]])
    _inspect(hq_user, done, campaign)
    layers = xinhui_client.get(reverse("hazards:campaign_detail", args=[campaign.pk])).context["map"]["layers"]
    by_colour = {
        layer["colour"]: {f["properties"]["label"] for f in layer["data"]["features"]}
        for layer in layers
        if layer["kind"] == "points"
    }
    assert by_colour == {maps.COLOURS["red"]: {"未查"}, maps.COLOURS["green"]: {"已查"}}
