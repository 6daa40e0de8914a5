"""Rescue teams: readiness changes through the service and in history, the board by county, dispatch
with response time."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.incidents.factories import file_accident
from safecity.resources import services
from safecity.resources.models import RescueTeam
from safecity.resources.views import RescueTeamViews

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}
T0 = timezone.make_aware(datetime(2026, 5, 1, 8, 0))


def team(region, name, kind="professional"):
    return RescueTeam.objects.create(region=region, name=name, kind=kind, members=30, leader="张队长")


class TestRescueTeam(ScopedModelTests):
    views = RescueTeamViews

    def make(self, city, region_key):
        region = city[COUNTY_OF[region_key]]
        return team(region, f"{region.name}救援队{RescueTeam.objects.count() + 1}")

    def form_data(self, city, region_key):
        return {
            "name": "新会区危化品救援队",
            "kind": "professional",
            "members": "25",
            "leader": "李队长",
            "leader_phone": "13922334455",
            "region": city[COUNTY_OF[region_key]].pk,
            "base_address": "银洲湖工业区",
        }


def test_a_readiness_change_is_in_the_teams_history_with_reason_and_time(xinhui_client, xinhui_user, city):
    rescue = team(city["xinhui"], "新会区防汛抢险队")
    with pytest.raises(ValidationError):
        services.set_readiness(actor=xinhui_user, team=rescue, readiness="not_ready")
    services.set_readiness(actor=xinhui_user, team=rescue, readiness="not_ready", reason="装备检修", now=T0)
    rescue.refresh_from_db()
    assert (rescue.readiness, rescue.readiness_reason, rescue.readiness_since) == ("not_ready", "装备检修", T0)
    page = xinhui_client.get(f"/resources/rescueteams/{rescue.pk}/history/")
    changes = [c for entry in page.context["entries"] for c in entry["changes"]]
    assert any(new == "装备检修" for _label, _old, new in changes), changes
    assert any(old == "就绪" or old == "ready" for _label, old, _new in changes), changes


def test_the_readiness_board_shows_each_countys_teams_by_status_and_only_the_users_area(
    client, hq_user, xinhui_user, city
):
    ready = team(city["xinhui"], "新会甲队")
    resting = team(city["dazhe"], "大泽乙队")
    services.set_readiness(actor=xinhui_user, team=resting, readiness="resting")
    team(city["taishan"], "台山丙队", kind="medical")
    client.force_login(hq_user)
    page = client.get("/resources/readiness/")
    rows = {row["county"]: row["cells"] for row in page.context["rows"]}
    assert rows["新会区"] == [[ready], [], [resting], []]
    assert [t.name for t in rows["台山市"][0]] == ["台山丙队"]
    client.force_login(xinhui_user)
    mine = client.get("/resources/readiness/")
    assert [row["county"] for row in mine.context["rows"]] == ["新会区"]
    assert "台山丙队" not in mine.content.decode()


def test_dispatch_measures_the_response_time_and_moves_the_team_through_its_states(xinhui_client, xinhui_user, city):
    rescue = team(city["xinhui"], "新会区矿山救护队")
    incident = file_accident(actor=xinhui_user, region=city["dazhe"], occurred_at=T0)
    dispatch = services.dispatch_team(actor=xinhui_user, team=rescue, incident=incident, now=T0)
    rescue.refresh_from_db()
    assert rescue.readiness == "on_mission"
    with pytest.raises(ValidationError):
        services.dispatch_team(actor=xinhui_user, team=rescue, incident=incident, now=T0)
    with pytest.raises(ValidationError):
        services.record_dispatch_time(actor=xinhui_user, dispatch=dispatch, step="arrived", at=T0)
    services.record_dispatch_time(actor=xinhui_user, dispatch=dispatch, step="departed", at=T0 + timedelta(minutes=5))
    services.record_dispatch_time(actor=xinhui_user, dispatch=dispatch, step="arrived", at=T0 + timedelta(minutes=38))
    dispatch.refresh_from_db()
    assert dispatch.response_minutes == 38
    services.record_dispatch_time(actor=xinhui_user, dispatch=dispatch, step="returned", at=T0 + timedelta(hours=6))
    rescue.refresh_from_db()
    assert rescue.readiness == "resting"
    assert rescue.history.count() >= 3
    listed = xinhui_client.get("/resources/dispatches/")
    assert "38" in listed.content.decode()


def test_dispatch_and_readiness_through_the_page(xinhui_client, xinhui_user, city):
    rescue = team(city["xinhui"], "新会区医疗队")
    incident = file_accident(actor=xinhui_user, region=city["dazhe"], occurred_at=T0)
    url = f"/resources/rescueteams/{rescue.pk}/"
    assert xinhui_client.post(url + "dispatch/", {"incident": incident.pk}).status_code == 302
    dispatch = rescue.dispatches.get()
    assert xinhui_client.post(url + "departed/", {"dispatch": dispatch.pk}).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.departed_at is not None
    assert xinhui_client.get(url).status_code == 200
    xinhui_client.post(url + "readiness/", {"readiness": "ready", "reason": ""})
    rescue.refresh_from_db()
    assert rescue.readiness == "ready"


def test_another_countys_team_cannot_be_changed(xinhui_client, city):
    theirs = team(city["taishan"], "台山队")
    response = xinhui_client.post(f"/resources/rescueteams/{theirs.pk}/readiness/", {"readiness": "not_ready"})
    assert response.status_code == 404
