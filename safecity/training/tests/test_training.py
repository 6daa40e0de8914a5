"""Training: courses with attendees, a pass issues the certificate, certificate status at its boundaries,
the certificate register by topic/region/holder kind, the expiring list and the once-only sweep."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.core.testing import ScopedModelTests
from safecity.resources.models import Expert, RescueTeam, TeamMember
from safecity.training import rules, services
from safecity.training.models import Attendance, Certificate, Course, Topic
from safecity.training.views import CertificateViews, CourseViews
from safecity.volunteers.factories import id_number, volunteer

COUNTY_OF = {"xinhui": "xinhui", "taishan": "taishan"}


def course(region, title="火场指挥培训班", topic="fire_scene_command", **fields):
    fields.setdefault("starts_on", date(2026, 3, 2))
    fields.setdefault("ends_on", date(2026, 3, 6))
    return Course.objects.create(
        region=region,
        title=title,
        topic=Topic.objects.get(code=topic),
        organiser="市应急管理局",
        hours=Decimal("40"),
        **fields,
    )


def certificate(region, *, expires_on=None, name="外聘人员", topic="first_aid", number=None, **fields):
    return Certificate.objects.create(
        region=region,
        holder_kind="person",
        person_name=name,
        topic=Topic.objects.get(code=topic),
        number=number or f"C-{Certificate.objects.count() + 1:05d}",
        issued_on=date(2024, 1, 1),
        expires_on=expires_on,
        issuing_body="红十字会",
        **fields,
    )


class TestCourse(ScopedModelTests):
    views = CourseViews
    api_url = "/api/courses/"
    edit_change = ("title", "改过的名称")

    def make(self, city, region_key):
        return course(city[COUNTY_OF[region_key]], f"培训班{Course.objects.count()}")

    def form_data(self, city, region_key):
        return {
            "title": "隔离场所工作人员培训",
            "topic": Topic.objects.get(code="quarantine_site_staff").pk,
            "organiser": "区卫生健康局",
            "region": city[COUNTY_OF[region_key]].pk,
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-02",
            "hours": "12",
            "issues_certificate": "on",
        }

    def api_data(self, city, region_key):
        return {
            "title": "流调培训",
            "topic": "epidemiological_investigation",
            "organiser": "区疾控中心",
            "region": city[COUNTY_OF[region_key]].code,
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-03",
            "hours": "24",
        }


class TestCertificate(ScopedModelTests):
    views = CertificateViews
    api_url = "/api/certificates/"
    edit_change = ("issuing_body", "江门市红十字会")

    def make(self, city, region_key):
        return certificate(city[COUNTY_OF[region_key]], name=f"持证人{Certificate.objects.count()}")

    def marker(self, obj):
        return obj.number

    def form_data(self, city, region_key):
        return {
            "holder_kind": "person",
            "person_name": "周外援",
            "person_id_number": id_number("440705", "19850505", 15),
            "region": city[COUNTY_OF[region_key]].pk,
            "number": "HX-2025-0001",
            "topic": Topic.objects.get(code="first_aid").pk,
            "issued_on": "2025-05-01",
            "issuing_body": "红十字会",
        }

    def api_data(self, city, region_key):
        return {
            "holder_kind": "person",
            "person_name": "接口持证人",
            "region": city[COUNTY_OF[region_key]].code,
            "number": f"API-{region_key}",
            "topic": "first_aid",
            "issued_on": "2025-05-01",
            "issuing_body": "红十字会",
        }


@pytest.mark.parametrize(
    ("days_left", "status"),
    [(61, "valid"), (60, "expiring"), (1, "expiring"), (0, "expiring"), (-1, "expired")],
)
def test_a_certificate_is_valid_through_its_expiry_day_and_expiring_from_60_days_before(days_left, status):
    today = date(2026, 6, 1)
    assert rules.EXPIRING_WITHIN_DAYS == 60
    assert rules.certificate_status(today + timedelta(days=days_left), today) == status
    assert rules.certificate_status(None, today) == "valid"


def test_validity_counts_calendar_months_and_ends_the_day_before_the_anniversary():
    assert rules.expiry_date(date(2026, 3, 6), 36) == date(2029, 3, 5)
    assert rules.expiry_date(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert rules.expiry_date(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert rules.expiry_date(date(2026, 3, 6), None) is None


def test_passing_a_course_issues_one_certificate_with_the_topics_validity_in_the_holders_region(xinhui_user, city):
    training = course(city["xinhui"])  # fire-scene command: 36 months
    person = volunteer(city["dazhe"], "吴学员")
    attendance = services.add_attendee(
        actor=xinhui_user, course=training, attendance=Attendance(holder_kind="volunteer", volunteer=person)
    )
    issued = services.record_result(actor=xinhui_user, attendance=attendance, passed=True, score=Decimal("88"))
    assert (issued.holder, issued.region, issued.topic.code) == (person, city["dazhe"], "fire_scene_command")
    assert (issued.issued_on, issued.expires_on) == (date(2026, 3, 6), date(2029, 3, 5))
    assert services.record_result(actor=xinhui_user, attendance=attendance, passed=True) is None
    assert Certificate.objects.count() == 1
    with pytest.raises(ValidationError):
        services.record_result(actor=xinhui_user, attendance=attendance, passed=False)


def test_a_fail_or_a_course_without_certificate_issues_nothing_and_a_course_validity_overrides_the_topic(
    xinhui_user, city
):
    plain = course(city["xinhui"], "宣讲", issues_certificate=False)
    person = volunteer(city["xinhui"])
    a = services.add_attendee(
        actor=xinhui_user, course=plain, attendance=Attendance(holder_kind="volunteer", volunteer=person)
    )
    assert services.record_result(actor=xinhui_user, attendance=a, passed=True) is None
    short = course(city["xinhui"], "急救短训", topic="first_aid", validity_months=6)
    b = services.add_attendee(
        actor=xinhui_user, course=short, attendance=Attendance(holder_kind="volunteer", volunteer=person)
    )
    assert services.record_result(actor=xinhui_user, attendance=b, passed=False) is None
    assert not Certificate.objects.exists()
    b2 = services.add_attendee(
        actor=xinhui_user, course=short, attendance=Attendance(holder_kind="person", person_name="郑外援")
    )
    issued = services.record_result(actor=xinhui_user, attendance=b2, passed=True)
    assert issued.expires_on == date(2026, 9, 5)
    assert issued.region == city["xinhui"]  # another person: the course's region


def test_attendees_of_every_kind_and_results_through_the_course_page(xinhui_client, xinhui_user, city):
    training = course(city["xinhui"])
    expert = Expert.objects.create(region=city["xinhui"], name="危化专家", source="academic", phone="13912345678")
    team = RescueTeam.objects.create(region=city["xinhui"], name="新会救援队", kind="professional")
    member = TeamMember.objects.create(team=team, name="队员钟")
    url = f"/training/courses/{training.pk}/"
    for data in (
        {"holder_kind": "expert", "expert": expert.pk},
        {"holder_kind": "team_member", "team_member": member.pk},
        {"holder_kind": "person", "person_name": "何外援", "person_phone": "13800001111"},
    ):
        assert xinhui_client.post(url + "attendee/", data).status_code == 302
    xinhui_client.post(url + "attendee/", {"holder_kind": "expert"})  # no expert chosen: refused
    assert training.attendances.count() == 3
    for attendance in training.attendances.all():
        xinhui_client.post(url + "result/", {"attendance": attendance.pk, "passed": "1", "score": "90"})
    assert Certificate.objects.count() == 3
    page = xinhui_client.get(url).content.decode()
    assert "危化专家" in page and "队员钟" in page and "13800001111" not in page
    expert_page = xinhui_client.get(expert.get_absolute_url())
    assert any(t.paginator.count == 1 for _title, t in expert_page.context["related"])
    team_page = xinhui_client.get(team.get_absolute_url())
    assert "队员钟" in team_page.content.decode()


def test_who_is_trained_filters_by_topic_region_and_holder_kind_and_a_county_sees_only_its_own(
    client, city, xinhui_user
):
    mine = certificate(city["xinhui"], topic="first_aid", name="新会甲")
    certificate(city["xinhui"], topic="forest_fire", name="新会乙")
    theirs = certificate(city["taishan"], topic="first_aid", name="台山丙")
    client.force_login(xinhui_user)
    first_aid = Topic.objects.get(code="first_aid")
    page = client.get("/training/certificates/", {"topic": first_aid.pk, "holder_kind": "person"})
    assert [row.record for row in page.context["table"].paginated_rows] == [mine]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    api = client.get("/api/certificates/", {"topic": first_aid.pk}).json()
    assert [row["number"] for row in api["results"]] == [mine.number]


def test_the_expiring_list_shows_expired_and_expiring_soonest_first_with_their_status(client, city, xinhui_user):
    with time_machine.travel(date(2026, 6, 1)):
        later = certificate(city["xinhui"], expires_on=date(2026, 7, 20), name="快到期")
        past = certificate(city["xinhui"], expires_on=date(2026, 5, 1), name="已过期")
        certificate(city["xinhui"], expires_on=date(2027, 1, 1), name="还早")
        client.force_login(xinhui_user)
        page = client.get("/training/expiring/")
        assert [row.record for row in page.context["table"].paginated_rows] == [past, later]
        html = page.content.decode()
        assert 'data-status="expired"' in html and 'data-status="expiring"' in html
        only = client.get("/training/certificates/", {"certificate_status": "expiring"})
        assert [row.record for row in only.context["table"].paginated_rows] == [later]


def test_the_sweep_tells_the_holders_area_once_per_certificate(city, xinhui_user, taishan_user):
    town = make_user("town-dazhe", Role.TOWN_STAFF, city["dazhe"].code)
    soon = certificate(city["dazhe"], expires_on=date(2026, 7, 1), name="大泽持证")
    certificate(city["xinhui"], expires_on=date(2026, 12, 1), name="还早")
    certificate(city["xinhui"], expires_on=date(2026, 5, 1), name="已过期")
    assert services.sweep_expiring(today=date(2026, 6, 1)) == {"notified": 1}
    assert services.sweep_expiring(today=date(2026, 6, 2)) == {"notified": 0}
    (notice,) = Notification.objects.all()
    assert notice.recipient == town and "大泽持证" in notice.title
    soon.expires_on = date(2026, 7, 15)  # renewed with a new date: told again
    soon.save()
    assert services.sweep_expiring(today=date(2026, 6, 2)) == {"notified": 1}
    assert not Notification.objects.filter(recipient__in=[taishan_user, xinhui_user]).exists()


def test_the_sweep_is_a_registered_periodic_job():
    from safecity.core.jobs import SCHEDULE

    assert SCHEDULE["training.sweep-certificates"]["task"] == "safecity.training.tasks.sweep"
