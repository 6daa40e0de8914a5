"""Reads of the quarantine app: readiness of a facility, occupancy, the capacity board by county and
the free-bed forecast. Every function takes querysets the caller has already scoped with ``restrict()``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from . import rules
from .choices import BedStatus, FacilityStatus, StayReason
from .models import Bed, Facility, FacilityStaff, ReadinessCheck, Stay


def county_code(region_code: str) -> str:
    """The county-level code a region belongs to (first six digits); the code itself above the county."""
    return region_code[:6] + "000000" if len(region_code) >= 12 and region_code[4:6] != "00" else region_code


# ---- readiness ---------------------------------------------------------------------------------------


@dataclass
class ItemState:
    code: str
    label: str
    guidance: str
    check: ReadinessCheck | None
    #: "ok", "not_ok", "stale" (latest check ok but too old) or "missing" (never checked)
    state: str


@dataclass
class Readiness:
    items: list[ItemState]
    missing_roles: list[str] = field(default_factory=list)

    @property
    def ready_to_open(self) -> bool:
        return all(item.state == "ok" for item in self.items)

    @property
    def problems(self) -> list[ItemState]:
        return [item for item in self.items if item.state != "ok"]


def _item_state(check: ReadinessCheck | None, today: date) -> str:
    if check is None:
        return "missing"
    if not check.ok:
        return "not_ok"
    if (today - check.checked_on).days > rules.READINESS_MAX_AGE_DAYS:
        return "stale"
    return "ok"


def latest_checks(facility_ids, *, since: date | None = None) -> dict[tuple[int, str], ReadinessCheck]:
    """The latest check of every (facility, item), in one query; with ``since``, among the checks from then on."""
    latest: dict[tuple[int, str], ReadinessCheck] = {}
    checks = ReadinessCheck.objects.filter(facility_id__in=list(facility_ids), archived_at__isnull=True).order_by(
        "facility_id", "item", "-checked_on", "-pk"
    )
    if since is not None:
        checks = checks.filter(checked_on__gte=since)
    for check in checks.select_related("checked_by"):
        latest.setdefault((check.facility_id, check.item), check)
    return latest


def readiness_of(facility: Facility, *, today: date | None = None, latest=None) -> Readiness:
    """Each checklist item's latest check and state, and whether the facility is ready to open at any time."""
    today = today or timezone.localdate()
    latest = latest if latest is not None else latest_checks([facility.pk])
    items = []
    for item in rules.READINESS_ITEMS:
        check = latest.get((facility.pk, item.code))
        items.append(ItemState(item.code, str(item.label), str(item.guidance), check, _item_state(check, today)))
    trained = set(
        FacilityStaff.objects.filter(facility=facility, archived_at__isnull=True, trained_on__isnull=False)
        .values_list("role", flat=True)
        .distinct()
    )
    from .choices import StaffRole

    missing = [str(StaffRole(role).label) for role in rules.REQUIRED_STAFF_ROLES if role not in trained]
    return Readiness(items=items, missing_roles=missing)


def ready_to_open_ids(facility_ids, *, today: date | None = None) -> set[int]:
    """Ids of the facilities whose every checklist item is ok and recent."""
    today = today or timezone.localdate()
    # Only checks within the age limit can make an item ok, so older ones need not be read.
    latest = latest_checks(facility_ids, since=today - timedelta(days=rules.READINESS_MAX_AGE_DAYS))
    return {
        pk
        for pk in facility_ids
        if all(_item_state(latest.get((pk, code)), today) == "ok" for code in rules.READINESS_CODES)
    }


# ---- occupancy ---------------------------------------------------------------------------------------


def open_stays(stays):
    return stays.filter(checked_out_at__isnull=True, archived_at__isnull=True)


# ---- check-in from the person's and the plan's pages ----------------------------------------------

#: A management plan's class → the reason of the stay it leads to (other classes: "other").
REASON_BY_PLAN_CLASS = {
    "close": StayReason.CLOSE_CONTACT,
    "secondary": StayReason.SECONDARY_CONTACT,
    "arrival_high": StayReason.ARRIVAL_HIGH_RISK,
}


def current_stay(person) -> Stay | None:
    """The person's open stay (at most one, by constraint) with its facility, room and bed."""
    return open_stays(Stay.objects.filter(person=person)).select_related("facility", "bed__room").first()


def may_check_in(user) -> bool:
    """Whether ``user`` may check persons in at all: the permission and at least one facility in their
    area they may manage that takes persons in (not archived, not suspended)."""
    if not user.has_perm("quarantine.add_stay"):
        return False
    return (
        Facility.objects.restrict(user, "change")
        .filter(archived_at__isnull=True)
        .exclude(status=FacilityStatus.SUSPENDED)
        .exists()
    )


def needs_facility_quarantine(plan, today: date) -> bool:
    """An active plan whose facility-quarantine step is under way today or still to come."""
    if plan.status != "active" or plan.archived_at is not None:
        return False
    return any(step.measure == "facility_quarantine" and step.end_date >= today for step in plan.steps.all())


def check_in_prompt(user, person, plans, *, today: date | None = None) -> dict:
    """What a person's page or a management plan's page shows about facility quarantine.

    ``person`` is one the user may see; ``plans`` are the (scoped) management plans to consider — the
    plan of the page, or the person's plans. Returns ``quarantine_stay`` (the person's open stay, or
    ``None``), ``quarantine_stay_url`` (its page, only when the user may see the stay: it belongs to the
    facility's county) and ``check_in_url`` — the check-in page with the person and the plan filled in,
    only when the person is not checked in, one of ``plans`` needs facility quarantine now or later, and
    the user may check persons in."""
    from urllib.parse import urlencode

    from django.urls import reverse

    today = today or timezone.localdate()
    context = {"quarantine_stay": None, "quarantine_stay_url": "", "check_in_url": ""}
    stay = current_stay(person)
    if stay is not None:
        context["quarantine_stay"] = stay
        if Stay.objects.restrict(user, "view").filter(pk=stay.pk).exists():
            context["quarantine_stay_url"] = stay.get_absolute_url()
        return context
    if person.merged_into_id or person.archived_at is not None:
        return context
    plan = next((p for p in plans if needs_facility_quarantine(p, today)), None)
    if plan is None or not may_check_in(user):
        return context
    query = {
        "person": person.pk,
        "plan": plan.pk,
        "reason": REASON_BY_PLAN_CLASS.get(plan.person_class, StayReason.OTHER),
    }
    context["check_in_url"] = f"{reverse('quarantine:stay_add')}?{urlencode(query)}"
    return context


def bed_counts_by_facility(facility_ids) -> dict[int, dict[str, int]]:
    """``{facility id: {status: n, "total": n}}`` over active beds in active rooms, in one query."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: {**dict.fromkeys(BedStatus.values, 0), "total": 0})
    rows = (
        Bed.objects.filter(room__facility_id__in=list(facility_ids), archived_at__isnull=True)
        .filter(room__archived_at__isnull=True)
        .values("room__facility_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts = result[row["room__facility_id"]]
        counts[row["status"]] += row["n"]
        counts["total"] += row["n"]
    return result


# ---- capacity board ------------------------------------------------------------------------------------


@dataclass
class CapacityRow:
    county: str
    county_name: str
    facilities: int = 0
    in_use: int = 0
    suspended: int = 0
    beds: int = 0
    occupied: int = 0
    ready: int = 0
    cleaning: int = 0
    out_of_service: int = 0
    ready_to_open: int = 0
    persons: int = 0

    @property
    def occupancy_percent(self) -> int:
        return round(100 * self.occupied / self.beds) if self.beds else 0


@dataclass
class Board:
    rows: list[CapacityRow]
    facilities: list[dict]
    total: CapacityRow


def capacity_board(facilities, *, today: date | None = None) -> Board:
    """Facilities, beds by status, persons in and ready-to-open facilities, per county and in total.

    ``facilities`` is a scoped, active facility queryset. Free beds are ready beds of facilities that
    are not suspended (a suspended facility's beds are counted but take nobody)."""
    from safecity.geo.models import Region

    today = today or timezone.localdate()
    facilities = list(facilities.select_related("region").order_by("region__code", "name"))
    ids = [f.pk for f in facilities]
    beds = bed_counts_by_facility(ids)
    persons = dict(
        open_stays(Stay.objects.filter(facility_id__in=ids))
        .values("facility_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("facility_id", "n")
    )
    ready_ids = ready_to_open_ids(ids, today=today)
    names = dict(
        Region.objects.filter(code__in={county_code(f.region.code) for f in facilities}).values_list("code", "name")
    )
    rows: dict[str, CapacityRow] = {}
    total = CapacityRow("", "")
    listed = []
    for facility in facilities:
        county = county_code(facility.region.code)
        row = rows.setdefault(county, CapacityRow(county, names.get(county, facility.region.name)))
        counts = beds[facility.pk]
        suspended = facility.status == FacilityStatus.SUSPENDED
        free = 0 if suspended else counts[BedStatus.READY]
        for target in (row, total):
            target.facilities += 1
            target.in_use += facility.status == FacilityStatus.IN_USE
            target.suspended += suspended
            target.beds += counts["total"]
            target.occupied += counts[BedStatus.OCCUPIED]
            target.ready += free
            target.cleaning += counts[BedStatus.CLEANING]
            target.out_of_service += counts[BedStatus.OUT_OF_SERVICE]
            target.ready_to_open += facility.pk in ready_ids
            target.persons += persons.get(facility.pk, 0)
        listed.append(
            {
                "facility": facility,
                "county": row.county_name,
                "beds": counts,
                "free": free,
                "persons": persons.get(facility.pk, 0),
                "ready_to_open": facility.pk in ready_ids,
            }
        )
    return Board(rows=sorted(rows.values(), key=lambda r: r.county), facilities=listed, total=total)


def free_beds(facilities) -> int:
    """Ready beds in the (scoped) facilities that are not suspended or archived — the dashboard number."""
    return (
        Bed.objects.filter(
            room__facility__in=facilities.filter(archived_at__isnull=True).exclude(status=FacilityStatus.SUSPENDED),
            status=BedStatus.READY,
            archived_at__isnull=True,
            room__archived_at__isnull=True,
        )
        .order_by()
        .count()
    )


# ---- forecast ------------------------------------------------------------------------------------------


@dataclass
class ForecastDay:
    day: date
    free: int
    check_outs: int
    overdue: int = 0


def free_bed_forecast(facilities, *, today: date | None = None, days: int = rules.FORECAST_DAYS) -> list[ForecastDay]:
    """Expected free ready beds on each of the next ``days`` days (today first), from the planned check-outs.

    free(d) = ready beds now + beds being cleaned now (ready from ``CLEANING_DAYS`` on) + beds of open
    stays whose planned check-out + ``CLEANING_DAYS`` ≤ d. A stay past its planned check-out counts as
    leaving today. Stays without a planned check-out are not expected to free their bed. Suspended
    facilities are left out. ``check_outs`` is the number of planned check-outs on that day.
    """
    today = today or timezone.localdate()
    active = facilities.filter(archived_at__isnull=True).exclude(status=FacilityStatus.SUSPENDED)
    beds = Bed.objects.filter(room__facility__in=active, archived_at__isnull=True, room__archived_at__isnull=True)
    counts = beds.order_by().aggregate(
        ready=Count("pk", filter=Q(status=BedStatus.READY)), cleaning=Count("pk", filter=Q(status=BedStatus.CLEANING))
    )
    planned = (
        open_stays(Stay.objects.filter(facility__in=active, planned_check_out__isnull=False))
        .values("planned_check_out")
        .annotate(n=Count("pk"))
        .order_by()
    )
    leaving: dict[date, int] = defaultdict(int)
    overdue = 0
    for row in planned:
        day = row["planned_check_out"]
        if day < today:
            overdue += row["n"]
            day = today
        leaving[day] += row["n"]
    result = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        free = counts["ready"] + (counts["cleaning"] if offset >= rules.CLEANING_DAYS else 0)
        free += sum(n for left_on, n in leaving.items() if left_on + timedelta(days=rules.CLEANING_DAYS) <= day)
        result.append(ForecastDay(day, free, leaving.get(day, 0), overdue if offset == 0 else 0))
    return result


def svg_forecast(days: list[ForecastDay], *, width: int = 560, height: int = 220) -> str:
    """The forecast as an inline SVG column chart (no JavaScript): expected free beds per day."""
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    left, bottom, top = 44, 36, 14
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max([d.free for d in days] + [1])
    step = plot_w / max(1, len(days))
    bar_w = step * 0.6
    # marked outside the f-strings: makemessages does not look inside them
    title, beds, date_axis = (escape(text) for text in (_("Expected free beds"), _("beds"), _("date")))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'style="max-height: {height * 1.5:.0f}px" '
        f'aria-label="{title}" data-testid="forecast-chart" font-size="12">',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#6c757d"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#6c757d"/>',
        f'<text x="4" y="{top + 4}" fill="#6c757d">{beds}</text>',
        f'<text x="{left + plot_w}" y="{height - 2}" text-anchor="end" fill="#6c757d">{date_axis}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" fill="#6c757d">0</text>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="#6c757d">{peak}</text>',
    ]
    for index, day in enumerate(days):
        h = round(plot_h * day.free / peak)
        x = left + index * step + (step - bar_w) / 2
        colour = "#198754" if day.free > 0 else "#dc3545"
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h}" width="{bar_w:.1f}" height="{h}" fill="{colour}">'
            f"<title>{day.day:%m-%d}: {day.free}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3}" text-anchor="middle">{day.free}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{day.day:%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
