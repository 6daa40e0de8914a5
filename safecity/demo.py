"""The demo city: Jiangmen (440700) with its real counties, towns and streets, generated villages,
communities and grids, departments, enterprises and one account per role.

Real: the region codes and names of the city, its 7 county-level units and their 73 towns and
streets (``geo/data/jiangmen.csv``, 2022 vintage), the city population and two county populations
(2020 census). Estimated: the other five county populations (chosen to sum to the city total) and
every county's centre point (approximate). Generated, with a fixed seed so every run gives the same
city: town populations and points, villages/communities, grids, enterprises and people.

Loading is idempotent: existing codes, names and usernames are kept, missing ones are added.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from faker import Faker
from simple_history.utils import bulk_create_with_history

from safecity.accounts.models import User, UserScope
from safecity.accounts.roles import Role, sync_roles
from safecity.duty.demo import load_duty
from safecity.geo import codes
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.choices import OrganizationKind, Sector
from safecity.orgs.models import Organization
from safecity.orgs.validators import credit_code_check_char
from safecity.resources.demo import load_resources

DATA_FILE = Path(__file__).parent / "geo" / "data" / "jiangmen.csv"
CITY_CODE = "440700000000"
DEFAULT_PASSWORD = "SafeCity-2026"
SEED = 440700

#: Pinyin of the county-level units, for the demo account names ``county-<pinyin>``.
COUNTY_PINYIN = {
    "440703": "pengjiang",
    "440704": "jianghai",
    "440705": "xinhui",
    "440781": "taishan",
    "440783": "kaiping",
    "440784": "heshan",
    "440785": "enping",
}

_SYLLABLES = (
    "龙凤石沙塘冲岗坑围朗江溪田桥东南西北新上下大小莲荷金银平安和兴福华美富丰宁康乐仁义礼德光明山水云林竹梅松柏"
)

#: Government departments every city and county has (name suffix, sector).
DEPARTMENTS = [
    ("卫生健康局", Sector.HEALTH),
    ("应急管理局", Sector.EMERGENCY_MANAGEMENT),
    ("交通运输局", Sector.TRANSPORT),
    ("自然资源局", Sector.NATURAL_RESOURCES),
    ("农业农村局", Sector.AGRICULTURE_FISHERIES),
    ("住房和城乡建设局", Sector.HOUSING_CONSTRUCTION),
    ("公安局", Sector.PUBLIC_SECURITY),
    ("教育局", Sector.EDUCATION),
    ("民政局", Sector.CIVIL_AFFAIRS),
    ("市场监督管理局", Sector.MARKET_REGULATION),
]
CITY_ONLY = [("江门海事局", Sector.MARITIME), ("江门市消防救援支队", Sector.FIRE_RESCUE)]
ENTERPRISE_SECTORS = [
    ("建筑工程有限公司", Sector.HOUSING_CONSTRUCTION),
    ("化工有限公司", Sector.EMERGENCY_MANAGEMENT),
    ("客运有限公司", Sector.TRANSPORT),
    ("五金制品厂", Sector.EMERGENCY_MANAGEMENT),
    ("水产养殖专业合作社", Sector.AGRICULTURE_FISHERIES),
    ("物流有限公司", Sector.TRANSPORT),
]


@dataclass
class DemoAccount:
    username: str
    role: str
    region_code: str
    full_name: str
    department: str | None = None
    superuser: bool = False


def _read_regions() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _credit_code(rng: random.Random, region_code: str) -> str:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region_code[:6] + "".join(rng.choice(charset) for _ in range(9))
    return body + credit_code_check_char(body)


def _point(rng: random.Random, lat: Decimal, lng: Decimal, spread: float) -> tuple[Decimal, Decimal]:
    q = Decimal("0.000001")
    return (
        (lat + Decimal(str(rng.uniform(-spread, spread)))).quantize(q),
        (lng + Decimal(str(rng.uniform(-spread, spread)))).quantize(q),
    )


def load_regions(rng: random.Random) -> dict[str, int]:
    """Create the real city, counties and towns, then generated villages and grids. Returns counts added."""
    added = {"regions": 0}
    existing = set(Region.objects.values_list("code", flat=True))
    by_code: dict[str, Region] = {r.code: r for r in Region.objects.filter(level__lte=RegionLevel.TOWN)}
    rows = _read_regions()
    county_population = {r["code"]: int(r["population"]) for r in rows if r["population"]}
    towns_of: dict[str, list[dict]] = {}
    for row in rows:
        code = row["code"]
        if codes.level_of(code) == RegionLevel.TOWN:
            towns_of.setdefault(code[:6], []).append(row)
    # Real levels first, in code order so parents exist before children.
    for row in sorted(rows, key=lambda r: (codes.level_of(r["code"]), r["code"])):
        code = row["code"]
        level = codes.level_of(code)
        if code in existing:
            continue
        lat = Decimal(row["latitude"]) if row["latitude"] else None
        lng = Decimal(row["longitude"]) if row["longitude"] else None
        population = int(row["population"]) if row["population"] else None
        if level == RegionLevel.TOWN:
            county = by_code[code[:6].ljust(12, "0")]
            siblings = towns_of[code[:6]]
            weights = [3 if s["name"].endswith("街道") else 1 for s in siblings]
            share = weights[siblings.index(row)] / sum(weights)
            population = int(county_population[county.code] * share)
            if county.latitude is not None:
                lat, lng = _point(rng, county.latitude, county.longitude, 0.12)
        region = Region(
            code=code,
            name=row["name"],
            parent=by_code.get(codes.parent_code(code) or ""),
            population=population,
            latitude=lat,
            longitude=lng,
        )
        region.save()
        by_code[code] = region
        added["regions"] += 1
    # Generated villages/communities and grids under every town.
    villages: list[Region] = []
    grids: list[Region] = []
    for town in Region.objects.filter(level=RegionLevel.TOWN, prefix__startswith=CITY_CODE[:4]).order_by("code"):
        town_rng = random.Random(f"{SEED}-{town.code}")
        street = town.name.endswith("街道")
        count = town_rng.randint(5, 9)
        used: set[str] = set()
        for i in range(count):
            name = ""
            while not name or name in used:
                name = "".join(town_rng.sample(_SYLLABLES, 2))
            used.add(name)
            community = street or i == 0
            number = (i + 1) if community else (200 + i)
            code = f"{town.prefix}{number:03d}"
            pop = int((town.population or 20000) / count * town_rng.uniform(0.7, 1.3))
            lat, lng = (
                _point(town_rng, town.latitude, town.longitude, 0.03) if town.latitude is not None else (None, None)
            )
            village = Region(
                code=code,
                name=f"{name}{'社区' if community else '村'}",
                parent=town,
                population=pop,
                latitude=lat,
                longitude=lng,
            )
            if code not in existing:
                village.prepare_for_bulk()
                villages.append(village)
            for g in range(town_rng.randint(2, 4)):
                grid_code = f"{code}{g + 1:03d}"
                if grid_code in existing:
                    continue
                grid = Region(code=grid_code, name=f"{name}第{g + 1}网格", population=pop // 3)
                grid._parent_code = code
                grids.append(grid)
    with transaction.atomic():
        bulk_create_with_history(villages, Region, batch_size=500, default_change_reason="demo")
        parents = {
            r.code: r for r in Region.objects.filter(level=RegionLevel.VILLAGE, prefix__startswith=CITY_CODE[:4])
        }
        for grid in grids:
            grid.parent = parents[grid._parent_code]
            grid.prepare_for_bulk()
        bulk_create_with_history(grids, Region, batch_size=500, default_change_reason="demo")
    added["regions"] += len(villages) + len(grids)
    return added


def load_organizations(rng: random.Random, fake: Faker) -> int:
    existing = set(Organization.objects.values_list("region__code", "name"))
    new: list[Organization] = []
    city = Region.objects.get(code=CITY_CODE)
    for suffix, sector in DEPARTMENTS:
        new.append(Organization(region=city, name=f"江门市{suffix}", kind=OrganizationKind.GOVERNMENT, sector=sector))
    for name, sector in CITY_ONLY:
        new.append(Organization(region=city, name=name, kind=OrganizationKind.GOVERNMENT, sector=sector))
    for county in Region.objects.filter(level=RegionLevel.COUNTY, prefix__startswith=CITY_CODE[:4]).order_by("code"):
        for suffix, sector in DEPARTMENTS:
            new.append(
                Organization(
                    region=county, name=f"{county.name}{suffix}", kind=OrganizationKind.GOVERNMENT, sector=sector
                )
            )
    for town in Region.objects.filter(level=RegionLevel.TOWN, prefix__startswith=CITY_CODE[:4]).order_by("code"):
        town_rng = random.Random(f"{SEED}-org-{town.code}")
        fake.seed_instance(int(town.code))
        for i in range(3):
            suffix, sector = ENTERPRISE_SECTORS[(int(town.code[6:9]) + i) % len(ENTERPRISE_SECTORS)]
            name = f"江门市{town.name[:2]}{fake.last_name()}{''.join(town_rng.sample(_SYLLABLES, 2))}{suffix}"
            new.append(
                Organization(
                    region=town,
                    name=name,
                    kind=OrganizationKind.ENTERPRISE,
                    sector=sector,
                    credit_code=_credit_code(town_rng, town.code),
                    address=f"{town.parent.name}{town.name}{fake.street_address()}",
                    responsible_person=fake.name(),
                    responsible_phone=fake.phone_number(),
                    contact_name=fake.name(),
                    contact_phone=fake.phone_number(),
                )
            )
    new = [o for o in new if (o.region.code, o.name) not in existing]
    with transaction.atomic():
        bulk_create_with_history(new, Organization, batch_size=500, default_change_reason="demo")
    return len(new)


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount("admin", Role.ADMINISTRATOR, CITY_CODE, "系统管理员", superuser=True),
        DemoAccount("hq", Role.HQ_DUTY_OFFICER, CITY_CODE, "市应急值班员"),
        DemoAccount("duty-leader", Role.LEADER_ON_SHIFT, CITY_CODE, "市带班领导"),
        DemoAccount("leader", Role.READ_ONLY_LEADER, CITY_CODE, "市领导"),
        DemoAccount("dept-health", Role.DEPARTMENT_STAFF, CITY_CODE, "市卫健局工作人员", department="江门市卫生健康局"),
    ]
    names = dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("prefix", "name"))
    for prefix, pinyin in COUNTY_PINYIN.items():
        accounts.append(
            DemoAccount(
                f"county-{pinyin}", Role.COUNTY_STAFF, prefix.ljust(12, "0"), f"{names.get(prefix, pinyin)}工作人员"
            )
        )
    accounts.append(DemoAccount("town-huicheng", Role.TOWN_STAFF, "440705001000", "会城街道工作人员"))
    first_grid = Region.objects.filter(level=RegionLevel.GRID, prefix__startswith="440705001").order_by("code").first()
    if first_grid is not None:
        accounts.append(DemoAccount("grid-huicheng", Role.GRID_WORKER, first_grid.code, f"{first_grid.name}网格员"))
    return accounts


def load_accounts(password: str) -> list[DemoAccount]:
    sync_roles()
    accounts = demo_accounts()
    for account in accounts:
        region = Region.objects.get(code=account.region_code)
        department = Organization.objects.filter(name=account.department).first() if account.department else None
        user, _created = User.objects.get_or_create(username=account.username)
        user.full_name = account.full_name
        user.is_superuser = account.superuser
        user.is_staff = account.superuser
        user.is_active = True
        user.department = department
        user.set_password(password)
        user._history_user = None
        user._change_reason = "demo"
        user.save()
        user.groups.add(Group.objects.get(name=account.role))
        UserScope.objects.get_or_create(user=user, region=region, department=department)
    return accounts


def load_demo(*, password: str = DEFAULT_PASSWORD) -> dict:
    """Load (or complete) the demo city. Returns what was added and the demo accounts."""
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    with transaction.atomic():
        added = load_regions(rng)
        added["organizations"] = load_organizations(rng, fake)
        added["accounts"] = load_accounts(password)
        added["duty"] = load_duty()
        added["resources"] = load_resources()
        added["hazards"] = __import__("safecity.hazards.demo", fromlist=["load_hazards"]).load_hazards()
        added["incidents"] = __import__("safecity.incidents.demo", fromlist=["load_incidents"]).load_incidents()
        added["tasks"] = __import__("safecity.tasks.demo", fromlist=["load_tasks"]).load_tasks()
        added["plans"] = __import__("safecity.plans.demo", fromlist=["load_plans"]).load_plans()
        added["volunteers"] = __import__("safecity.volunteers.demo", fromlist=["load_volunteers"]).load_volunteers()
        added["training"] = __import__("safecity.training.demo", fromlist=["load_training"]).load_training()
        added["quarantine"] = __import__("safecity.quarantine.demo", fromlist=["load_quarantine"]).load_quarantine()
        added["epidemic"] = __import__("safecity.epidemic.demo", fromlist=["load_epidemic"]).load_epidemic()
        # After the epidemic demo (its contacts get management plans); tolerates its absence.
        added["followup"] = __import__("safecity.followup.demo", fromlist=["load_followup"]).load_followup()
        added["alerts"] = __import__("safecity.alerts.demo", fromlist=["load_alerts"]).load_alerts()
        added["typhoon"] = __import__("safecity.typhoon.demo", fromlist=["load_typhoon"]).load_typhoon()
    return added
