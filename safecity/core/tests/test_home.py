"""The home page puts each work area's big numbers first, from the user's own scope."""

from datetime import timedelta

from django.utils import timezone

from safecity.incidents.factories import file_accident


def test_home_shows_open_incidents_and_overdue_reports_of_the_users_scope_only(client, xinhui_user, taishan_user, city):
    file_accident(xinhui_user, city["dazhe"], dead=12, occurred_at=timezone.now() - timedelta(hours=6))
    client.force_login(xinhui_user)
    stats = {s.label: s for group in client.get("/").context["area_stats"] for s in group["stats"]}
    assert stats["处置中事件"].value == 1
    assert stats["重大以上事件"].value == 1 and stats["重大以上事件"].alert
    assert stats["超时报告"].value >= 1
    client.force_login(taishan_user)
    stats = {s.label: s for group in client.get("/").context["area_stats"] for s in group["stats"]}
    assert stats["处置中事件"].value == 0 and not stats["超时报告"].alert
