"""The roles of ``product.md`` as a rule table: role → permission patterns.

A role is a Django group whose permissions are recomputed from this table after every migrate,
so a new domain model's permissions reach the right roles without a data migration. Patterns
match ``app_label.codename`` with shell-style wildcards; ``exclude`` wins over ``grant``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The SafeCity roles. The value is the group's name."""

    HQ_DUTY_OFFICER = "hq_duty_officer", _("HQ duty officer")
    LEADER_ON_SHIFT = "leader_on_shift", _("leader on shift")
    COUNTY_STAFF = "county_staff", _("county staff")
    TOWN_STAFF = "town_staff", _("town staff")
    GRID_WORKER = "grid_worker", _("grid worker")
    DEPARTMENT_STAFF = "department_staff", _("department staff")
    READ_ONLY_LEADER = "read_only_leader", _("leader (read-only)")
    ADMINISTRATOR = "administrator", _("administrator")


@dataclass(frozen=True)
class RoleRule:
    grant: tuple[str, ...]
    exclude: tuple[str, ...] = field(default=())

    def allows(self, perm: str) -> bool:
        return any(fnmatchcase(perm, p) for p in self.grant) and not any(fnmatchcase(perm, p) for p in self.exclude)


#: Users, groups, tokens, sessions, the notification outbox and the personal-data access log are the
#: administrators' alone (everyone reads their own notifications without a permission).
_SYSTEM = (
    "auth.*",
    "contenttypes.*",
    "sessions.*",
    "admin.*",
    "authtoken.*",
    "accounts.*",
    "core.view_*",
    "core.add_*",
    "core.change_*",
    "core.delete_*",
)
_VIEW_ALL = "*.view_*"
_WORK = ("*.add_*", "*.change_*", "*.delete_*")  # delete = archive; nothing is ever deleted
#: Warnings (CAP messages from the warning services) are received and corrected by the duty rooms (HQ roles) and
#: administrators; everyone else reads them.
_WARNING_DESK = ("alerts.add_*", "alerts.change_*", "alerts.delete_*")
#: Seeing an ID number or phone in full (each look is logged): for those whose work means calling people.
_REVEAL = "core.reveal_personal_data"

#: Role → permissions. Regions below the county (villages, grids) are kept by county and town staff.
ROLE_RULES: dict[str, RoleRule] = {
    Role.HQ_DUTY_OFFICER: RoleRule(grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, "geo.*")),
    Role.LEADER_ON_SHIFT: RoleRule(grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, "geo.*")),
    Role.COUNTY_STAFF: RoleRule(grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, *_WARNING_DESK)),
    Role.TOWN_STAFF: RoleRule(grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, *_WARNING_DESK)),
    Role.GRID_WORKER: RoleRule(
        grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, "geo.*", "orgs.*", *_WARNING_DESK)
    ),
    Role.DEPARTMENT_STAFF: RoleRule(grant=(_VIEW_ALL, *_WORK, _REVEAL), exclude=(*_SYSTEM, "geo.*", *_WARNING_DESK)),
    Role.READ_ONLY_LEADER: RoleRule(grant=(_VIEW_ALL,), exclude=_SYSTEM),
    Role.ADMINISTRATOR: RoleRule(grant=("*",)),
}
# Everyone who works in the system may look up users and regions in their scope.
_ALWAYS_VIEW = ("accounts.view_user", "geo.view_region", "orgs.view_organization")


def role_allows(role: str, perm: str) -> bool:
    """Whether ``role`` carries permission ``perm`` (``app_label.codename``)."""
    if perm in _ALWAYS_VIEW:
        return True
    return ROLE_RULES[role].allows(perm)


def sync_roles(using: str = "default") -> None:
    """Create the role groups and set their permissions from :data:`ROLE_RULES`."""
    from django.contrib.auth.models import Group, Permission

    perms = list(Permission.objects.using(using).select_related("content_type"))
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = [p for p in perms if role_allows(role, f"{p.content_type.app_label}.{p.codename}")]
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """Run once per migrate, after the last app's permissions exist."""
    from django.apps import apps as global_apps

    if sender is list(global_apps.get_app_configs())[-1]:
        sync_roles(using=using)
