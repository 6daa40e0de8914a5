"""Notifications: once per key, the unread count in the header, read on open, private to the recipient."""

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.core.models import Notification
from safecity.core.notifications import notify


def test_the_same_key_notifies_each_recipient_once(xinhui_user, hq_user):
    first = notify(recipients=[xinhui_user, hq_user, xinhui_user], title="报告超时", dedupe_key="incident-1-overdue")
    again = notify(recipients=[xinhui_user, hq_user], title="报告超时", dedupe_key="incident-1-overdue")
    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2


def test_inactive_users_are_not_notified(city):
    gone = make_user("gone", Role.COUNTY_STAFF, city["xinhui"].code, is_active=False)
    assert notify(recipients=[gone], title="x") == []


def test_the_header_shows_the_unread_count_and_opening_marks_read(xinhui_client, xinhui_user):
    (note,) = notify(recipients=[xinhui_user], title="新的事件", url="/orgs/organizations/")
    page = xinhui_client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    response = xinhui_client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response.url == "/orgs/organizations/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="unread-count"' not in xinhui_client.get("/").content.decode()


def test_a_notification_cannot_be_opened_by_someone_else(client, xinhui_user, taishan_user):
    (note,) = notify(recipients=[xinhui_user], title="新会的事")
    client.force_login(taishan_user)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert "新会的事" not in client.get("/notifications/").content.decode()


def test_links_to_other_sites_are_not_followed(xinhui_client, xinhui_user):
    (note,) = notify(recipients=[xinhui_user], title="x", url="https://evil.example.com/")
    assert xinhui_client.post(f"/notifications/{note.pk}/open/").url == "/notifications/"
