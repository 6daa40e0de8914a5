"""Teams and deployments: inactive volunteers stay home, hours bounded by the deployment's window, totals per
volunteer and the hours export per period (identity numbers masked unless the user may and asks)."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import PersonalDataAccess
from safecity.core.testing import ScopedModelTests
from safecity.volunteers import selectors, services
from safecity.volunteers.factories import deployment, volunteer
from safecity.volunteers.models import Deployment, Participation, VolunteerTeam
from safecity.volunteers.views import DeploymentViews, VolunteerTeamViews

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}
T0 = timezone.make_aware(datetime(2026, 6, 1, 8, 0))


class TestVolunteerTeam(ScopedModelTests):
    views = VolunteerTeamViews
    api_url = "/api/volunteer-teams/"

    def make(self, city, region_key):
        region = city[COUNTY_OF[region_key]]
        return VolunteerTeam.objects.create(
            region=region, name=f"{region.name}蓝天救援队{VolunteerTeam.objects.count()}"
        )

    def form_data(self, city, region_key):
        return {"name": "会城青年志愿者服务队", "specialty": "防汛", "region": city[COUNTY_OF[region_key]].pk}

    def api_data(self, city, region_key):
        return {"name": "接口志愿队", "region": city[COUNTY_OF[region_key]].code}


class TestDeployment(ScopedModelTests):
    views = DeploymentViews
    api_url = "/api/volunteer-deployments/"
    edit_change = ("title", "改过的名称")

    def make(self, city, region_key):
        return deployment(city[COUNTY_OF[region_key]], f"巡堤{Deployment.objects.count()}")

    def marker(self, obj):
        return obj.title

    def form_data(self, city, region_key):
        return {
            "title": "台风山竹转移群众",
            "kind": "incident",
            "starts_at": "2026-09-16T08:00",
            "ends_at": "2026-09-16T20:00",
            "region": city[COUNTY_OF[region_key]].pk,
            "place": "会城街道",
        }

    def api_data(self, city, region_key):
        return {
            "title": "接口部署",
            "kind": "drill",
            "starts_at": "2026-09-16T08:00:00+08:00",
            "ends_at": "2026-09-16T12:00:00+08:00",
            "region": city[COUNTY_OF[region_key]].code,
        }


def test_a_deployment_must_end_after_it_starts(xinhui_client, city):
    data = TestDeployment().form_data(city, "xinhui")
    data["ends_at"] = data["starts_at"]
    response = xinhui_client.post("/volunteers/deployments/add/", data)
    assert response.status_code == 400
    assert not Deployment.objects.exists()


def test_inactive_volunteers_are_refused_for_a_new_deployment_with_their_names(xinhui_user, city):
    active, idle = volunteer(city["xinhui"], "张在岗"), volunteer(city["xinhui"], "李休整")
    services.set_status(actor=xinhui_user, volunteer=idle, status="inactive", reason="伤病")
    work = deployment(city["xinhui"])
    with pytest.raises(ValidationError, match="李休整"):
        services.add_participants(actor=xinhui_user, deployment=work, volunteers=[active, idle])
    assert not Participation.objects.exists()
    services.add_participants(actor=xinhui_user, deployment=work, volunteers=[active])
    assert list(work.participations.values_list("volunteer__name", flat=True)) == ["张在岗"]


def test_sending_a_team_sends_its_current_active_members_only(xinhui_client, xinhui_user, city):
    team = VolunteerTeam.objects.create(region=city["xinhui"], name="会城蓝天")
    lead, member, idle, gone = (volunteer(city["xinhui"], n) for n in ("队长甲", "队员乙", "队员丙", "队员丁"))
    for person, role in ((lead, "leader"), (member, "member"), (idle, "member"), (gone, "member")):
        services.add_member(actor=xinhui_user, team=team, volunteer=person, role=role)
    services.end_membership(actor=xinhui_user, membership=team.memberships.get(volunteer=gone))
    services.set_status(actor=xinhui_user, volunteer=idle, status="inactive", reason="外出")
    assert team.leader == lead
    work = deployment(city["xinhui"])
    response = xinhui_client.post(f"/volunteers/deployments/{work.pk}/participants/", {"team": team.pk})
    assert response.status_code == 302
    assert set(work.participations.values_list("volunteer__name", flat=True)) == {"队长甲", "队员乙"}
    with pytest.raises(ValidationError):
        services.add_member(actor=xinhui_user, team=team, volunteer=idle)


def test_hours_cannot_be_negative_or_exceed_the_window_and_check_times_must_lie_inside_it(xinhui_user, city):
    work = deployment(city["xinhui"], starts_at=T0, hours=8)
    person = volunteer(city["xinhui"])
    (row,) = services.add_participants(actor=xinhui_user, deployment=work, volunteers=[person])
    for kwargs in (
        {"hours": Decimal("-1")},
        {"hours": Decimal("8.1")},
        {"checked_in_at": T0 - timedelta(minutes=1), "checked_out_at": T0 + timedelta(hours=2)},
        {"checked_in_at": T0, "checked_out_at": T0 + timedelta(hours=9)},
        {"checked_in_at": T0 + timedelta(hours=1), "checked_out_at": T0 + timedelta(hours=3), "hours": Decimal("2.5")},
    ):
        with pytest.raises(ValidationError):
            services.record_hours(actor=xinhui_user, participation=row, **kwargs)
    row.refresh_from_db()
    assert row.hours == 0 and row.confirmed_at is None
    services.record_hours(actor=xinhui_user, participation=row, hours=Decimal("8"))
    services.record_hours(
        actor=xinhui_user,
        participation=row,
        checked_in_at=T0 + timedelta(hours=1),
        checked_out_at=T0 + timedelta(hours=4, minutes=30),
    )
    row.refresh_from_db()
    assert (row.hours, row.confirmed_by) == (Decimal("3.5"), xinhui_user)


def test_total_hours_per_volunteer_and_the_period_export(client, xinhui_user, city):
    person, other = volunteer(city["xinhui"], "赵时长"), volunteer(city["dazhe"], "钱时长")
    june, july = (
        deployment(city["xinhui"], "六月", starts_at=T0),
        deployment(city["xinhui"], "七月", starts_at=T0 + timedelta(days=30)),
    )
    for work, hours in ((june, "6"), (july, "4.5")):
        for row in services.add_participants(actor=xinhui_user, deployment=work, volunteers=[person, other]):
            services.record_hours(actor=xinhui_user, participation=row, hours=Decimal(hours))
    assert selectors.total_hours(person) == Decimal("10.5")
    reader = make_user("reader", Role.READ_ONLY_LEADER, city["xinhui"].code)
    client.force_login(reader)
    page = client.get("/volunteers/hours/", {"start": "2026-06-01", "end": "2026-06-30"})
    assert {(r.volunteer.name, r.hours, r.deployments) for r in page.context["rows"]} == {
        ("赵时长", Decimal("6"), 1),
        ("钱时长", Decimal("6"), 1),
    }
    listed = client.get("/volunteers/volunteers/").context["table"]
    assert {row.record.name: row.record.total_hours for row in listed.paginated_rows}["赵时长"] == Decimal("10.5")
    exported = client.get(
        "/volunteers/hours/", {"start": "2026-06-01", "end": "2026-07-31", "_export": "xlsx", "full": "1"}
    )
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["赵时长"][5] == 10.5 and rows["赵时长"][4] == 2
    assert rows["赵时长"][1] != person.id_number and rows["赵时长"][1].startswith("440705****")
    assert not PersonalDataAccess.objects.exists()


def test_the_export_gives_full_identity_numbers_only_to_those_who_may_and_logs_each(client, xinhui_user, city):
    person = volunteer(city["xinhui"])
    work = deployment(city["xinhui"])
    for row in services.add_participants(actor=xinhui_user, deployment=work, volunteers=[person]):
        services.record_hours(actor=xinhui_user, participation=row, hours=Decimal("3"))
    client.force_login(xinhui_user)
    masked = client.get("/volunteers/hours/", {"_export": "xlsx"})
    assert person.id_number not in str(list(load_workbook(io.BytesIO(masked.content)).active.values))
    full = client.get("/volunteers/hours/", {"_export": "xlsx", "full": "1"})
    assert person.id_number in str(list(load_workbook(io.BytesIO(full.content)).active.values))
    assert PersonalDataAccess.objects.filter(user=xinhui_user, object_id=person.pk, field="id_number").count() == 1


def test_a_county_sees_only_its_own_volunteers_hours(client, taishan_user, xinhui_user, city):
    person = volunteer(city["xinhui"], "新会人")
    work = deployment(city["xinhui"])
    for row in services.add_participants(actor=xinhui_user, deployment=work, volunteers=[person]):
        services.record_hours(actor=xinhui_user, participation=row, hours=Decimal("3"))
    client.force_login(taishan_user)
    assert client.get("/volunteers/hours/").context["rows"] == []
    assert client.get(f"/volunteers/deployments/{work.pk}/").status_code == 404


def test_hours_through_the_deployment_page(xinhui_client, xinhui_user, city):
    work = deployment(city["xinhui"], starts_at=T0, hours=8)
    person = volunteer(city["xinhui"], "孙页面")
    xinhui_client.post(f"/volunteers/deployments/{work.pk}/participants/", {"volunteers": [person.pk]})
    row = work.participations.get()
    refused = xinhui_client.post(
        f"/volunteers/deployments/{work.pk}/hours/", {"participation": row.pk, "hours": "9"}, follow=True
    )
    assert "8.0" in refused.content.decode()
    row.refresh_from_db()
    assert row.hours == 0
    xinhui_client.post(
        f"/volunteers/deployments/{work.pk}/hours/",
        {"participation": row.pk, "checked_in_at": "2026-06-01T09:00", "checked_out_at": "2026-06-01T15:00"},
    )
    row.refresh_from_db()
    assert row.hours == Decimal("6.0")
