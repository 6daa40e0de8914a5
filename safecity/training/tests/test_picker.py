"""Attendees and certificate holders are picked by search among those of the user's area."""

from datetime import date

from safecity.resources.models import Expert, RescueTeam, TeamMember
from safecity.training.forms import AttendanceForm, CertificateForm
from safecity.training.models import Attendance, Topic
from safecity.training.tests.test_training import course
from safecity.volunteers.factories import id_number, volunteer


def test_the_course_page_has_no_list_of_every_person_and_enrols_a_picked_team_member(xinhui_client, city):
    training = course(city["xinhui"])
    team = RescueTeam.objects.create(region=city["xinhui"], name="新会救援队", kind="professional")
    members = [TeamMember.objects.create(team=team, name=f"队员{i:02d}号") for i in range(30)]
    people = [volunteer(city["huicheng"], f"志愿{i:02d}号") for i in range(30)]
    page = xinhui_client.get(training.get_absolute_url()).content.decode()
    for name in ("volunteer", "expert", "team_member"):
        assert f'data-testid="{name}-search"' in page
    assert not any(m.name in page for m in members) and not any(p.name in page for p in people)
    xinhui_client.post(
        f"/training/courses/{training.pk}/attendee/", {"holder_kind": "team_member", "team_member": members[5].pk}
    )
    assert Attendance.objects.filter(course=training, team_member=members[5]).exists()


def test_the_search_finds_team_members_and_experts_of_the_area_only_masked(xinhui_client, city):
    mine = TeamMember.objects.create(
        team=RescueTeam.objects.create(region=city["xinhui"], name="新会救援队", kind="professional"),
        name="钟队员",
        phone="13700137001",
        id_number=id_number("440705", "19880808", 21),
    )
    theirs = TeamMember.objects.create(
        team=RescueTeam.objects.create(region=city["taishan"], name="台山救援队", kind="professional"),
        name="钟队员",
    )
    text = xinhui_client.get("/pick/resources.teammember/", {"team_member__q": "钟队员"}).content.decode()
    assert f"pick-{mine.pk}" in text and f"pick-{theirs.pk}" not in text and "新会救援队" in text
    assert "13700137001" not in text and mine.id_number not in text and "137****7001" in text
    expert = Expert.objects.create(region=city["xinhui"], name="危化专家", source="academic", phone="13912345678")
    other = Expert.objects.create(region=city["taishan"], name="危化专家", source="academic", phone="13912345679")
    text = xinhui_client.get("/pick/resources.expert/", {"expert__q": "危化"}).content.decode()
    assert f"pick-{expert.pk}" in text and f"pick-{other.pk}" not in text and "13912345678" not in text


def test_an_out_of_scope_holder_is_refused_with_the_field_error(xinhui_user, city):
    training = course(city["xinhui"])
    theirs = volunteer(city["taicheng"], "外县志愿者")
    form = AttendanceForm(data={"holder_kind": "volunteer", "volunteer": theirs.pk}, user=xinhui_user, course=training)
    assert not form.is_valid()
    assert "invalid_choice" in [e.code for e in form.errors.as_data()["volunteer"]]
    certificate = CertificateForm(
        data={
            "holder_kind": "volunteer",
            "volunteer": theirs.pk,
            "number": "HX-1",
            "topic": Topic.objects.get(code="first_aid").pk,
            "issued_on": "2025-05-01",
            "issuing_body": "红十字会",
        },
        user=xinhui_user,
    )
    assert not certificate.is_valid() and "volunteer" in certificate.errors


def test_editing_shows_the_chosen_holder_by_name(xinhui_user, city):
    from safecity.training.models import Certificate

    mine = volunteer(city["huicheng"], "郑持证")
    cert = Certificate.objects.create(
        region=city["huicheng"],
        holder_kind="volunteer",
        volunteer=mine,
        topic=Topic.objects.get(code="first_aid"),
        number="HX-2",
        issued_on=date(2025, 1, 1),
        issuing_body="红十字会",
    )
    html = str(CertificateForm(instance=cert, user=xinhui_user)["volunteer"])
    assert "郑持证" in html and f'value="{mine.pk}"' in html and "checked" in html
