"""The daily duty briefing: who was on duty, the log, incidents with levels, overdue items — on screen and in Word."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from docx import Document

from safecity.briefing.services import build_briefing
from safecity.duty.models import DutyLogEntry, DutyPost, Shift
from safecity.incidents.factories import file_accident

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 3, 29, 8, 30, tzinfo=TZ)


def _post(city):
    return DutyPost.objects.create(name="新会区应急值班室", kind="county", region=city["xinhui"])


def test_the_briefing_collects_the_duty_day(city, xinhui_user, hq_user):
    post = _post(city)
    shift = Shift.objects.create(post=post, starts_at=DAY, ends_at=DAY + timedelta(days=1), leader=hq_user)
    shift.officers.set([xinhui_user])
    DutyLogEntry.objects.create(
        post=post, occurred_at=DAY + timedelta(hours=2), summary="群众来电反映道路塌陷", recorded_by=xinhui_user
    )
    DutyLogEntry.objects.create(
        post=post, occurred_at=DAY + timedelta(days=1, hours=1), summary="第二天的来电", recorded_by=xinhui_user
    )
    incident = file_accident(xinhui_user, city["dazhe"], dead=3, occurred_at=DAY + timedelta(hours=3))
    incident.created_at = DAY + timedelta(hours=3, minutes=20)
    incident.save(update_fields=["created_at"])
    briefing = build_briefing(user=xinhui_user, post=post, day=DAY.date(), now=DAY + timedelta(days=2))
    assert [s.pk for s in briefing.shifts] == [shift.pk]
    assert [e.summary for e in briefing.log_entries] == ["群众来电反映道路塌陷"]
    assert briefing.new_incidents == [incident]
    assert {d.rule for d in briefing.overdue_deadlines} == {"county_to_city", "city_to_province"}


def test_the_briefing_downloads_as_a_word_document_in_chinese(xinhui_client, xinhui_user, city):
    post = _post(city)
    DutyLogEntry.objects.create(post=post, summary="来电：江边有人落水", recorded_by=xinhui_user)
    response = xinhui_client.get("/briefing/", {"post": post.pk, "format": "docx"})
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells)
    assert "新会区应急值班室" in text and "值班日报" in text
    assert "来电：江边有人落水" in tables


def test_another_countys_post_is_404(xinhui_client, city):
    theirs = DutyPost.objects.create(name="台山市应急值班室", kind="county", region=city["taishan"])
    assert xinhui_client.get("/briefing/", {"post": theirs.pk}).status_code == 404
