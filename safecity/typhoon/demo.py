"""Demo vessels and a typhoon response for Jiangmen: fishing vessels, transport vessels and fish rafts of the
coastal towns of Taishan and Xinhui, and Taishan's response to the demo typhoon signal — most vessels back in
port, some still at sea past the port deadline the county set, some not yet checked. Loaded once."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from safecity.accounts.models import User
from safecity.alerts.models import WarningSignal
from safecity.core.services import object_save
from safecity.geo.models import Region

from . import services
from .choices import Position, VesselKind
from .models import TyphoonResponse, Vessel

#: town code, registration prefix, home port, how many vessels
FLEETS = [
    ("440781110000", "粤台山渔", "广海", 14),
    ("440781115000", "粤台山渔", "川岛", 12),
    ("440781108000", "粤台山渔", "赤溪", 6),
    ("440781114000", "粤台山渔", "北陡", 6),
    ("440705105000", "粤新会渔", "崖门", 8),
    ("440705106000", "粤新会渔", "沙堆", 6),
]
SURNAMES = "陈李黄梁伍谭关余甄刘"


def load_typhoon() -> dict[str, int]:
    added = {"vessels": 0, "responses": 0}
    hq = User.objects.filter(username="hq").first()
    if hq is None or Vessel.objects.exists():
        return added
    rng = random.Random(20260720)
    number = 10_000
    for code, prefix, port, count in FLEETS:
        town = Region.objects.filter(code=code).first()
        if town is None:
            continue
        for _index in range(count):
            number += rng.randint(1, 40)
            kind = rng.choices([VesselKind.FISHING, VesselKind.TRANSPORT, VesselKind.FISH_RAFT], [8, 1, 2])[0]
            crew = 0 if kind == VesselKind.FISH_RAFT and rng.random() < 0.3 else rng.randint(2, 9)
            object_save(
                actor=hq,
                instance=Vessel(
                    region=town,
                    name=f"{prefix}{number}" if kind != VesselKind.FISH_RAFT else f"{port}养殖渔排{number % 100}号",
                    registration_number=f"{prefix}{number}",
                    kind=kind,
                    home_port=port,
                    length_m=Decimal(f"{rng.uniform(8, 38):.1f}") if kind != VesselKind.FISH_RAFT else None,
                    crew_count=crew,
                    owner_name=rng.choice(SURNAMES) + rng.choice(["海", "水生", "金福", "志强", "国华", "兆基"]),
                    owner_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                ),
                change_reason="demo",
            )
            added["vessels"] += 1
    warning = WarningSignal.objects.filter(kind="typhoon", lifted_at__isnull=True, exercise=False).first()
    taishan = Region.objects.filter(code="440781000000").first()
    if warning is None or taishan is None or TyphoonResponse.objects.exists():
        return added
    now = timezone.now()
    started = now - timedelta(hours=2)
    response = services.response_start(
        actor=hq,
        region=taishan,
        title=f"防御{warning.event}",
        warning=warning,
        started_at=started,
        port_deadline=now - timedelta(minutes=30),  # the county's own deadline: passed, two vessels still out
    )
    added["responses"] = 1
    vessels = list(Vessel.objects.filter(region__prefix__startswith=taishan.prefix).order_by("pk"))
    for index, vessel in enumerate(vessels):
        if index % 9 == 4:
            continue  # not yet checked
        position = Position.AT_SEA if index in (3, 17) else rng.choice([Position.IN_PORT] * 6 + [Position.NOT_OUT])
        services.vessel_check(
            actor=hq,
            response=response,
            vessel=vessel,
            status=position,
            crew_ashore=position != Position.AT_SEA,
            note="电话联系船长，正在返航" if position == Position.AT_SEA else "",
            checked_at=started + timedelta(minutes=10 + index * 2),
        )
    return added
