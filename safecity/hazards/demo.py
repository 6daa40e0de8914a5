"""Demo hazard inspection for the Jiangmen demo city: the default checklists, a few key sites in every
town of each county, one cross-inspection team per county and a city campaign on three-in-one
premises, planned. Idempotent: nothing is added once the campaign exists.
"""

from __future__ import annotations

import random
from datetime import date

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import services
from .checklists import load_default_checklists
from .choices import RiskGrade, TargetCategory
from .models import Campaign, InspectionTarget, InspectionTeam

CITY_CODE = "440700000000"
CAMPAIGN = "2026年三合一场所和出租屋消防安全专项整治"
SITES = [
    (TargetCategory.THREE_IN_ONE, "{town}{n}号五金加工三合一场所"),
    (TargetCategory.CONSTRUCTION_SITE, "{town}安置房{n}期工地"),
    (TargetCategory.FERRY_CROSSING, "{town}{n}号渡口"),
]


#: Approximate centres of Jiangmen's counties (latitude, longitude), to place the demo sites on the map.
COUNTY_CENTRES = {
    "440703": (22.60, 113.08),
    "440704": (22.56, 113.13),
    "440705": (22.46, 113.03),
    "440781": (22.25, 112.79),
    "440783": (22.38, 112.68),
    "440784": (22.77, 112.96),
    "440785": (22.18, 112.30),
}


def _near(centre, rng) -> dict:
    if centre is None:
        return {}
    lat, lng = centre
    return {"latitude": round(lat + rng.uniform(-0.08, 0.08), 6), "longitude": round(lng + rng.uniform(-0.08, 0.08), 6)}


def load_hazards(seed: int = 4407) -> dict[str, int]:
    """Load the demo hazard data; returns counts of what was added."""
    added = {"checklists": load_default_checklists(), "targets": 0, "teams": 0}
    city = Region.objects.filter(code=CITY_CODE).first()
    actor = User.objects.filter(username="hq").first()
    if city is None or actor is None or Campaign.objects.filter(name=CAMPAIGN).exists():
        return added
    rng = random.Random(seed)
    towns = Region.objects.filter(level=RegionLevel.TOWN, code__startswith="4407").order_by("code")
    targets = []
    for town in towns:
        for category, pattern in SITES:
            for n in range(1, 3 if category == TargetCategory.THREE_IN_ONE else 2):
                if category == TargetCategory.FERRY_CROSSING and rng.random() < 0.7:
                    continue
                targets.append(
                    InspectionTarget(
                        name=pattern.format(town=town.name, n=n),
                        category=category,
                        region=town,
                        risk_grade=rng.choice(list(RiskGrade.values)),
                        **_near(COUNTY_CENTRES.get(town.code[:6]), rng),
                        created_by=actor,
                        updated_by=actor,
                    )
                )
    InspectionTarget.objects.bulk_create(targets, ignore_conflicts=True)
    added["targets"] = len(targets)
    teams = []
    for county in Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="4407").order_by("code"):
        team, created = InspectionTeam.objects.get_or_create(
            name=f"{county.name}交叉检查组", region=county, defaults={"created_by": actor, "updated_by": actor}
        )
        teams.append(team)
        added["teams"] += int(created)
    campaign = Campaign.objects.create(
        name=CAMPAIGN,
        region=city,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
        categories=[TargetCategory.THREE_IN_ONE],
        created_by=actor,
        updated_by=actor,
    )
    campaign.teams.set(teams)
    campaign.regions.set([team.region for team in teams] or [city])
    services.campaign_plan(actor=actor, campaign=campaign)
    return added
