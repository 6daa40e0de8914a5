"""Test and demo helpers of the quarantine app: facilities with rooms and beds, persons to check in."""

from __future__ import annotations

import itertools

from safecity.core.validators import id_check_char

from .choices import FacilityKind, RoomType
from .models import Bed, Facility, Room

_sequence = itertools.count(1)


def make_facility(region, name: str | None = None, *, rooms: int = 2, beds_per_room: int = 1, floor: int = 1, **fields):
    """A facility in ``region`` with ``rooms`` rooms (101, 102 …) of ``beds_per_room`` ready beds each."""
    facility = Facility.objects.create(
        region=region,
        name=name or f"测试隔离酒店{next(_sequence)}",
        kind=fields.pop("kind", FacilityKind.HOTEL),
        designed_capacity=fields.pop("designed_capacity", rooms * beds_per_room),
        **fields,
    )
    add_rooms(facility, rooms=rooms, beds_per_room=beds_per_room, floor=floor)
    return facility


def add_rooms(facility, *, rooms: int, beds_per_room: int = 1, floor: int = 1, start: int = 1) -> list[Room]:
    made = []
    for index in range(rooms):
        room = Room.objects.create(
            facility=facility,
            number=f"{floor}{start + index:02d}",
            floor=floor,
            room_type=RoomType.DOUBLE if beds_per_room == 2 else RoomType.SINGLE,
        )
        for bed in range(beds_per_room):
            Bed.objects.create(room=room, label="ABCDEFGH"[bed])
        made.append(room)
    return made


def id_number(address: str, born: str, sequence: int) -> str:
    """A valid GB 11643 identity number from its parts (``born`` as ``YYYYMMDD``)."""
    first17 = f"{address}{born}{sequence:03d}"
    return first17 + id_check_char(first17)


def make_person(region, name: str = "", *, sequence: int | None = None, **fields):
    from safecity.epidemic.models import Person

    n = sequence if sequence is not None else next(_sequence)
    return Person.objects.create(
        region=region,
        name=name or f"测试人员{n}",
        id_number=fields.pop("id_number", id_number(region.code[:6], "19850612", n % 1000)),
        phone=fields.pop("phone", f"139{n:08d}"),
        **fields,
    )
