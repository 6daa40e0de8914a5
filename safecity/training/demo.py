"""Demo training for the Jiangmen demo city: named members for each rescue team, courses on the main topics
(city and county level) with volunteers, experts and team members attending, results and the certificates
they issued — some issued long enough ago to be expiring soon or expired, so the expiring list, the sweep and
the home page's number have something to show. Idempotent: skipped when courses exist.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from faker import Faker

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.resources.models import Expert, RescueTeam, Specialty, TeamMember
from safecity.volunteers.choices import VolunteerStatus
from safecity.volunteers.models import Volunteer

from . import services
from .models import Attendance, Course, Topic

CITY_CODE = "440700000000"
SEED = 4407_0700
#: topic code, course title, organiser, how many days ago it ended, level ("city" or "county")
COURSES = [
    ("quarantine_site_staff", "隔离场所工作人员岗前培训", "卫生健康局", 340, "county"),
    ("first_aid", "应急救护员培训班", "红十字会", 200, "county"),
    ("fire_scene_command", "火场指挥能力提升班", "江门市消防救援支队", 1080, "city"),
    ("epidemiological_investigation", "流行病学调查骨干培训", "江门市疾病预防控制中心", 700, "city"),
    ("hazardous_chemicals_rescue", "危险化学品事故救援培训", "江门市应急管理局", 90, "city"),
    ("flood_typhoon", "防汛防台风抢险技能培训", "水利局", 30, "county"),
]


def _members(rng: random.Random, fake: Faker) -> int:
    specialties = list(Specialty.objects.all())
    added = 0
    for team in RescueTeam.objects.filter(team_members__isnull=True).order_by("pk"):
        rows = [
            TeamMember(
                team=team,
                name=fake.name(),
                role="leader" if i == 0 else ("deputy" if i == 1 else "member"),
                specialty=rng.choice(specialties) if specialties else None,
                phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
                joined_on=date.today() - timedelta(days=rng.randint(100, 2000)),
            )
            for i in range(6)
        ]
        TeamMember.objects.bulk_create(rows)
        added += len(rows)
    return added


def load_training() -> dict[str, int]:
    if Course.objects.exists():
        return {"courses": 0, "certificates": 0, "team_members": 0}
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    admin = User.objects.filter(username="admin").first()
    today = date.today()
    added = {"courses": 0, "certificates": 0}
    with transaction.atomic():
        added["team_members"] = _members(rng, fake)
        city = Region.objects.filter(code=CITY_CODE).first()
        counties = list(
            Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=CITY_CODE[:4]).order_by("code")
        )
        for topic_code, title, organiser, ended_days_ago, level in COURSES:
            topic = Topic.objects.filter(code=topic_code).first()
            if topic is None:
                continue
            places = [city] if level == "city" and city else counties
            for index, region in enumerate(places):
                ends_on = today - timedelta(days=ended_days_ago + index * 3)
                course = Course.objects.create(
                    region=region,
                    title=f"{'' if level == 'city' else region.name}{title}",
                    topic=topic,
                    organiser=(organiser if level == "city" else f"{region.name}{organiser}"),
                    starts_on=ends_on - timedelta(days=2),
                    ends_on=ends_on,
                    hours=Decimal(rng.choice([16, 24, 32, 40])),
                    place=f"{region.name}应急培训中心",
                    issuing_body=organiser if level == "city" else f"{region.name}{organiser}",
                    created_by=admin,
                )
                added["courses"] += 1
                prefix = region.prefix
                pool = list(
                    Volunteer.objects.filter(region__prefix__startswith=prefix, status=VolunteerStatus.ACTIVE).order_by(
                        "pk"
                    )
                )
                volunteers = rng.sample(pool, min(len(pool), 12 if level == "county" else 20))
                attendees = [Attendance(holder_kind="volunteer", volunteer=v) for v in volunteers]
                if topic_code in ("hazardous_chemicals_rescue", "fire_scene_command", "flood_typhoon"):
                    members = list(TeamMember.objects.filter(team__region__prefix__startswith=prefix).order_by("pk"))
                    members = rng.sample(members, min(len(members), 8))
                    attendees += [Attendance(holder_kind="team_member", team_member=m) for m in members]
                    experts = list(Expert.objects.filter(region__prefix__startswith=prefix).order_by("pk"))[:2]
                    attendees += [Attendance(holder_kind="expert", expert=e) for e in experts]
                attendees.append(
                    Attendance(
                        holder_kind="person", person_name=fake.name(), person_phone=f"138{rng.randint(0, 99999999):08d}"
                    )
                )
                for attendance in attendees:
                    services.add_attendee(actor=admin, course=course, attendance=attendance)
                    passed = rng.random() > 0.1
                    if services.record_result(
                        actor=admin,
                        attendance=attendance,
                        passed=passed,
                        score=Decimal(rng.randint(75 if passed else 40, 98)),
                    ):
                        added["certificates"] += 1
    return added
