"""Demo quarantine facilities for the Jiangmen demo city: per county a purpose-built site (ready to open,
trained staff, some persons checked in with their planned check-outs, beds being cleaned or out of
service) and a requisitioned hotel on standby whose last readiness check found a problem.
Idempotent: a facility that exists is left as it is."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safecity.accounts.models import User
from safecity.core.services import object_save
from safecity.core.validators import id_check_char
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import rules, services
from .choices import BedStatus, FacilityKind, RoomType, StaffRole, StayReason
from .models import Bed, Facility, FacilityStaff

CITY_CODE = "440700000000"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海波"
STAFF = [
    (StaffRole.MEDICAL, "医生"),
    (StaffRole.MEDICAL, "护士"),
    (StaffRole.SECURITY, "保安"),
    (StaffRole.CLEANING, "保洁消杀员"),
    (StaffRole.LIAISON, "联络员"),
    (StaffRole.PSYCHOLOGICAL, "心理咨询师"),
]


def _person(actor, rng: random.Random, town: Region):
    """A demo person through the epidemic app's dedupe service when it is there, else the model."""
    born = f"{rng.randint(1950, 2012)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"{town.code[:6]}{born}{rng.randint(0, 999):03d}"
    fields = {
        "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        "id_number": first17 + id_check_char(first17),
        "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
        "region": town,
    }
    try:
        from safecity.epidemic.services import person_find_or_create
    except ImportError:  # the epidemic services are not there: save the model directly
        from safecity.epidemic.models import Person

        return object_save(actor=actor, instance=Person(**fields))
    person, _created = person_find_or_create(actor=actor, **fields)
    return person


def _point(rng: random.Random, region: Region):
    if region.latitude is None:
        return None, None
    q = Decimal("0.000001")
    return (
        (region.latitude + Decimal(str(rng.uniform(-0.02, 0.02)))).quantize(q),
        (region.longitude + Decimal(str(rng.uniform(-0.02, 0.02)))).quantize(q),
    )


def _site(actor, rng, county: Region, town: Region, index: int) -> Facility:
    """The county's purpose-built site: 3 floors × 10 single rooms, ready to open, some persons in."""
    today = timezone.localdate()
    now = timezone.now()
    lat, lng = _point(rng, town)
    facility = object_save(
        actor=actor,
        instance=Facility(
            region=town,
            name=f"{county.name}集中隔离医学观察点",
            kind=FacilityKind.PURPOSE_BUILT,
            address=f"{county.name}{town.name}康宁路{rng.randint(1, 99)}号",
            latitude=lat,
            longitude=lng,
            manager=rng.choice(SURNAMES) + "主任",
            manager_phone=f"139{rng.randint(0, 99_999_999):08d}",
            designed_capacity=30,
        ),
    )
    for floor in (1, 2, 3):
        services.rooms_add(
            actor=actor,
            facility=facility,
            floor=floor,
            first_number=floor * 100 + 1,
            last_number=floor * 100 + 10,
            room_type=RoomType.ACCESSIBLE if floor == 1 else RoomType.SINGLE,
        )
    for role, title in STAFF:
        object_save(
            actor=actor,
            instance=FacilityStaff(
                facility=facility,
                name=rng.choice(SURNAMES) + title,
                role=role,
                phone=f"137{rng.randint(0, 99_999_999):08d}",
                trained_on=today - timedelta(days=rng.randint(10, 60)),
                certificate=f"{county.name}卫健局隔离场所工作人员培训合格证 {today.year}-{rng.randint(100, 999)}",
            ),
        )
    services.readiness_record(
        actor=actor,
        facility=facility,
        results=dict.fromkeys(rules.READINESS_CODES, (True, "")),
        on=today - timedelta(days=rng.randint(0, 3)),
    )
    # Persons in: close contacts with planned check-outs over the next week (one overdue).
    for number in range(8 + index):
        checked_in = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 12))
        leaves = today + timedelta(days=number % 7) if number else today - timedelta(days=1)
        if leaves < timezone.localdate(checked_in):
            leaves = timezone.localdate(checked_in)
        try:
            with transaction.atomic():
                services.check_in(
                    actor=actor,
                    person=_person(actor, rng, town),
                    facility=facility,
                    at=checked_in,
                    planned_check_out=leaves,
                    reason=StayReason.CLOSE_CONTACT if number % 4 else StayReason.ARRIVAL_HIGH_RISK,
                )
        except ValidationError:  # the same demo person drawn twice is already checked in: skip
            continue
    # One person already checked out (bed being cleaned), one bed out of service.
    stay = facility.stays.order_by("pk").first()
    services.check_out(actor=actor, stay=stay, at=now - timedelta(hours=2))
    spare = Bed.objects.filter(room__facility=facility, status=BedStatus.READY).order_by("-pk").first()
    services.bed_set_status(actor=actor, bed=spare, status=BedStatus.OUT_OF_SERVICE, reason="空调维修")
    return facility


def _hotel(actor, rng, county: Region, town: Region) -> Facility:
    """A requisitioned hotel on standby: 2 floors × 8 double rooms, one readiness item not ok."""
    today = timezone.localdate()
    lat, lng = _point(rng, town)
    facility = object_save(
        actor=actor,
        instance=Facility(
            region=town,
            name=f"{town.name}{rng.choice(['锦江', '华侨', '碧桂', '江景'])}酒店（征用）",
            kind=FacilityKind.HOTEL,
            address=f"{county.name}{town.name}迎宾大道{rng.randint(1, 300)}号",
            latitude=lat,
            longitude=lng,
            manager=rng.choice(SURNAMES) + "经理",
            manager_phone=f"138{rng.randint(0, 99_999_999):08d}",
            designed_capacity=32,
        ),
    )
    for floor in (5, 6):
        services.rooms_add(
            actor=actor,
            facility=facility,
            floor=floor,
            first_number=floor * 100 + 1,
            last_number=floor * 100 + 8,
            room_type=RoomType.DOUBLE,
            beds_per_room=2,
        )
    results = dict.fromkeys(rules.READINESS_CODES, (True, ""))
    results["zones"] = (False, "缓冲区与污染区之间缺少物理隔断")
    services.readiness_record(actor=actor, facility=facility, results=results, on=today - timedelta(days=5))
    object_save(
        actor=actor,
        instance=FacilityStaff(facility=facility, name=rng.choice(SURNAMES) + "经理", role=StaffRole.MANAGER),
    )
    return facility


def load_quarantine() -> dict[str, int]:
    """Load (or complete) the demo facilities. Returns how many were added."""
    actor = User.objects.filter(username="admin").first()
    if actor is None:
        return {"facilities": 0}
    added = 0
    with transaction.atomic():
        counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=CITY_CODE[:4]).order_by("code")
        for index, county in enumerate(counties):
            rng = random.Random(f"quarantine-{county.code}")
            towns = list(Region.objects.filter(level=RegionLevel.TOWN, parent=county).order_by("code")[:2])
            if not towns:
                continue
            if not Facility.objects.filter(name=f"{county.name}集中隔离医学观察点").exists():
                _site(actor, rng, county, towns[0], index)
                added += 1
            if not Facility.objects.filter(region=towns[-1], kind=FacilityKind.HOTEL).exists():
                _hotel(actor, rng, county, towns[-1])
                added += 1
    return {"facilities": added}
