"""The demo city's hazards: found on routine inspections in all 7 counties, driven through the services into
every state of the rectification loop, dated relative to today, loaded once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecity.hazards.choices import HazardLevel, HazardStatus, SupervisionLevel
from safecity.hazards.demo import INSPECTION_NOTES, load_hazards
from safecity.hazards.models import Hazard, Inspection
from safecity.hazards.rules import DEFAULT_RECTIFICATION_DAYS

DEMO_PASSWORD = "Demo-pass-2026"  # as the demo_city fixture loads it

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]


def _reasons(hazard) -> list[str]:
    return list(hazard.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


def test_demo_hazards_stand_in_every_state_across_the_seven_counties():
    hazards = Hazard.objects.select_related("region", "inspection")
    assert 30 <= hazards.count() <= 50
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert {h.region.code[:6] for h in hazards} == {
        "440703", "440704", "440705", "440781", "440783", "440784", "440785",
    }  # fmt: skip
    for hazard in hazards:
        # Found on an inspection, by its inspector, on its day.
        assert hazard.inspection.notes == INSPECTION_NOTES
        assert hazard.found_by_id == hazard.inspection.inspector_id
        assert hazard.found_at == hazard.inspection.inspected_at
        assert hazard.found_at <= timezone.now()
        if hazard.deadline is not None:  # computed from the rule table, not typed
            days = DEFAULT_RECTIFICATION_DAYS[hazard.level]
            assert hazard.deadline == timezone.localdate(hazard.found_at) + timedelta(days=days)
    assert hazards.filter(found_at__gte=timezone.now() - timedelta(days=3)).exists()
    assert hazards.filter(found_at__lte=timezone.now() - timedelta(days=30)).exists()


def test_closed_hazards_passed_a_re_inspection_by_someone_other_than_the_rectifier():
    closed = Hazard.objects.filter(status=HazardStatus.CLOSED)
    assert closed.count() >= 10
    for hazard in closed:
        assert hazard.reinspected_by_id is not None and hazard.rectified_by_id is not None
        assert hazard.reinspected_by_id != hazard.rectified_by_id
        assert hazard.rectified_at <= hazard.reinspected_at <= hazard.closed_at <= timezone.now()
        reasons = _reasons(hazard)
        assert reasons[0] == "found" and reasons[-2:] == ["re-inspection passed", "closed"]
    # Most were closed on time, one late: the on-time rate is not a flat 100 %.
    late = [h for h in closed if timezone.localdate(h.closed_at) > h.deadline]
    assert len(late) == 1


def test_some_rectifications_are_overdue_and_one_failed_re_inspection_re_opened_its_hazard():
    today = timezone.localdate()
    overdue = [h for h in Hazard.objects.all() if h.is_overdue(today)]
    assert len(overdue) >= 3
    assert {h.status for h in overdue} == {HazardStatus.ASSIGNED, HazardStatus.RECTIFYING}
    reopened = Hazard.objects.get(reopened_count=1)
    assert reopened.status == HazardStatus.RECTIFYING
    assert "re-inspection failed: re-opened" in _reasons(reopened)
    # The overdue sweep ran: the responsible people were told.
    from safecity.core.models import Notification

    for hazard in overdue:
        assert Notification.objects.filter(dedupe_key=f"hazard-overdue-{hazard.pk}-{hazard.deadline}").exists()


def test_major_hazards_go_through_listed_supervision_the_plan_and_the_application_to_resume():
    majors = Hazard.objects.filter(level=HazardLevel.MAJOR)
    assert majors.count() >= 2
    assert all(not h.missing_plan_elements() and h.supervision_level for h in majors)
    waiting = majors.get(supervision_level=SupervisionLevel.CITY)
    assert waiting.status == HazardStatus.RECTIFIED and waiting.applied_at is not None
    assert timezone.now() < waiting.review_due_at
    closed = majors.get(status=HazardStatus.CLOSED)
    assert closed.applied_at is not None and closed.applied_at < closed.reinspected_at


def test_the_home_page_shows_open_and_overdue_hazards_to_hq(client):
    assert client.login(username="hq", password=DEMO_PASSWORD)
    groups = {g["area"].key: g["stats"] for g in client.get("/").context["area_stats"]}
    open_hazards, overdue = groups["hazards"]
    assert open_hazards.value == Hazard.objects.exclude(status=HazardStatus.CLOSED).count() > 0
    assert overdue.value >= 3 and overdue.alert


def test_loading_the_hazards_again_adds_nothing():
    counts = (Inspection.objects.count(), Hazard.objects.count(), Hazard.history.count())
    added = load_hazards()
    assert added["inspections"] == 0 and added["hazards"] == 0 and added["targets"] == 0
    assert (Inspection.objects.count(), Hazard.objects.count(), Hazard.history.count()) == counts
