"""Rescue team members: listed on the team's page, phones and identity numbers masked, the team's declared
strength kept apart from the registered names."""

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.testing import ScopedModelTests
from safecity.resources.models import RescueTeam, Specialty, TeamMember
from safecity.resources.views import TeamMemberViews
from safecity.volunteers.factories import id_number

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}


def team(region, name=None):
    return RescueTeam.objects.get_or_create(
        region=region, name=name or f"{region.name}救援队", defaults={"kind": "professional", "members": 30}
    )[0]


class TestTeamMember(ScopedModelTests):
    views = TeamMemberViews

    def make(self, city, region_key):
        return TeamMember.objects.create(
            team=team(city[COUNTY_OF[region_key]]), name=f"队员{TeamMember.objects.count()}"
        )

    def marker(self, obj):
        return obj.name

    def form_data(self, city, region_key):
        return {
            "team": team(city[COUNTY_OF[region_key]]).pk,
            "name": "欧阳队员",
            "role": "deputy",
            "specialty": Specialty.objects.get(code="hazardous_chemicals").pk,
            "phone": "139 1111 2222",
            "id_number": id_number("440705", "19870707", 17),
            "joined_on": "2024-01-01",
        }


def test_the_team_page_lists_its_members_and_keeps_the_declared_strength(xinhui_client, city):
    rescue = team(city["xinhui"])
    TeamMember.objects.create(team=rescue, name="队长甲", role="leader", phone="13912345678")
    TeamMember.objects.create(team=team(city["xinhui"], "别的队"), name="别队乙")
    page = xinhui_client.get(rescue.get_absolute_url())
    html = page.content.decode()
    assert "队长甲" in html and "别队乙" not in html
    assert "13912345678" not in html and "139****5678" in html
    rescue.refresh_from_db()
    assert rescue.members == 30


def test_a_member_cannot_leave_before_joining(xinhui_client, city):
    data = TestTeamMember().form_data(city, "xinhui")
    data["left_on"] = "2023-12-31"
    assert xinhui_client.post("/resources/teammembers/add/", data).status_code == 400
    assert not TeamMember.objects.exists()


def test_members_identity_numbers_are_masked_for_readers(client, city):
    member = TeamMember.objects.create(team=team(city["xinhui"]), name="队员丙", id_number=id_number(sequence=3))
    client.force_login(make_user("reader", Role.READ_ONLY_LEADER, city["xinhui"].code))
    for url in ("/resources/teammembers/", member.get_absolute_url()):
        html = client.get(url).content.decode()
        assert member.id_number not in html and "440705********" in html


def test_the_team_page_reads_its_members_specialties_in_one_query_however_many_members(xinhui_client, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rescue = team(city["xinhui"])
    specialties = list(Specialty.objects.all()[:6])

    def add_members(n):
        for i in range(n):
            TeamMember.objects.create(team=rescue, name=f"队员{TeamMember.objects.count()}", specialty=specialties[i])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert xinhui_client.get(rescue.get_absolute_url()).status_code == 200
        return len(captured)

    add_members(2)
    few = queries()
    add_members(4)
    assert queries() == few
