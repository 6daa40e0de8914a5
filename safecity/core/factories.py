"""factory-boy factories shared by every app's tests (regions, organizations, users with roles and scopes)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from safecity.accounts.models import User, UserScope
from safecity.accounts.roles import Role, sync_roles
from safecity.geo.models import Region
from safecity.orgs.choices import OrganizationKind, Sector
from safecity.orgs.models import Organization

PASSWORD = "Test-pass-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    """A region; give ``code`` (its parent is found from the code and must exist)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区划{n}")
    population = 1000


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    kind = OrganizationKind.ENTERPRISE
    sector = Sector.EMERGENCY_MANAGEMENT
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705101000"))
    responsible_person = "张三"
    responsible_phone = "13800138000"


def make_user(username: str, role: str, *region_codes: str, superuser: bool = False, **fields) -> User:
    """A user with one role and a scope per region code, password :data:`PASSWORD`."""
    if not Group.objects.filter(name=role).exists():
        sync_roles()
    user = User.objects.create_user(username=username, password=PASSWORD, is_superuser=superuser, **fields)
    user.groups.add(Group.objects.get(name=role))
    for code in region_codes:
        UserScope.objects.create(user=user, region=Region.objects.get(code=code))
    return user


def build_city() -> dict[str, Region]:
    """A small city for tests: Jiangmen, two counties (Xinhui, Taishan), two towns each, a village and a grid."""
    made = {}
    for key, code, name in [
        ("province", "440000000000", "广东省"),
        ("city", "440700000000", "江门市"),
        ("xinhui", "440705000000", "新会区"),
        ("taishan", "440781000000", "台山市"),
        ("huicheng", "440705001000", "会城街道"),
        ("dazhe", "440705101000", "大泽镇"),
        ("taicheng", "440781001000", "台城街道"),
        ("dajiang", "440781100000", "大江镇"),
        ("village", "440705101201", "五和村"),
        ("grid", "440705101201001", "五和村第1网格"),
        ("taishan_village", "440781100201", "公益村"),
    ]:
        made[key] = RegionFactory(code=code, name=name)
    return made


ROLE = Role
