""" "Check into a quarantine facility" from where the duty officer already is: the person's page and the
management plan's page offer it when a plan needs facility quarantine and the person is not checked in;
it opens the check-in form with the person and the plan filled in — only ones in the user's area —, and
once the person is checked in both pages say where (facility, room, bed, since)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.followup.factories import make_plan
from safecity.quarantine import services
from safecity.quarantine.factories import make_facility
from safecity.quarantine.models import Stay

pytestmark = pytest.mark.django_db

ACTION = 'data-testid="check-in-action"'


def _person_page(client, person):
    return client.get(person.get_absolute_url()).content.decode()


def _plan_page(client, plan):
    return client.get(plan.get_absolute_url()).content.decode()


def _action_url(html: str) -> str:
    start = html.index(ACTION)
    href = html.rindex('href="', 0, start) + len('href="')
    return html[href : html.index('"', href)].replace("&amp;", "&")


@pytest.fixture
def close_plan(city):
    """A close contact's plan started two days ago: today is in its 7 days of facility quarantine."""
    return make_plan(region=city["village"], person_class="close", name="黄小明")


def test_both_pages_offer_the_check_in_when_the_plan_is_in_facility_quarantine(xinhui_client, city, close_plan):
    make_facility(city["dazhe"], rooms=1)
    for html in (_person_page(xinhui_client, close_plan.person), _plan_page(xinhui_client, close_plan)):
        assert ACTION in html
        url = urlsplit(_action_url(html))
        assert url.path == "/quarantine/stays/add/"
        assert parse_qs(url.query) == {
            "person": [str(close_plan.person_id)],
            "plan": [str(close_plan.pk)],
            "reason": ["close_contact"],
        }


def test_following_the_action_opens_the_check_in_form_with_person_plan_and_reason_filled_in(
    xinhui_client, city, close_plan
):
    facility = make_facility(city["dazhe"], rooms=1)
    url = _action_url(_person_page(xinhui_client, close_plan.person))
    page = xinhui_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["person"] == close_plan.person_id and form.initial["plan"] == close_plan.pk
    body = page.content.decode()
    assert 'data-testid="chosen-person"' in body and "黄小明" in body
    assert 'data-testid="chosen-plan"' in body
    assert f'name="plan" value="{close_plan.pk}"' in body
    assert '<option value="close_contact" selected>' in body
    done = xinhui_client.post(
        "/quarantine/stays/add/",
        {"facility": facility.pk, "person": close_plan.person_id, "plan": close_plan.pk, "reason": "close_contact"},
    )
    assert done.status_code == 302
    stay = Stay.objects.get(person=close_plan.person)
    assert stay.plan == close_plan and stay.planned_check_out == close_plan.steps.get(step=1).end_date


def test_no_action_when_no_plan_needs_a_facility(xinhui_client, city, close_plan):
    make_facility(city["dazhe"], rooms=1)
    home = make_plan(region=city["village"], person_class="secondary")  # 7 days home quarantine
    assert ACTION not in _person_page(xinhui_client, home.person)
    assert ACTION not in _plan_page(xinhui_client, home)
    # the facility-quarantine step is over: the person is in home health monitoring now
    past = make_plan(region=city["village"], start=timezone.localdate() - timedelta(days=8))
    assert ACTION not in _person_page(xinhui_client, past.person)
    assert ACTION not in _plan_page(xinhui_client, past)
    # an ended plan needs nothing
    from safecity.followup.factories import system_actor
    from safecity.followup.services import plan_end

    plan_end(actor=system_actor(), plan=close_plan, reason="转走")
    assert ACTION not in _person_page(xinhui_client, close_plan.person)
    assert ACTION not in _plan_page(xinhui_client, close_plan)


def test_no_action_for_users_who_may_not_check_in(client, xinhui_client, xinhui_user, city, close_plan):
    # no facility in the user's area: another county's does not count, nor a suspended one of their own
    make_facility(city["dajiang"], rooms=1)
    assert ACTION not in _person_page(xinhui_client, close_plan.person)
    mine = make_facility(city["dazhe"], rooms=1)
    services.facility_set_status(actor=xinhui_user, facility=mine, status="suspended", reason="消杀")
    assert ACTION not in _person_page(xinhui_client, close_plan.person)
    assert ACTION not in _plan_page(xinhui_client, close_plan)
    make_facility(city["huicheng"], rooms=1)
    assert ACTION in _person_page(xinhui_client, close_plan.person)
    # a read-only leader sees both pages but not the action
    client.force_login(make_user("leader", Role.READ_ONLY_LEADER, "440700000000"))
    assert ACTION not in _person_page(client, close_plan.person)
    assert ACTION not in _plan_page(client, close_plan)


def test_an_id_outside_the_users_area_in_the_query_string_is_ignored(xinhui_client, city):
    make_facility(city["dazhe"], rooms=1)
    theirs = make_plan(region=city["taishan_village"], name="台山某人")
    mine = make_plan(region=city["village"], name="新会某人")
    page = xinhui_client.get("/quarantine/stays/add/", {"person": theirs.person_id, "plan": theirs.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "台山某人" not in body and 'data-testid="chosen-person"' not in body
    assert f'name="plan" value="{theirs.pk}"' not in body
    assert "person" not in page.context["form"].initial and "plan" not in page.context["form"].initial
    # a plan of another person than the one named is dropped, the person stays
    mixed = xinhui_client.get("/quarantine/stays/add/", {"person": mine.person_id, "plan": theirs.pk})
    assert mixed.context["form"].initial == {"person": mine.person_id}
    # the plan alone brings its person; nonsense values are ignored
    alone = xinhui_client.get("/quarantine/stays/add/", {"plan": mine.pk, "reason": "nonsense"})
    assert alone.context["form"].initial == {"person": mine.person_id, "plan": mine.pk}
    junk = xinhui_client.get("/quarantine/stays/add/", {"person": "1e9", "plan": "99999999999999999999999"})
    assert junk.status_code == 200 and junk.context["form"].initial == {}


def test_a_checked_in_person_shows_the_bed_with_a_link_instead_of_the_action(
    xinhui_client, xinhui_user, city, close_plan
):
    facility = make_facility(city["dazhe"], name="大泽镇隔离酒店", rooms=2)
    stay = services.check_in(actor=xinhui_user, person=close_plan.person, facility=facility, plan=close_plan)
    since = f"{timezone.localtime(stay.checked_in_at):%Y-%m-%d %H:%M}"
    for html in (_person_page(xinhui_client, close_plan.person), _plan_page(xinhui_client, close_plan)):
        assert ACTION not in html
        assert 'data-testid="quarantine-stay"' in html
        assert f"大泽镇隔离酒店 · {stay.bed.room.number} 房 · {stay.bed.label} 床 · 自 {since} 起" in html
        assert f'href="{stay.get_absolute_url()}" data-testid="quarantine-stay-link"' in html
    # the check-in form, opened anyway, says where the person already is
    page = xinhui_client.get("/quarantine/stays/add/", {"person": close_plan.person_id}).content.decode()
    assert 'data-testid="chosen-person-stay"' in page


def test_a_stay_in_another_countys_facility_is_named_without_a_link(client, city):
    plan = make_plan(region=city["taishan_village"])
    facility = make_facility(city["dazhe"], name="大泽镇隔离点", rooms=1)  # run by Xinhui
    hq = make_user("hq", Role.HQ_DUTY_OFFICER, "440700000000")
    stay = services.check_in(actor=hq, person=plan.person, facility=facility, plan=plan)
    client.force_login(hq)
    html = _person_page(client, plan.person)
    assert "大泽镇隔离点" in html and f'href="{stay.get_absolute_url()}"' in html
    # Taishan staff see their resident and where they are, but the stay is Xinhui's: no link
    client.force_login(make_user("county-taishan", Role.COUNTY_STAFF, "440781000000"))
    for html in (_person_page(client, plan.person), _plan_page(client, plan)):
        assert 'data-testid="quarantine-stay"' in html and "大泽镇隔离点" in html
        assert 'data-testid="quarantine-stay-link"' not in html and ACTION not in html
