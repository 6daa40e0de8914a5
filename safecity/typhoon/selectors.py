"""What a response's figures are, derived from the checks — never stored: per vessel, its current position in the
response; per response, the counts of the big numbers; per user, the vessels not yet in port on the home page.
Every count is one query, whatever the number of vessels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from .choices import SAFE_POSITIONS, Position
from .models import TyphoonResponse, Vessel, VesselCheck

#: Filters of the response page's vessel table (``?show=``), each one of the big numbers.
SHOW_CHOICES = ("not_in_port", "at_sea", "unchecked", "overdue", "safe", "crew_not_ashore")

#: At most this many ongoing responses are counted on the home page (a city has one or two at a time).
HOME_RESPONSES = 20

NOT_IN_PORT = Q(check_status__isnull=True) | Q(check_status=Position.AT_SEA)
#: Crew not confirmed ashore: a vessel with a crew whose check does not say it is ashore (no check: unknown, so
#: not confirmed either — "100 % ashore" is only what has been checked).
CREW_NOT_ASHORE = Q(crew_count__gt=0) & (Q(check_crew_ashore__isnull=True) | Q(check_crew_ashore=False))
#: A filter no row passes that still compiles to SQL: ``Q(pk__in=[])`` inside an aggregate's ``filter`` makes
#: Django skip the whole query and answer zero for *every* count.
NOTHING = Q(pk__isnull=True)


def vessels_of(response: TyphoonResponse, user):
    """The vessels of the response's region that ``user`` sees (not archived)."""
    return Vessel.objects.restrict(user, "view").filter(
        archived_at__isnull=True, region__prefix__startswith=response.region.prefix
    )


def with_check(vessels, response: TyphoonResponse):
    """``vessels`` annotated with their current check in ``response``: ``check_status`` (``None``: unchecked),
    ``check_crew_ashore``, ``check_at`` and ``check_note`` — subqueries on the (response, vessel) unique row."""
    current = VesselCheck.objects.filter(response=response, vessel=OuterRef("pk"), archived_at__isnull=True)
    return vessels.annotate(
        check_status=Subquery(current.values("status")[:1], output_field=CharField()),
        check_crew_ashore=Subquery(current.values("crew_ashore")[:1], output_field=BooleanField()),
        check_at=Subquery(current.values("checked_at")[:1], output_field=DateTimeField()),
        check_note=Subquery(current.values("note")[:1], output_field=CharField()),
    )


def overdue_q(response: TyphoonResponse, now: datetime) -> Q:
    """Not yet in port once the port deadline has passed."""
    return NOT_IN_PORT if response.port_deadline_passed(now) else NOTHING


def crew_not_ashore_q(response: TyphoonResponse, now: datetime) -> Q:
    """Crew not confirmed ashore once the ashore deadline has passed."""
    return CREW_NOT_ASHORE if response.ashore_deadline_passed(now) else NOTHING


def show_q(show: str, response: TyphoonResponse, now: datetime) -> Q | None:
    """The filter of one big number (``None`` for an unknown name: no filter)."""
    return {
        "not_in_port": NOT_IN_PORT,
        "at_sea": Q(check_status=Position.AT_SEA),
        "unchecked": Q(check_status__isnull=True),
        "overdue": overdue_q(response, now),
        "safe": Q(check_status__in=SAFE_POSITIONS),
        "crew_not_ashore": crew_not_ashore_q(response, now),
    }.get(show)


def vessel_rows(response: TyphoonResponse, user, *, now: datetime | None = None, show: str = ""):
    """The response page's table: the region's vessels with their current check, not yet in port first."""
    now = now or timezone.now()
    rows = with_check(vessels_of(response, user), response).select_related("region")
    rows = rows.annotate(waiting=Case(When(NOT_IN_PORT, then=Value(0)), default=Value(1)))
    if (q := show_q(show, response, now)) is not None:
        rows = rows.filter(q)
    return rows.order_by("waiting", "region__code", "name", "pk")


@dataclass(frozen=True)
class Summary:
    """A response's big numbers, for the vessels the user sees."""

    total: int
    in_port: int
    sheltering: int
    not_out: int
    at_sea: int
    unchecked: int
    overdue: int
    crew_not_ashore: int

    @property
    def safe(self) -> int:
        """Back in port, sheltering elsewhere or not going out."""
        return self.in_port + self.sheltering + self.not_out

    @property
    def not_in_port(self) -> int:
        return self.at_sea + self.unchecked

    @property
    def safe_percent(self) -> int:
        """Whole percent, rounded down — 100 only when every vessel is safe (none when there is no vessel: 100)."""
        return 100 if not self.total else self.safe * 100 // self.total


def response_summary(response: TyphoonResponse, user, *, now: datetime | None = None) -> Summary:
    """Counts of the vessels in the response's region that ``user`` sees — one query."""
    now = now or timezone.now()
    counts = with_check(vessels_of(response, user), response).aggregate(
        total=Count("pk"),
        in_port=Count("pk", filter=Q(check_status=Position.IN_PORT)),
        sheltering=Count("pk", filter=Q(check_status=Position.SHELTERING)),
        not_out=Count("pk", filter=Q(check_status=Position.NOT_OUT)),
        at_sea=Count("pk", filter=Q(check_status=Position.AT_SEA)),
        unchecked=Count("pk", filter=Q(check_status__isnull=True)),
        overdue=Count("pk", filter=overdue_q(response, now)),
        crew_not_ashore=Count("pk", filter=crew_not_ashore_q(response, now)),
    )
    return Summary(**counts)


@dataclass(frozen=True)
class Waiting:
    """The home page's figures: ongoing responses the user sees, and their vessels not yet in port."""

    responses: list[TyphoonResponse]
    not_in_port: int
    overdue: int


def vessels_waiting(user, *, now: datetime | None = None) -> Waiting:
    """Vessels the user sees not yet in port in at least one ongoing response (each vessel counted once, however
    many responses cover it), and how many of them are past a port deadline. Two queries."""
    now = now or timezone.now()
    responses = list(TyphoonResponse.objects.restrict(user, "view").ongoing().select_related("region")[:HOME_RESPONSES])
    if not responses:
        return Waiting([], 0, 0)
    waiting, late = NOTHING, NOTHING
    for response in responses:
        safe = VesselCheck.objects.filter(
            response_id=response.pk, vessel=OuterRef("pk"), status__in=SAFE_POSITIONS, archived_at__isnull=True
        )
        part = Q(region__prefix__startswith=response.region.prefix) & ~Q(Exists(safe))
        waiting |= part
        if response.port_deadline_passed(now):
            late |= part
    counts = (
        Vessel.objects.restrict(user, "view")
        .filter(archived_at__isnull=True)
        .aggregate(n=Count("pk", filter=waiting), late=Count("pk", filter=late))
    )
    return Waiting(responses, counts["n"], counts["late"])


def supervised(queryset, user):
    """The responses of ``queryset`` whose region lies inside the user's scope: those the user may change, end
    or archive (the supervising side). The others the user sees are above the scope, for reading and checking."""
    from safecity.core.scoping import get_scopes

    scopes = get_scopes(user)
    if scopes.unrestricted:
        return queryset
    q = NOTHING
    for prefix in scopes.prefixes:
        q |= Q(region__prefix__startswith=prefix)
    return queryset.filter(q)


@dataclass(frozen=True)
class Deadline:
    """A deadline as the response page shows it: the time, and a badge in colour *and* words."""

    label: str
    at: datetime | None
    css: str
    word: str


def deadline_state(label: str, at: datetime | None, outstanding: int, now: datetime) -> Deadline:
    """Passed with vessels (or crews) outstanding: red "overdue"; passed with none: green "met"; within the
    hour: orange; later: no badge."""
    from datetime import timedelta

    from django.utils.translation import gettext as _

    if at is None:
        return Deadline(label, None, "", "")
    if at <= now:
        if outstanding:
            return Deadline(label, at, "text-bg-danger", _("overdue"))
        return Deadline(label, at, "text-bg-success", _("met"))
    if at - now <= timedelta(hours=1):
        return Deadline(label, at, "sc-warning-orange", _("due within the hour"))
    return Deadline(label, at, "", "")
