"""The readiness board leads from each team to its registered members."""

from safecity.resources.models import RescueTeam


def test_each_team_on_the_readiness_board_links_to_its_current_members(xinhui_client, city):
    team = RescueTeam.objects.create(region=city["xinhui"], name="新会区防汛抢险队", kind="professional")
    page = xinhui_client.get("/resources/readiness/").content.decode()
    link = f"/resources/teammembers/?team={team.pk}&amp;current=true"
    assert link in page
    members = xinhui_client.get(link.replace("&amp;", "&"))
    assert members.status_code == 200
