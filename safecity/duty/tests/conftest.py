"""Shared fixtures of the duty tests."""

import pytest

from safecity.accounts.roles import Role

from .factories import person, post_in


@pytest.fixture
def post(city):
    """A duty room in Xinhui."""
    return post_in(city["xinhui"])


@pytest.fixture
def crew(city):
    """Two officers, the leader on shift now and a later one, and a staff member — all in Xinhui."""
    xinhui = city["xinhui"]
    return {
        "a": person("li-duty", xinhui, full_name="李明"),
        "b": person("zhao-duty", xinhui, full_name="赵丽"),
        "leader_now": person("xinhui-leader", xinhui, role=Role.LEADER_ON_SHIFT, full_name="王带班"),
        "leader_later": person("xinhui-leader-2", xinhui, role=Role.LEADER_ON_SHIFT, full_name="周带班"),
        "staff": person("xinhui-staff", xinhui, full_name="新会科员"),
    }
