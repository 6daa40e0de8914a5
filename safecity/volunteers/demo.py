"""Demo volunteers for the Jiangmen demo city: about 40 per county (Faker zh_CN names, valid identity numbers
of the county, consent on file), two teams per county with leaders, and past deployments with confirmed hours —
a few volunteers inactive, so the refusal and the hours report have something to show.
Idempotent: a county that has volunteers is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import rules
from .choices import DeploymentKind, MembershipRole, VolunteerStatus
from .factories import id_number
from .models import Deployment, Participation, Skill, TeamMembership, Volunteer, VolunteerTeam

CITY_PREFIX = "4407"
PER_COUNTY = 40
SEED = 4407_0600
TEAMS = [("青年志愿者应急服务队", "防汛转移、物资搬运"), ("蓝天救援队", "搜救、水上救援")]
DEPLOYMENTS = [
    ("台风过境群众转移", DeploymentKind.INCIDENT, 10),
    ("汛期巡堤查险", DeploymentKind.PATROL, 6),
    ("森林防火宣传进村", DeploymentKind.PUBLICITY, 4),
]


def load_volunteers() -> dict[str, int]:
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    admin = User.objects.filter(username="admin").first()
    skills = list(Skill.objects.all())
    added = {"volunteers": 0, "teams": 0, "deployments": 0}
    now = timezone.now()
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=CITY_PREFIX).order_by("code")
    with transaction.atomic():
        for county_index, county in enumerate(counties):
            if Volunteer.objects.filter(region__prefix__startswith=county.prefix).exists():
                continue
            towns = list(Region.objects.filter(level=RegionLevel.TOWN, parent=county).order_by("code")) or [county]
            people = []
            for n in range(PER_COUNTY):
                birth = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
                town = rng.choice(towns)
                inactive = n % 13 == 5
                people.append(
                    Volunteer(
                        region=town,
                        name=fake.name(),
                        id_number=id_number(county.code, birth.strftime("%Y%m%d"), county_index * 100 + n + 1),
                        phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
                        address=f"{county.name}{town.name}{fake.street_name()}{rng.randint(1, 200)}号",
                        employer=rng.choice(["", "", fake.company(), "五邑大学", "江门职业技术学院"]),
                        consent_at=now - timedelta(days=rng.randint(30, 700)),
                        consent_version=rules.CONSENT_VERSION,
                        joined_on=date.today() - timedelta(days=rng.randint(30, 700)),
                        status=VolunteerStatus.INACTIVE if inactive else VolunteerStatus.ACTIVE,
                        status_reason="外出务工" if inactive else "",
                        status_since=now - timedelta(days=10) if inactive else None,
                    )
                )
                people[-1].derive_from_id_number()
            people = bulk_create_with_history(people, Volunteer, default_user=admin, default_change_reason="demo")
            people = list(Volunteer.objects.filter(region__prefix__startswith=county.prefix).order_by("pk"))
            through = Volunteer.skills.through
            through.objects.bulk_create(
                [
                    through(volunteer_id=p.pk, skill_id=s.pk)
                    for p in people
                    for s in rng.sample(skills, rng.randint(1, 3))
                ]
            )
            added["volunteers"] += len(people)
            active = [p for p in people if p.status == VolunteerStatus.ACTIVE]
            teams = []
            for number, (suffix, specialty) in enumerate(TEAMS):
                team = VolunteerTeam.objects.create(
                    region=county, name=f"{county.name}{suffix}", specialty=specialty, created_by=admin
                )
                members = active[number::2][:15]
                TeamMembership.objects.bulk_create(
                    [
                        TeamMembership(
                            team=team,
                            volunteer=v,
                            role=MembershipRole.LEADER
                            if i == 0
                            else (MembershipRole.DEPUTY if i == 1 else MembershipRole.MEMBER),
                            joined_on=v.joined_on,
                        )
                        for i, v in enumerate(members)
                    ]
                )
                teams.append((team, members))
                added["teams"] += 1
            for number, (title, kind, hours) in enumerate(DEPLOYMENTS):
                day = date.today() - timedelta(days=15 + 25 * number + county_index)
                starts = timezone.make_aware(datetime.combine(day, time(8, 0)))
                team, members = teams[number % len(teams)]
                deployment = Deployment.objects.create(
                    region=county,
                    title=title,
                    kind=kind,
                    team=team,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=hours),
                    place=f"{county.name}{rng.choice(towns).name}",
                    created_by=admin,
                )
                Participation.objects.bulk_create(
                    [
                        Participation(
                            deployment=deployment,
                            volunteer=v,
                            checked_in_at=starts,
                            checked_out_at=starts + timedelta(hours=hours),
                            hours=Decimal(hours) - Decimal(rng.choice([0, 0, 1])),
                            confirmed_by=admin,
                            confirmed_at=starts + timedelta(hours=hours + 1),
                        )
                        for v in members[:10]
                    ]
                )
                added["deployments"] += 1
    return added
