"""Fixtures shared by the whole suite: a small city and one user per kind of scope."""

import os

import pytest

from safecity.accounts.roles import Role
from safecity.core.factories import build_city, make_user

# Playwright's sync API runs an event loop in the test thread; Django would refuse DB access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (zh-hans). A request through the test client leaves
    the language it chose (an English user, ``Accept-Language: en``) active in the thread afterwards, so
    without this a later test on the same worker would see English text depending on test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


DEMO_PASSWORD = "Demo-pass-2026"


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city, loaded once for a test module and rolled back after it (loading takes half a minute).

    Tests take it together with ``db``: each test runs in a savepoint inside the module's transaction, so
    what one test changes is undone before the next.
    """
    from django.db import transaction

    from safecity.demo import load_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo(password=DEMO_PASSWORD)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def city(db):
    return build_city()


@pytest.fixture
def hq_user(city):
    return make_user("hq", Role.HQ_DUTY_OFFICER, "440700000000", full_name="市值班员")


@pytest.fixture
def admin_user_sc(city):
    return make_user("admin", Role.ADMINISTRATOR, "440700000000", superuser=True)


@pytest.fixture
def xinhui_user(city):
    return make_user("county-xinhui", Role.COUNTY_STAFF, "440705000000", full_name="新会区工作人员")


@pytest.fixture
def taishan_user(city):
    return make_user("county-taishan", Role.COUNTY_STAFF, "440781000000", full_name="台山市工作人员")


@pytest.fixture
def leader_user(city):
    return make_user("leader", Role.READ_ONLY_LEADER, "440700000000")


@pytest.fixture
def xinhui_client(client, xinhui_user):
    client.force_login(xinhui_user)
    return client


@pytest.fixture
def hq_client(client, hq_user):
    client.force_login(hq_user)
    return client
