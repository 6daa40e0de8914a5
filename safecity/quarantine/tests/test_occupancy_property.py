"""Property: after any sequence of check-ins, check-outs, cancellations and bed changes — refused ones
included — persons in each facility = check-ins − check-outs − cancellations = open stays = occupied beds,
never more than the facility's beds; a refused operation changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.quarantine import selectors, services
from safecity.quarantine.factories import make_facility, make_person
from safecity.quarantine.models import Bed, Stay

check_ins = st.tuples(st.just("check_in"), st.integers(0, 1), st.integers(0, 5))  # facility, person
check_outs = st.tuples(st.just("check_out"), st.integers(0, 1), st.integers(0, 5))  # -, person
cancels = st.tuples(st.just("cancel"), st.integers(0, 1), st.integers(0, 5))
cleaned = st.tuples(st.just("cleaned"), st.integers(0, 1), st.integers(0, 2))  # facility, bed index
out_of_service = st.tuples(st.just("out_of_service"), st.integers(0, 1), st.integers(0, 2))
suspend = st.tuples(st.just("suspend"), st.integers(0, 1), st.integers(0, 1))  # facility, on/off
operations = st.lists(
    st.one_of(check_ins, check_outs, cancels, cleaned, out_of_service, suspend), min_size=1, max_size=30
)


def snapshot() -> tuple:
    return (
        tuple(Stay.objects.order_by("pk").values_list("pk", "checked_out_at", "archived_at")),
        tuple(Bed.objects.order_by("pk").values_list("pk", "status")),
    )


@pytest.fixture
def world(city):
    actor = make_user("officer", Role.COUNTY_STAFF, city["xinhui"].code)
    facilities = [make_facility(city["dazhe"], rooms=2), make_facility(city["huicheng"], rooms=1, beds_per_room=1)]
    persons = [make_person(city["dazhe"], sequence=500 + i) for i in range(6)]
    return actor, facilities, persons, {"in": dict.fromkeys(range(2), 0), "out": dict.fromkeys(range(2), 0)}


def assert_occupancy_holds(facilities, counter) -> None:
    for index, facility in enumerate(facilities):
        open_stays = selectors.open_stays(Stay.objects.filter(facility=facility)).count()
        occupied = Bed.objects.filter(room__facility=facility, status="occupied").count()
        beds = Bed.objects.filter(room__facility=facility).count()
        assert open_stays == counter["in"][index] - counter["out"][index] == occupied
        assert occupied <= beds
        board = selectors.bed_counts_by_facility([facility.pk])[facility.pk]
        assert board["occupied"] == occupied and board["total"] == beds
    # Nobody is in two places at once.
    persons = list(selectors.open_stays(Stay.objects.all()).values_list("person_id", flat=True))
    assert len(persons) == len(set(persons))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_occupancy_always_equals_check_ins_minus_check_outs(world, ops):
    actor, facilities, persons, counter = world
    for op, f, n in ops:
        facility = facilities[f]
        before = snapshot()
        try:
            if op == "check_in":
                services.check_in(actor=actor, person=persons[n], facility=facility)
                counter["in"][f] += 1
            elif op in ("check_out", "cancel"):
                stay = selectors.open_stays(Stay.objects.filter(person=persons[n])).first()
                if stay is None:
                    continue
                index = facilities.index(next(x for x in facilities if x.pk == stay.facility_id))
                if op == "check_out":
                    services.check_out(actor=actor, stay=stay)
                else:
                    services.stay_cancel(actor=actor, stay=stay)
                counter["out"][index] += 1
            elif op in ("cleaned", "out_of_service"):
                beds = list(Bed.objects.filter(room__facility=facility).order_by("pk"))
                bed = beds[n % len(beds)]
                if op == "cleaned":
                    services.bed_cleaned(actor=actor, bed=bed)
                else:
                    services.bed_set_status(actor=actor, bed=bed, status="out_of_service", reason="维修")
            else:
                status, reason = ("suspended", "消杀") if n else ("in_use", "")
                services.facility_set_status(actor=actor, facility=facility, status=status, reason=reason)
        except ValidationError:
            assert snapshot() == before, "a refused operation must change nothing"
        assert_occupancy_holds(facilities, counter)
