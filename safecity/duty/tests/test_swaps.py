"""Shift swaps: asked by the person on the shift, approved by the post's leader on shift or HQ; approval
reassigns the shift in the same transaction and the shift's history shows it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.models import Notification
from safecity.duty import services
from safecity.duty.choices import SwapStatus
from safecity.duty.models import ShiftSwap

from .factories import future_start, person, shift


@pytest.fixture
def current_shift(post, crew):
    """The shift running now, led by leader_now."""
    start = timezone.now() - timedelta(hours=2)
    return shift(post, start, leader=crew["leader_now"], officers=[crew["b"]])


@pytest.fixture
def later_shift(post, crew, current_shift):
    return shift(post, future_start(5), leader=crew["leader_later"], officers=[crew["a"]])


def test_approval_reassigns_the_shift_and_the_shift_history_shows_it(post, crew, later_shift):
    swap = services.swap_request(
        actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"], reason="出差"
    )
    approved = services.swap_approve(actor=crew["leader_now"], swap=swap, note="同意")
    later_shift.refresh_from_db()
    assert list(later_shift.officers.all()) == [crew["b"]]
    assert approved.status == SwapStatus.APPROVED
    assert (approved.decided_by, approved.decision_note) == (crew["leader_now"], "同意")
    newest, before = later_shift.history.order_by("-history_id")[:2]
    assert newest.history_change_reason == f"swap #{swap.pk}"
    assert newest.history_user == crew["leader_now"]
    [change] = newest.diff_against(before).changes
    assert change.field == "officers"
    assert [row["user"] for row in change.old] == [crew["a"].pk]
    assert [row["user"] for row in change.new] == [crew["b"].pk]
    assert swap.history.count() == 2


def test_the_history_page_shows_the_swap_as_names(client, post, crew, later_shift):
    swap = services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"])
    services.swap_approve(actor=crew["leader_now"], swap=swap)
    client.force_login(crew["staff"])
    page = client.get(f"/duty/shifts/{later_shift.pk}/history/")
    changes = [c for entry in page.context["entries"] for c in entry["changes"]]
    assert any(old == "李明" and new == "赵丽" for _label, old, new in changes), changes


def test_a_swap_of_the_leader_on_shift_moves_the_leader(post, crew, later_shift):
    swap = services.swap_request(
        actor=crew["leader_later"], shift=later_shift, from_user=crew["leader_later"], to_user=crew["leader_now"]
    )
    hq = person("hq-approver", post.region.parent, role=Role.HQ_DUTY_OFFICER)
    services.swap_approve(actor=hq, swap=swap)
    later_shift.refresh_from_db()
    assert later_shift.leader == crew["leader_now"]


def test_only_the_posts_leader_on_shift_or_hq_may_decide(post, crew, later_shift, city):
    swap = services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"])
    for someone in (crew["staff"], crew["leader_later"], crew["a"], crew["b"]):
        assert not services.can_decide_swap(someone, swap)
        with pytest.raises(PermissionDenied):
            services.swap_approve(actor=someone, swap=swap)
    taishan_hq = person("taishan-hq", city["taishan"], role=Role.HQ_DUTY_OFFICER)
    assert not services.can_decide_swap(taishan_hq, swap), "HQ decides only in its own area"
    later_shift.refresh_from_db()
    assert list(later_shift.officers.all()) == [crew["a"]]
    city_hq = person("city-hq", city["city"], role=Role.HQ_DUTY_OFFICER)
    assert services.can_decide_swap(city_hq, swap)
    assert services.can_decide_swap(crew["leader_now"], swap)


def test_a_rejected_swap_leaves_the_shift_and_cannot_be_decided_again(post, crew, later_shift):
    swap = services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"])
    services.swap_reject(actor=crew["leader_now"], swap=swap, note="人手不足")
    later_shift.refresh_from_db()
    assert list(later_shift.officers.all()) == [crew["a"]]
    with pytest.raises(ValidationError):
        services.swap_approve(actor=crew["leader_now"], swap=swap)


def test_a_swap_needs_the_person_on_the_shift_and_someone_not_on_it(post, crew, later_shift):
    with pytest.raises(ValidationError) as exc_info:
        services.swap_request(actor=crew["staff"], shift=later_shift, from_user=crew["b"], to_user=crew["staff"])
    assert "from_user" in exc_info.value.message_dict
    with pytest.raises(ValidationError) as exc_info:
        services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["leader_later"])
    assert "to_user" in exc_info.value.message_dict


def test_asking_notifies_the_person_taking_over_and_the_leader_on_shift(post, crew, later_shift):
    services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"])
    assert Notification.objects.filter(recipient=crew["b"]).count() == 1
    assert Notification.objects.filter(recipient=crew["leader_now"], level="warning").count() == 1


def test_the_leader_on_shift_approves_on_the_page(client, post, crew, later_shift):
    client.force_login(crew["a"])
    response = client.post(
        "/duty/shiftswaps/add/",
        {"shift": later_shift.pk, "from_user": crew["a"].pk, "to_user": crew["b"].pk, "reason": "家中有事"},
    )
    assert response.status_code == 302
    swap = ShiftSwap.objects.get()
    client.force_login(crew["staff"])
    page = client.get(f"/duty/shiftswaps/{swap.pk}/")
    assert 'data-testid="approve-swap"' not in page.content.decode()
    assert client.post(f"/duty/shiftswaps/{swap.pk}/approve/").status_code == 403
    client.force_login(crew["leader_now"])
    page = client.get(f"/duty/shiftswaps/{swap.pk}/")
    assert 'data-testid="approve-swap"' in page.content.decode()
    assert client.post(f"/duty/shiftswaps/{swap.pk}/approve/", {"note": "同意"}).status_code == 302
    later_shift.refresh_from_db()
    assert list(later_shift.officers.all()) == [crew["b"]]


def test_the_api_approves_and_refuses_others_with_403(client, post, crew, later_shift):
    swap = services.swap_request(actor=crew["a"], shift=later_shift, from_user=crew["a"], to_user=crew["b"])
    client.force_login(crew["staff"])
    assert client.post(f"/api/duty-shift-swaps/{swap.pk}/approve/").status_code == 403
    client.force_login(crew["leader_now"])
    data = client.post(f"/api/duty-shift-swaps/{swap.pk}/approve/", {"note": "ok"}, content_type="application/json")
    assert data.status_code == 200 and data.json()["status"] == "approved"
    again = client.post(f"/api/duty-shift-swaps/{swap.pk}/reject/", content_type="application/json")
    assert again.status_code == 400
