"""Warning pages and API: every model's shared scope/CRUD/export tests, the receive page and the intake
endpoint, and the home page that shows warnings in force first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from safecity.accounts.models import User
from safecity.accounts.roles import Role
from safecity.alerts import services
from safecity.alerts.choices import Channel, Colour, Outcome
from safecity.alerts.factories import cap_xml
from safecity.alerts.models import CapMessage, WarningSignal
from safecity.alerts.views import CapMessageViews, WarningSignalViews
from safecity.core.factories import make_user
from safecity.core.testing import ScopedModelTests, upload

_sent = iter(range(1, 10_000))


def received(city, region_key: str, **kwargs) -> CapMessage:
    """A warning for ``city[region_key]`` received by the city duty room (each call a new message)."""
    hq = User.objects.filter(username="hq-desk").first()
    hq = hq or make_user("hq-desk", Role.HQ_DUTY_OFFICER, city["city"].code)
    region = city[region_key]
    kwargs.setdefault("event", f"台风黄色预警信号（{region.name}）")
    kwargs.setdefault("sent", timezone.now().replace(microsecond=0) - timedelta(minutes=next(_sent)))
    data = cap_xml(area=region.name, geocodes=(region.code[:6] if region.level <= 3 else region.code,), **kwargs)
    return services.receive(actor=hq, data=data, channel=Channel.API).message


class TestWarningSignal(ScopedModelTests):
    views = WarningSignalViews
    api_url = "/api/warnings/"
    api_writable = False  # warnings come from CAP messages (see the intake tests below)
    actor_role = Role.HQ_DUTY_OFFICER  # a county duty room: corrects the warnings that reach its county
    edit_change = ("headline", "改过的标题")

    def make(self, city, region_key):
        return received(city, region_key).signal

    def form_data(self, city, region_key):
        return {
            "headline": "台风黄色预警",
            "colour": Colour.YELLOW,
            "kind": "typhoon",
            "regions": [city[region_key].pk],
            "expires": "",
            "lifted_at": "",
            "instruction": "",
        }

    def marker(self, obj):
        return obj.event


class TestCapMessage(ScopedModelTests):
    views = CapMessageViews
    api_url = "/api/cap-messages/"
    api_writable = False  # received as XML bodies, not JSON records (see the intake tests below)
    actor_role = Role.HQ_DUTY_OFFICER

    def make(self, city, region_key):
        return received(city, region_key)

    def marker(self, obj):
        return obj.identifier

    def test_edit_is_recorded_in_history_with_old_and_new_value(self, actor_client, city):
        """A message is kept as received: there is no page to edit it."""
        with pytest.raises(NoReverseMatch):
            self.url("edit", pk=self.make(city, "xinhui").pk)

    def test_archive_hides_from_the_list_but_keeps_the_record(self, actor_client, city):
        """Nor to archive it."""
        with pytest.raises(NoReverseMatch):
            self.url("archive", pk=self.make(city, "xinhui").pk)


# ---- the receive page ------------------------------------------------------------------------------


def test_the_duty_room_receives_a_pasted_message_and_lands_on_the_warning_it_started(hq_client, city):
    response = hq_client.post(reverse("alerts:receive"), {"text": cap_xml().decode()})
    warning = WarningSignal.objects.get()
    assert response.status_code == 302 and response["Location"] == warning.get_absolute_url()
    page = hq_client.get(warning.get_absolute_url())
    text = page.content.decode()
    assert "黄色预警" in text and "台山市" in text
    assert warning.messages.get().identifier in text


def test_an_uploaded_file_that_is_not_cap_is_shown_again_with_the_reason_and_nothing_is_kept(hq_client):
    response = hq_client.post(reverse("alerts:receive"), {"file": upload("warning.xml", b"<html>not cap</html>")})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert CapMessage.objects.count() == 0


def test_a_message_for_elsewhere_lands_on_the_message_saying_so(hq_client):
    elsewhere = cap_xml(area="广州市", geocodes=("440100",))
    response = hq_client.post(reverse("alerts:receive"), {"text": elsewhere.decode()})
    message = CapMessage.objects.get()
    assert response["Location"] == message.get_absolute_url()
    page = hq_client.get(message.get_absolute_url())
    assert str(Outcome.NOT_FOR_AREA.label) in page.content.decode()


def test_a_county_user_is_refused_the_receive_page_with_the_reason(xinhui_client):
    response = xinhui_client.get(reverse("alerts:receive"))
    assert response.status_code == 403
    assert escape(str(services.RECEIVER_ONLY)) in response.content.decode()


def test_neither_file_nor_text_is_a_clear_error(hq_client):
    response = hq_client.post(reverse("alerts:receive"), {})
    assert response.status_code == 400 and response.context["form"].non_field_errors()


# ---- the intake endpoint ---------------------------------------------------------------------------


def test_api_intake_is_201_then_200_for_the_same_message_then_400_for_a_broken_one(hq_client):
    data = cap_xml()
    first = hq_client.post("/api/cap-messages/", data, content_type="application/cap+xml")
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == Outcome.NEW and first.json()["signal"]
    again = hq_client.post("/api/cap-messages/", data, content_type="application/xml")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    broken = hq_client.post("/api/cap-messages/", b"<alert/>", content_type="application/cap+xml")
    assert broken.status_code == 400 and broken.json()["message"]
    assert CapMessage.objects.count() == 1


def test_api_intake_refuses_json_and_county_users(hq_client, xinhui_user, client):
    assert hq_client.post("/api/cap-messages/", {"x": 1}, content_type="application/json").status_code == 415
    client.force_login(xinhui_user)
    assert client.post("/api/cap-messages/", cap_xml(), content_type="application/cap+xml").status_code == 403
    assert CapMessage.objects.count() == 0


def test_api_lists_warnings_in_force_with_their_state_and_regions(hq_client, city):
    received(city, "taishan")
    rows = hq_client.get("/api/warnings/", {"state": "in_force"}).json()["results"]
    assert [(r["state"], r["colour"], r["regions"]) for r in rows] == [("in_force", "yellow", ["440781000000"])]


# ---- the home page ---------------------------------------------------------------------------------


def test_home_shows_warnings_in_force_first_with_colour_in_words_only_where_they_reach(city, client, taishan_user):
    received(city, "taishan", event="台风橙色预警信号", severity="Severe")
    received(city, "xinhui", event="暴雨黄色预警信号", event_code="11B03")
    client.force_login(taishan_user)
    page = client.get("/")
    banner = page.content.decode().split('data-testid="warnings-in-force"')[1].split("</section>")[0]
    assert "台风橙色预警信号" in banner and "暴雨" not in banner
    stats = {s.label: s for g in page.context["area_stats"] for s in g["stats"] if g["area"].key == "flood"}
    in_force = next(iter(stats.values()))
    assert in_force.value == 1 and in_force.alert  # orange: the number is red
