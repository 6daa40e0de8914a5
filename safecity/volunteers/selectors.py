"""Read-side queries of the volunteers app: service hours per volunteer over a period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from safecity.core.masking import mask_id_number

from .models import Participation, TeamMembership, Volunteer


@dataclass
class HoursRow:
    volunteer: Volunteer
    teams: list[str] = field(default_factory=list)
    deployments: int = 0
    hours: Decimal = Decimal("0")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.volunteer.id_number)


def _bounds(start: date | None, end: date | None) -> Q:
    q = Q(deployment__archived_at__isnull=True)
    if start:
        q &= Q(deployment__starts_at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end:
        q &= Q(deployment__starts_at__lt=timezone.make_aware(datetime.combine(end, time.max)))
    return q


def hours_by_volunteer(volunteers, *, start: date | None = None, end: date | None = None) -> list[HoursRow]:
    """For each of ``volunteers`` (already scoped) who served in the period: their teams, deployments and hours.

    A deployment counts in the period in which it starts. Three queries, whatever the number of volunteers.
    """
    period = _bounds(start, end)
    totals = (
        Participation.objects.filter(period, volunteer__in=volunteers, archived_at__isnull=True)
        .values("volunteer_id")
        .annotate(deployments=Count("deployment", distinct=True), hours=Sum("hours"))
        .order_by()
    )
    by_id = {row["volunteer_id"]: row for row in totals}
    people = Volunteer.objects.filter(pk__in=by_id).select_related("region").order_by("region__code", "name", "pk")
    teams: dict[int, list[str]] = {}
    for volunteer_id, team in (
        TeamMembership.objects.filter(volunteer_id__in=by_id, left_on__isnull=True, archived_at__isnull=True)
        .order_by("team__name")
        .values_list("volunteer_id", "team__name")
    ):
        teams.setdefault(volunteer_id, []).append(team)
    return [
        HoursRow(
            volunteer=person,
            teams=teams.get(person.pk, []),
            deployments=by_id[person.pk]["deployments"],
            hours=by_id[person.pk]["hours"] or Decimal("0"),
        )
        for person in people
    ]


def total_hours(volunteer: Volunteer) -> Decimal:
    """All confirmed-or-recorded service hours of one volunteer."""
    value = volunteer.participations.filter(archived_at__isnull=True, deployment__archived_at__isnull=True).aggregate(
        total=Sum("hours")
    )["total"]
    return value or Decimal("0")
