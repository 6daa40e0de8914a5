"""Volunteers are picked by search among those of the user's area, never from a city-long drop-down."""

from django.utils import timezone

from safecity.volunteers.factories import deployment, volunteer
from safecity.volunteers.forms import MembershipForm, ParticipantsForm
from safecity.volunteers.models import Participation, TeamMembership, VolunteerTeam

PICK = "/pick/volunteers.active_volunteer/"


def test_the_search_finds_only_volunteers_of_the_users_area_with_numbers_masked(xinhui_client, city):
    mine = volunteer(city["huicheng"], "林志愿", phone="13800138001")
    theirs = volunteer(city["taicheng"], "林志愿", phone="13800138002")
    idle = volunteer(city["huicheng"], "林志愿", status="inactive")
    found = xinhui_client.get(PICK, {"target": "id_volunteer", "name": "volunteer", "volunteer__q": "林志愿"})
    text = found.content.decode()
    assert f"pick-{mine.pk}" in text and f"pick-{theirs.pk}" not in text and f"pick-{idle.pk}" not in text
    assert mine.id_number not in text and "13800138001" not in text
    assert "138****8001" in text and f"{mine.id_number[:6]}********{mine.id_number[-4:]}" in text
    # by phone or identity number, exactly
    assert f"pick-{mine.pk}" in xinhui_client.get(PICK, {"volunteer__q": "138 0013 8001"}).content.decode()
    assert f"pick-{mine.pk}" in xinhui_client.get(PICK, {"volunteer__q": mine.id_number}).content.decode()
    assert f"pick-{theirs.pk}" not in xinhui_client.get(PICK, {"volunteer__q": "13800138002"}).content.decode()
    # choosing: the picker comes back holding the name; someone of another county is not found
    chosen = xinhui_client.get(PICK, {"target": "id_volunteer", "name": "volunteer", "choose": mine.pk})
    assert f'value="{mine.pk}"' in chosen.content.decode() and "林志愿" in chosen.content.decode()
    assert xinhui_client.get(PICK, {"target": "x", "name": "volunteer", "choose": theirs.pk}).status_code == 404


def test_the_search_answers_at_most_twenty_and_unknown_sources_are_404(xinhui_client, city):
    for i in range(25):
        volunteer(city["huicheng"], f"王{i}")
    text = xinhui_client.get(PICK, {"volunteer__q": "王"}).content.decode()
    assert text.count('data-testid="pick-') == 20
    assert xinhui_client.get("/pick/no.such/", {"q": "王"}).status_code == 404


def test_the_team_page_has_no_list_of_every_volunteer_and_adds_a_picked_one(xinhui_client, city):
    team = VolunteerTeam.objects.create(region=city["xinhui"], name="会城志愿队")
    people = [volunteer(city["huicheng"], f"队员{i:02d}号") for i in range(40)]
    page = xinhui_client.get(team.get_absolute_url()).content.decode()
    assert 'data-testid="volunteer-search"' in page
    assert not any(p.name in page for p in people)
    response = xinhui_client.post(
        f"/volunteers/volunteerteams/{team.pk}/add-member/", {"volunteer": people[3].pk, "role": "member"}
    )
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=team, volunteer=people[3]).exists()


def test_an_out_of_scope_volunteer_is_refused_with_the_field_error(xinhui_user, city):
    theirs = volunteer(city["taicheng"], "外县志愿者")
    form = MembershipForm(data={"volunteer": theirs.pk, "role": "member"}, user=xinhui_user)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["volunteer"]] == ["invalid_choice"]
    many = ParticipantsForm(data={"volunteers": [theirs.pk]}, user=xinhui_user)
    assert not many.is_valid() and "volunteers" in many.errors


def test_without_javascript_a_typed_unique_search_is_taken_and_an_ambiguous_one_lists_the_matches(xinhui_user, city):
    one = volunteer(city["huicheng"], "赵独一")
    twins = [volunteer(city["huicheng"], "钱同名"), volunteer(city["dazhe"], "钱同名")]
    volunteer(city["taicheng"], "赵独一")  # another county's namesake does not count
    form = MembershipForm(data={"volunteer__q": "赵独一", "role": "member"}, user=xinhui_user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["volunteer"] == one
    ambiguous = MembershipForm(data={"volunteer__q": "钱同名", "role": "member"}, user=xinhui_user)
    assert not ambiguous.is_valid() and "volunteer" in ambiguous.errors
    html = str(ambiguous["volunteer"])
    assert all(f'value="{t.pk}"' in html for t in twins) and 'value="钱同名"' in html
    nobody = MembershipForm(data={"volunteer__q": "无此人", "role": "member"}, user=xinhui_user)
    assert not nobody.is_valid() and "无此人" in nobody.errors["volunteer"][0]
    # several, plus one typed: all of them
    more = ParticipantsForm(data={"volunteers": [twins[0].pk], "volunteers__q": "赵独一"}, user=xinhui_user)
    assert more.is_valid(), more.errors
    assert set(more.cleaned_data["volunteers"]) == {twins[0], one}


def test_the_deployment_page_renders_chosen_names_and_sends_the_picked_volunteers(xinhui_client, city):
    work = deployment(city["xinhui"], starts_at=timezone.now())
    people = [volunteer(city["huicheng"], f"巡堤{i:02d}号") for i in range(30)]
    page = xinhui_client.get(work.get_absolute_url()).content.decode()
    assert 'data-testid="volunteers-search"' in page and not any(p.name in page for p in people)
    xinhui_client.post(f"/volunteers/deployments/{work.pk}/participants/", {"volunteers": [people[0].pk, people[1].pk]})
    assert set(Participation.objects.filter(deployment=work).values_list("volunteer", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }
    bound = ParticipantsForm(data={"volunteers": [people[0].pk]}, user=None)
    assert "巡堤00号" not in str(bound["volunteers"])  # no user: no names
    chosen = xinhui_client.get(
        "/pick/volunteers.active_volunteer/",
        {"target": "id_volunteers", "name": "volunteers", "mode": "multiple", "choose": people[2].pk},
    ).content.decode()
    assert 'name="volunteers"' in chosen and "checked" in chosen and "巡堤02号" in chosen
