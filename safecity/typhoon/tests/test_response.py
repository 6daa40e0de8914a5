"""Typhoon responses: shared scope/CRUD tests; deadlines from the signal colour; starting one from a warning;
who may change and end a response."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.typhoon import services
from safecity.typhoon.factories import TyphoonResponseFactory
from safecity.typhoon.models import TyphoonResponse
from safecity.typhoon.views import TyphoonResponseViews


class TestTyphoonResponse(ScopedModelTests):
    views = TyphoonResponseViews
    api_url = "/api/typhoon-responses/"
    api_writable = False  # started on the page from the warning; the API records checks (test_checks)
    edit_change = ("title", '防御台风"摩羯"（更正）')

    def marker(self, obj):
        return obj.title

    def make(self, city, region_key):
        return TyphoonResponseFactory(region=city[region_key])

    def form_data(self, city, region_key):
        return {
            "title": '防御台风"摩羯"',
            "region": city[region_key].pk,
            "started_at": "2026-07-20 08:00",
            "port_deadline": "2026-07-20 20:00",
            "ashore_deadline": "",
            "warning": "",
        }


def test_an_orange_warning_sets_the_port_deadline_from_the_rule_table(xinhui_user, city, warn):
    start = timezone.now().replace(microsecond=0)
    response = services.response_start(
        actor=xinhui_user, region=city["xinhui"], title="防台", warning=warn("orange"), started_at=start
    )
    assert response.port_deadline == start + timedelta(hours=6)
    assert response.ashore_deadline is None
    assert response.history.get().history_change_reason == "started"


def test_a_red_warning_also_sets_the_ashore_deadline_and_blue_sets_none(xinhui_user, city, warn):
    start = timezone.now().replace(microsecond=0)
    red = services.response_start(
        actor=xinhui_user, region=city["xinhui"], title="红", warning=warn("red"), started_at=start
    )
    assert (red.port_deadline, red.ashore_deadline) == (start + timedelta(hours=2), start + timedelta(hours=4))
    blue = services.response_start(
        actor=xinhui_user, region=city["xinhui"], title="蓝", warning=warn("blue"), started_at=start
    )
    assert (blue.port_deadline, blue.ashore_deadline) == (None, None)


def test_a_deadline_given_by_hand_wins_over_the_rule_table(xinhui_user, city, warn):
    start = timezone.now().replace(microsecond=0)
    by_hand = start + timedelta(hours=10)
    response = services.response_start(
        actor=xinhui_user,
        region=city["xinhui"],
        title="防台",
        warning=warn("red"),
        started_at=start,
        port_deadline=by_hand,
    )
    assert response.port_deadline == by_hand
    assert response.ashore_deadline == start + timedelta(hours=4)  # the one left empty still comes from the rule


def test_a_deadline_before_the_start_is_refused_as_a_field_error_and_nothing_is_saved(xinhui_user, city):
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.response_start(
            actor=xinhui_user,
            region=city["xinhui"],
            title="防台",
            started_at=start,
            port_deadline=start - timedelta(minutes=1),
        )
    assert "port_deadline" in exc.value.message_dict
    assert not TyphoonResponse.objects.exists()


def test_a_county_cannot_start_a_response_for_the_city_or_a_town(xinhui_user, city):
    for region in (city["city"], city["dazhe"]):
        with pytest.raises(ValidationError) as exc:
            services.response_start(actor=xinhui_user, region=region, title="防台")
        assert "region" in exc.value.message_dict
    assert not TyphoonResponse.objects.exists()


def test_the_start_page_is_filled_from_the_warning_and_its_colour_sets_the_deadline(xinhui_client, city, warn):
    warning = warn("orange")
    url = reverse("typhoon:response_start")
    assert url == "/typhoon/responses/start/"
    form = xinhui_client.get(url, {"warning": warning.pk}).context["form"]
    assert form.initial["warning"] == warning.pk
    assert form.initial["region"] == city["xinhui"].pk
    assert warning.event in form.initial["title"]
    posted = xinhui_client.post(
        url, {"title": form.initial["title"], "warning": warning.pk, "region": city["xinhui"].pk}
    )
    assert posted.status_code == 302
    response = TyphoonResponse.objects.get()
    assert response.warning == warning
    assert response.port_deadline == response.started_at + timedelta(hours=6)
    page = xinhui_client.get(response.get_absolute_url())
    assert "sc-warning-orange" in page.content.decode()  # the warning's colour badge, with its word


def test_the_start_page_refuses_a_deadline_before_the_start_and_keeps_what_was_typed(xinhui_client, city):
    data = {
        "title": "防御台风",
        "region": city["xinhui"].pk,
        "started_at": "2026-07-20 08:00",
        "port_deadline": "2026-07-20 07:00",
    }
    response = xinhui_client.post(reverse("typhoon:response_start"), data)
    assert response.status_code == 400
    assert "port_deadline" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "防御台风"
    assert not TyphoonResponse.objects.exists()


def test_town_staff_read_the_countys_response_but_neither_change_nor_end_it(client, dazhe_user, city):
    response = TyphoonResponseFactory(region=city["xinhui"])
    client.force_login(dazhe_user)
    page = client.get(response.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["can_change"] and not page.context["can_end"]
    assert client.get(reverse("typhoon:typhoonresponse_edit", kwargs={"pk": response.pk})).status_code == 404
    assert client.post(reverse("typhoon:typhoonresponse_end", kwargs={"pk": response.pk})).status_code == 403
    response.refresh_from_db()
    assert response.ended_at is None


def test_another_countys_response_is_404(client, taishan_user, city):
    response = TyphoonResponseFactory(region=city["xinhui"])
    client.force_login(taishan_user)
    assert client.get(response.get_absolute_url()).status_code == 404


def test_the_county_ends_its_response_once(xinhui_client, xinhui_user, city):
    response = TyphoonResponseFactory(region=city["xinhui"])
    assert xinhui_client.post(reverse("typhoon:typhoonresponse_end", kwargs={"pk": response.pk})).status_code == 302
    response.refresh_from_db()
    assert response.ended_at is not None
    assert response.history.first().history_change_reason == "ended"
    with pytest.raises(ValidationError):
        services.response_end(actor=xinhui_user, response=response)


def test_the_city_hq_ends_a_countys_response_a_county_cannot_end_the_citys(hq_user, xinhui_user, city):
    county = TyphoonResponseFactory(region=city["xinhui"])
    services.response_end(actor=hq_user, response=county)
    city_wide = TyphoonResponseFactory(region=city["city"])
    with pytest.raises(PermissionDenied):
        services.response_end(actor=xinhui_user, response=city_wide)
