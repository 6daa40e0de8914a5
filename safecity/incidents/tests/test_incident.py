from datetime import timedelta

from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.incidents.factories import file_accident
from safecity.incidents.models import Incident
from safecity.incidents.views import IncidentViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestIncident(ScopedModelTests):
    views = IncidentViews
    api_url = "/api/incidents/"
    edit_change = ("title", "改过的标题")
    _n = 0

    def make(self, city, region_key):
        from safecity.core.factories import make_user

        TestIncident._n += 1
        reporter = make_user(f"reporter{TestIncident._n}", "county_staff", city[region_key].code)
        return file_accident(
            reporter,
            city[TOWN_OF[region_key]],
            dead=1,
            occurred_at=timezone.now() - timedelta(hours=2),
            title=f"事故{TestIncident._n}",
        )

    def form_data(self, city, region_key):
        when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        return {
            "title": "新建事故",
            "category": "accident",
            "subtype": "construction",
            "region": city[TOWN_OF[region_key]].pk,
            "occurred_at": when,
            "learned_at": when,
            "summary": "塔吊倒塌",
            "dead": "3",
            "missing": "0",
            "seriously_injured": "0",
            "injured": "2",
            "direct_loss": "0",
        }

    def api_data(self, city, region_key):
        when = (timezone.now() - timedelta(hours=1)).isoformat()
        return {
            "title": "接口事故",
            "category": "accident",
            "subtype": "fire",
            "region": city[TOWN_OF[region_key]].code,
            "occurred_at": when,
            "learned_at": when,
            "initial_report": {"summary": "厂房起火", "dead": 1},
        }


def test_the_incident_page_shows_level_reason_reports_and_deadlines(xinhui_client, xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=timezone.now() - timedelta(hours=1))
    page = xinhui_client.get(f"/incidents/incidents/{incident.pk}/").content.decode()
    assert incident.level_reason in page
    assert 'data-testid="deadline-table"' in page and "report-1" in page


def test_a_follow_up_through_the_page_reclassifies_and_keeps_the_first_report(xinhui_client, xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=timezone.now() - timedelta(hours=3))
    data = {
        "summary": "死亡人数上升",
        "dead": "10",
        "missing": "0",
        "seriously_injured": "0",
        "injured": "0",
        "direct_loss": "0",
    }
    response = xinhui_client.post(f"/incidents/incidents/{incident.pk}/report/follow_up/", data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.level == 2
    assert incident.reports.get(sequence=1).dead == 3


def test_the_api_files_a_follow_up_and_records_a_deadline_as_made(xinhui_client, xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=timezone.now() - timedelta(hours=1))
    response = xinhui_client.post(
        f"/api/incidents/{incident.pk}/follow-up/", {"summary": "续报", "dead": 3}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["level"] == 3
    deadline = incident.deadlines.get(rule="county_to_city")
    done = xinhui_client.post(
        f"/api/incidents/{incident.pk}/deadlines/{deadline.pk}/complete/",
        {"note": "电话"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert Incident.objects.get(pk=incident.pk).deadlines.get(rule="county_to_city").done_by == xinhui_user


def test_the_board_lists_overdue_reports(xinhui_client, xinhui_user, city):
    file_accident(
        xinhui_user,
        city["dazhe"],
        dead=1,
        occurred_at=timezone.now() - timedelta(hours=6),
        filed_after=timedelta(minutes=30),
    )
    response = xinhui_client.get("/incidents/board/")
    assert response.context["overdue"] == 1


def test_an_incident_opened_from_a_duty_log_entry_carries_its_details_and_link(xinhui_client, xinhui_user, city):
    from safecity.duty.models import DutyLogEntry, DutyPost

    post = DutyPost.objects.create(name="新会区应急值班室", kind="county", region=city["xinhui"])
    entry = DutyLogEntry.objects.create(
        post=post,
        occurred_at=timezone.now() - timedelta(minutes=30),
        place="大泽镇五和村",
        summary="村民来电：厂房起火",
        recorded_by=xinhui_user,
    )
    form = xinhui_client.get("/incidents/incidents/add/", {"duty_log_entry": entry.pk}).context["forms"][0]
    assert form.initial["title"] == "村民来电：厂房起火" and form.initial["duty_log_entry"] == entry.pk
    data = TestIncident().form_data(city, "xinhui") | {"duty_log_entry": entry.pk}
    assert xinhui_client.post("/incidents/incidents/add/", data).status_code == 302
    assert Incident.objects.get(duty_log_entry=entry).title == "新建事故"


def test_the_incident_page_lists_every_alert_sent_and_whether_it_was_read(xinhui_client, xinhui_user, city):
    from safecity.core.notifications import notify

    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=timezone.now() - timedelta(hours=1))
    (note,) = notify(recipients=[xinhui_user], title="报告超时 — 测试", target=incident)
    page = xinhui_client.get(incident.get_absolute_url())
    assert list(page.context["alerts"]) == [note]
    assert "报告超时 — 测试" in page.content.decode()


def test_deadline_labels_follow_the_readers_language(xinhui_client, xinhui_user, city):
    incident = file_accident(xinhui_user, city["dazhe"], dead=1, occurred_at=timezone.now() - timedelta(hours=1))
    assert "县级→市级" in xinhui_client.get(incident.get_absolute_url()).content.decode()
    xinhui_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = xinhui_client.get(incident.get_absolute_url()).content.decode()
    assert "county → city: within 2 hours" in page and "县级→市级" not in page
