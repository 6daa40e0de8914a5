"""Duty in "My work": swaps waiting for my decision (as only I may decide them) and handovers for me to acknowledge."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from safecity.accounts.roles import Role
from safecity.duty import services

from .factories import future_start, person, post_in, shift


@pytest.fixture
def crew(crew, city):
    """The swap crew (conftest), with the city's duty officer and a leader on shift in another county."""
    return {
        **crew,
        "hq": person("hq-duty", city["city"], role=Role.HQ_DUTY_OFFICER, full_name="市值班员"),
        "taishan_hq": person("taishan-leader", city["taishan"], role=Role.LEADER_ON_SHIFT),
    }


def _todos(client, user) -> dict:
    client.force_login(user)
    return {str(t.label): t for t in client.get("/").context["todos"]}


def test_a_swap_waits_for_the_leader_on_shift_now_and_hq_never_for_the_two_people(client, post, crew, city):
    now = timezone.now()
    shift(post, now - timedelta(hours=2), leader=crew["leader_now"], officers=[crew["b"]])
    later = shift(post, future_start(5), leader=crew["leader_later"], officers=[crew["a"]])
    shift(post_in(city["taishan"]), now - timedelta(hours=2), leader=crew["taishan_hq"])
    services.swap_request(actor=crew["a"], shift=later, from_user=crew["a"], to_user=crew["b"], reason="出差")
    label = gettext("Shift swaps to decide")
    for who in ("leader_now", "hq"):
        assert _todos(client, crew[who])[label].count == 1
    for who in ("a", "b", "leader_later", "taishan_hq"):
        assert label not in _todos(client, crew[who])


def test_a_handover_waits_for_the_incoming_officer_and_is_late_after_the_grace_period(client, post, crew):
    now = timezone.now()
    services.handover_create(
        actor=crew["a"],
        post=post,
        outgoing=crew["a"],
        incoming=crew["b"],
        open_matters="1. 广告牌待拆除",
        handed_over_at=now - timedelta(hours=2),
    )
    label = gettext("Handovers to acknowledge")
    todo = _todos(client, crew["b"])[label]
    assert (todo.count, todo.late) == (1, 1)
    assert label not in _todos(client, crew["a"])
