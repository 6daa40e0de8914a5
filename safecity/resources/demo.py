"""Demo emergency supplies for the Jiangmen demo city: the catalogue, a city depot and one per county,
opening stock as receipts (so the ledger explains every figure), reserve standards with a few
deliberate shortfalls, and lots expiring soon. Idempotent: a depot that exists is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import services
from .choices import DepotKind, ItemCategory
from .models import Depot, Expert, Item, RescueTeam, ReserveStandard, Specialty

CITY_CODE = "440700000000"
#: name, category, unit, shelf life (days), opening quantity per county depot, county reserve standard
CATALOGUE = [
    ("救灾帐篷", ItemCategory.LIFE, "顶", 1825, 120, 150),
    ("折叠床", ItemCategory.LIFE, "张", None, 300, 200),
    ("棉被", ItemCategory.LIFE, "床", 1825, 400, 300),
    ("瓶装饮用水", ItemCategory.LIFE, "箱", 365, 500, 400),
    ("方便食品", ItemCategory.LIFE, "箱", 270, 300, 300),
    ("医用外科口罩", ItemCategory.MEDICAL, "盒", 730, 1000, 800),
    ("救生衣", ItemCategory.FLOOD, "件", 1825, 200, 150),
    ("编织袋", ItemCategory.FLOOD, "条", None, 5000, 3000),
    ("风力灭火机", ItemCategory.FIRE, "台", None, 20, 15),
    ("应急照明灯", ItemCategory.COMMUNICATION, "台", None, 50, 30),
]
COUNTY_KEEPER = {
    "440703": "county-pengjiang",
    "440704": "county-jianghai",
    "440705": "county-xinhui",
    "440781": "county-taishan",
    "440783": "county-kaiping",
    "440784": "county-heshan",
    "440785": "county-enping",
}


def load_resources() -> dict[str, int]:
    """Load (or complete) the demo supplies. Returns how many depots were added."""
    admin = User.objects.filter(username="admin").first()
    today = timezone.localdate()
    added = 0
    with transaction.atomic():
        items = {}
        for name, category, unit, shelf_life, _qty, _standard in CATALOGUE:
            items[name], _ = Item.objects.get_or_create(
                name=name, defaults={"category": category, "unit": unit, "shelf_life_days": shelf_life}
            )
        counties = list(
            Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=CITY_CODE[:4]).order_by("code")
        )
        city = Region.objects.filter(code=CITY_CODE).first()
        places = ([(city, "江门市应急物资储备库", "hq")] if city else []) + [
            (county, f"{county.name}应急物资储备库", COUNTY_KEEPER.get(county.code[:6], "")) for county in counties
        ]
        for index, (region, depot_name, keeper) in enumerate(places):
            if Depot.objects.filter(region=region, name=depot_name).exists():
                continue
            depot = Depot.objects.create(
                region=region, name=depot_name, kind=DepotKind.GOVERNMENT, address=f"{region.name}应急管理局仓库"
            )
            keeper_user = User.objects.filter(username=keeper).first()
            if keeper_user:
                depot.keepers.add(keeper_user)
            added += 1
            for number, (name, _category, _unit, shelf_life, quantity, standard) in enumerate(CATALOGUE):
                # Every third county holds too little of a few items: the shortfall list has something.
                factor = 2 if region == city else (0.5 if (index + number) % 3 == 0 else 1)
                # A few lots expire soon: the expiry list and the sweep have something.
                expiry = today + timedelta(days=60 + 30 * number) if number % 4 == 3 else None
                if expiry is None and shelf_life:
                    expiry = today + timedelta(days=shelf_life // 2 + index * 10)
                services.receive(
                    actor=admin,
                    depot=depot,
                    item=items[name],
                    quantity=int(quantity * factor),
                    lot_number=f"QC{today:%Y}-{number + 1:02d}",
                    expiry_date=expiry,
                    note="期初库存",
                )
                if region != city:
                    ReserveStandard.objects.get_or_create(
                        region=region, item=items[name], defaults={"minimum": standard, "basis": "市级储备标准"}
                    )
        experts = load_experts(counties)
        teams = load_teams(counties)
    return {"depots": added, "experts": experts, "teams": teams}


#: name suffix, kind, specialty codes, members; readiness varies by county so the board has something.
TEAMS = [
    ("危化品应急救援队", "professional", ("hazardous_chemicals",), 30),
    ("医疗救治队", "medical", ("medical_treatment",), 20),
    ("消防救援大队", "fire_rescue", ("fire", "flood_typhoon"), 60),
]
READINESS = ["ready", "ready", "resting", "ready", "not_ready", "ready", "on_mission"]


def load_teams(counties) -> int:
    specialties = {s.code: s for s in Specialty.objects.all()}
    added = 0
    for index, county in enumerate(counties):
        for number, (suffix, kind, codes, members) in enumerate(TEAMS):
            name = f"{county.name}{suffix}"
            if RescueTeam.objects.filter(region=county, name=name).exists():
                continue
            readiness = READINESS[(index + number) % len(READINESS)]
            team = RescueTeam.objects.create(
                region=county,
                name=name,
                kind=kind,
                members=members,
                leader="队长",
                base_address=f"{county.name}应急救援基地",
                readiness=readiness,
                readiness_reason="装备检修" if readiness == "not_ready" else "",
                readiness_since=timezone.now(),
            )
            team.specialties.set([specialties[c] for c in codes if c in specialties])
            added += 1
    return added


#: name, title, employer, source, specialty codes (one expert of each kind per county, numbered)
EXPERTS = [
    ("危化专家", "高级工程师", "化工企业安全部", "enterprise", ("hazardous_chemicals", "fire")),
    ("水利专家", "教授级高工", "水利水电勘测设计院", "retired_cadre", ("flood_typhoon", "geology")),
    ("医疗专家", "主任医师", "人民医院急诊科", "academic", ("medical_treatment", "disease_control")),
    ("心理专家", "副教授", "五邑大学", "cppcc_member", ("psychology",)),
]


def load_experts(counties) -> int:
    """Four experts per county, with demo phones (shown masked)."""
    specialties = {s.code: s for s in Specialty.objects.all()}
    added = 0
    for index, county in enumerate(counties):
        for number, (label, title, employer, source, codes) in enumerate(EXPERTS):
            name = f"{county.name[:2]}{label}"
            if Expert.objects.filter(region=county, name=name).exists():
                continue
            expert = Expert.objects.create(
                region=county,
                name=name,
                title=title,
                employer=f"{county.name}{employer}",
                source=source,
                phone=f"139{index:02d}{number:02d}{4321 + index * 7 + number:04d}",
            )
            expert.specialties.set([specialties[c] for c in codes if c in specialties])
            added += 1
    return added
