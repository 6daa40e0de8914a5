"""Receiving CAP messages: a warning starts, is raised, is lifted; what is not ours, not usable or received
twice changes nothing it should not; those on duty in the regions covered — and only they — are told."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.alerts import services
from safecity.alerts.choices import Channel, Colour, Kind, Outcome, State
from safecity.alerts.factories import cap_xml, gb_identifier
from safecity.alerts.models import CapMessage, WarningSignal
from safecity.core.factories import make_user
from safecity.core.models import Notification

CAP_DIR = Path(__file__).resolve().parents[4] / "shared" / "data" / "cap"
SHARED = sorted(p for p in CAP_DIR.glob("*") if p.suffix in (".cap", ".xml")) if CAP_DIR.is_dir() else []
needs_shared = pytest.mark.skipif(
    not SHARED, reason=f"shared CAP messages not present ({CAP_DIR}, i.e. ../shared/data/cap); CI has them"
)


def receive(actor, data: bytes):
    return services.receive(actor=actor, data=data, channel=Channel.API)


@pytest.fixture
def issued():
    return timezone.now().replace(microsecond=0) - timedelta(hours=1)


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_typhoon_signal_for_taishan_starts_a_warning_in_force_and_tells_taishan_not_xinhui(
    hq_user, taishan_user, xinhui_user, issued
):
    result = receive(hq_user, cap_xml(sent=issued))
    warning = result.message.signal
    assert result.message.outcome == Outcome.NEW and not result.duplicate
    assert (warning.kind, warning.colour, warning.state()) == (Kind.TYPHOON, Colour.YELLOW, State.IN_FORCE)
    assert [r.code for r in warning.regions.all()] == ["440781000000"]
    assert warning.region.code == "440781000000"
    assert warning.expires == issued + timedelta(hours=24)
    assert "台风黄色预警信号" in titles(taishan_user)[0]
    assert titles(xinhui_user) == []


def test_an_update_raises_the_same_warning_and_a_cancel_lifts_it_keeping_every_step(hq_user, taishan_user, issued):
    first = receive(hq_user, cap_xml(sent=issued)).message
    raised = receive(
        hq_user,
        cap_xml(
            event="台风橙色预警信号",
            severity="Severe",
            msg_type="Update",
            sent=issued + timedelta(minutes=30),
            references=((first.identifier, first.sent),),
        ),
    ).message
    warning = WarningSignal.objects.get()
    assert raised.signal == warning and raised.outcome == Outcome.UPDATED
    assert warning.colour == Colour.ORANGE
    lifted = receive(
        hq_user,
        cap_xml(
            event="解除台风预警信号",
            msg_type="Cancel",
            sent=issued + timedelta(minutes=50),
            references=((first.identifier, first.sent), (raised.identifier, raised.sent)),
        ),
    ).message
    warning.refresh_from_db()
    assert lifted.outcome == Outcome.LIFTED and warning.state() == State.LIFTED
    assert warning.lifted_at == issued + timedelta(minutes=50)
    assert not WarningSignal.objects.in_force().exists()
    assert list(warning.messages.order_by("sent").values_list("msg_type", flat=True)) == ["Alert", "Update", "Cancel"]
    assert warning.history.count() == 3
    said = titles(taishan_user)
    assert len(said) == 3 and any("橙色" in t for t in said) and any("解除" in t or "lifted" in t for t in said)


def test_an_update_older_than_the_warnings_latest_message_changes_nothing(hq_user, issued):
    first = receive(hq_user, cap_xml(sent=issued)).message
    receive(
        hq_user,
        cap_xml(
            event="台风橙色预警信号",
            msg_type="Update",
            sent=issued + timedelta(minutes=30),
            references=((first.identifier, first.sent),),
        ),
    )
    late = receive(
        hq_user,
        cap_xml(
            event="台风蓝色预警信号",
            msg_type="Update",
            sent=issued + timedelta(minutes=10),
            references=((first.identifier, first.sent),),
        ),
    ).message
    assert late.outcome == Outcome.STALE
    assert WarningSignal.objects.get().colour == Colour.ORANGE


def test_the_same_message_again_is_answered_with_the_one_kept_and_changes_nothing(hq_user, taishan_user, issued):
    data = cap_xml(sent=issued)
    first = receive(hq_user, data)
    again = receive(hq_user, data)
    reformatted = receive(hq_user, data.replace(b"\n  ", b"\n    "))  # same message, other bytes
    assert again.duplicate and reformatted.duplicate
    assert again.message == first.message == reformatted.message
    assert (CapMessage.objects.count(), WarningSignal.objects.count(), len(titles(taishan_user))) == (1, 1, 1)


def test_a_different_message_under_an_identifier_already_used_is_refused_and_kept_nowhere(hq_user, issued):
    receive(hq_user, cap_xml(sent=issued))
    with pytest.raises(ValidationError) as refused:
        receive(hq_user, cap_xml(sent=issued + timedelta(minutes=5), identifier=gb_identifier(issued)))
    assert "message" in refused.value.message_dict
    assert CapMessage.objects.count() == 1


def test_a_message_that_is_not_cap_is_refused_with_the_reason_and_nothing_is_kept(hq_user):
    with pytest.raises(ValidationError) as refused:
        receive(hq_user, b"<alert><identifier>x</identifier>")
    assert refused.value.message_dict["message"]
    with pytest.raises(ValidationError):
        receive(hq_user, cap_xml().replace(b"<severity>Moderate</severity>", b"<severity>Bad</severity>"))
    assert CapMessage.objects.count() == 0 and WarningSignal.objects.count() == 0


def test_a_province_wide_warning_covers_the_whole_city_and_every_county_sees_it(
    hq_user, xinhui_user, taishan_user, issued
):
    warning = receive(hq_user, cap_xml(area="广东省", geocodes=("440000",), sent=issued)).message.signal
    assert [r.code for r in warning.regions.all()] == ["440700000000"]
    for user in (xinhui_user, taishan_user):
        assert WarningSignal.objects.restrict(user).in_force().get() == warning


def test_areas_named_in_words_are_matched_and_only_those_counties_see_the_warning(
    hq_user, city, xinhui_user, taishan_user, issued
):
    dazhe_user = make_user("town-dazhe", Role.TOWN_STAFF, city["dazhe"].code)
    warning = receive(hq_user, cap_xml(area="江门市台山市台城街道、大江镇", geocodes=(), sent=issued)).message.signal
    assert sorted(r.name for r in warning.regions.all()) == ["台城街道", "大江镇"]
    assert warning.region == city["taishan"]
    assert WarningSignal.objects.restrict(taishan_user).filter(pk=warning.pk).exists()
    assert not WarningSignal.objects.restrict(xinhui_user).exists()
    assert not WarningSignal.objects.restrict(dazhe_user).exists()


def test_a_warning_for_elsewhere_is_kept_as_received_and_seen_only_at_city_level(hq_user, xinhui_user, issued):
    message = receive(hq_user, cap_xml(area="广州市", geocodes=("440100",), sent=issued)).message
    assert message.outcome == Outcome.NOT_FOR_AREA and message.signal is None
    assert CapMessage.objects.restrict(hq_user).filter(pk=message.pk).exists()
    assert not CapMessage.objects.restrict(xinhui_user).exists()
    assert WarningSignal.objects.count() == 0


def test_a_test_message_is_shown_but_never_in_force_and_never_alerts(hq_user, taishan_user, issued):
    warning = receive(hq_user, cap_xml(status="Test", sent=issued)).message.signal
    assert warning.exercise and warning.state() == State.EXERCISE
    assert not WarningSignal.objects.in_force().exists()
    assert titles(taishan_user) == []


def test_a_warning_past_its_expiry_is_no_longer_in_force(hq_user, issued):
    warning = receive(hq_user, cap_xml(sent=issued - timedelta(hours=30))).message.signal
    assert warning.state() == State.EXPIRED
    assert not WarningSignal.objects.in_force().exists()


def test_only_the_city_duty_room_receives_warnings(xinhui_user, hq_user, leader_user):
    assert services.may_receive(hq_user)
    for user in (xinhui_user, leader_user):
        assert not services.may_receive(user)
        with pytest.raises(PermissionDenied):
            receive(user, cap_xml())
    assert CapMessage.objects.count() == 0


@needs_shared
@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.name)
def test_every_published_message_is_received_and_kept_byte_for_byte(hq_user, path):
    data = path.read_bytes()
    message = receive(hq_user, data).message
    message.refresh_from_db()
    assert message.raw == data.decode("utf-8-sig")
    assert message.outcome == Outcome.NOT_FOR_AREA  # none of them is about Jiangmen
    assert receive(hq_user, data).duplicate


@needs_shared
def test_an_update_whose_earlier_messages_never_reached_us_is_kept_with_a_notice(hq_user):
    message = receive(hq_user, (CAP_DIR / "smn_mexico_tropical_cyclone_update.xml").read_bytes()).message
    assert message.references.startswith("smn.cna.gob.mx,avisossmn-ciclontropical-4061,")
    assert message.notices, "a reference to a message we never received is recorded"


def test_the_command_receives_each_file_on_its_own_and_fails_when_any_was_refused(hq_user, tmp_path, issued):
    from django.core.management import CommandError, call_command

    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_bytes(cap_xml(sent=issued))
    bad.write_bytes(b"<not-cap/>")
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("receive_cap", str(bad), str(good), user=hq_user.username)
    message = CapMessage.objects.get()
    assert message.channel == Channel.COMMAND and message.signal.state() == State.IN_FORCE
    call_command("receive_cap", str(good), user=hq_user.username)  # again: nothing new, no failure
    assert CapMessage.objects.count() == 1


def test_the_command_refuses_a_user_who_may_not_receive(xinhui_user, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "w.xml"
    path.write_bytes(cap_xml())
    with pytest.raises(CommandError, match="may not receive"):
        call_command("receive_cap", str(path), user=xinhui_user.username)
    assert CapMessage.objects.count() == 0
