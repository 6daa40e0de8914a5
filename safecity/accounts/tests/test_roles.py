"""The role table grants what product.md says each role does."""

import pytest
from django.contrib.auth.models import Group

from safecity.accounts.roles import Role, role_allows, sync_roles


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        (Role.READ_ONLY_LEADER, "orgs.view_organization", True),
        (Role.READ_ONLY_LEADER, "orgs.change_organization", False),
        (Role.READ_ONLY_LEADER, "geo.add_region", False),
        (Role.COUNTY_STAFF, "orgs.add_organization", True),
        (Role.COUNTY_STAFF, "geo.add_region", True),
        (Role.COUNTY_STAFF, "accounts.add_user", False),
        (Role.COUNTY_STAFF, "accounts.view_user", True),
        (Role.GRID_WORKER, "geo.change_region", False),
        (Role.GRID_WORKER, "orgs.add_organization", False),
        (Role.GRID_WORKER, "orgs.view_organization", True),
        (Role.HQ_DUTY_OFFICER, "orgs.add_organization", True),
        (Role.HQ_DUTY_OFFICER, "auth.change_group", False),
        (Role.ADMINISTRATOR, "accounts.add_user", True),
    ],
)
def test_role_permissions(role, perm, allowed):
    assert role_allows(role, perm) is allowed


@pytest.mark.django_db
def test_every_role_is_a_group_with_its_permissions_after_migrate():
    sync_roles()
    names = set(Group.objects.values_list("name", flat=True))
    assert set(Role.values) <= names
    leader = Group.objects.get(name=Role.READ_ONLY_LEADER)
    codenames = set(leader.permissions.values_list("codename", flat=True))
    assert "view_organization" in codenames
    assert not any(c.startswith(("add_", "change_", "delete_")) for c in codenames)
