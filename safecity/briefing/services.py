"""Collect one duty day of one post into a briefing: who was on duty, the log, incidents, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from safecity.duty.models import DutyLogEntry, DutyPost, Handover, Shift
from safecity.duty.selectors import duty_day_window
from safecity.incidents.choices import DeadlineState, IncidentStatus
from safecity.incidents.models import Incident, IncidentReport, ReportDeadline


@dataclass
class Briefing:
    post: DutyPost
    day: date
    start: datetime
    end: datetime
    generated_at: datetime
    shifts: list = field(default_factory=list)
    log_entries: list = field(default_factory=list)
    new_incidents: list = field(default_factory=list)
    updated_incidents: list = field(default_factory=list)
    overdue_deadlines: list = field(default_factory=list)
    open_handovers: list = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "log_entries": len(self.log_entries),
            "new_incidents": len(self.new_incidents),
            "updated_incidents": len(self.updated_incidents),
            "overdue": len(self.overdue_deadlines),
            "open_handovers": len(self.open_handovers),
        }


def build_briefing(*, user, post: DutyPost, day: date, now: datetime | None = None) -> Briefing:
    """The briefing of ``post`` for the duty day ``day``, limited to what ``user`` may see.

    Incidents count when they lie in the post's region (and below); "overdue" means still not made
    at the end of the duty day (or now, for today).
    """
    now = now or timezone.now()
    start, end = duty_day_window(post, day)
    cutoff = min(end, now)
    region_q = Q(region__prefix__startswith=post.region.prefix)
    shifts = list(
        Shift.objects.restrict(user, "view")
        .filter(post=post, archived_at__isnull=True, starts_at__lt=end, ends_at__gt=start)
        .select_related("leader")
        .prefetch_related("officers")
        .order_by("starts_at")
    )
    log_entries = list(
        DutyLogEntry.objects.restrict(user, "view")
        .filter(post=post, archived_at__isnull=True, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("recorded_by")
        .order_by("occurred_at")
    )
    incidents = Incident.objects.restrict(user, "view").filter(region_q, archived_at__isnull=True)
    new_incidents = list(incidents.filter(created_at__gte=start, created_at__lt=end).select_related("region"))
    new_ids = {i.pk for i in new_incidents}
    updated_ids = (
        IncidentReport.objects.filter(incident__in=incidents, reported_at__gte=start, reported_at__lt=end)
        .exclude(incident_id__in=new_ids)
        .values_list("incident_id", flat=True)
    )
    updated_incidents = list(incidents.filter(pk__in=set(updated_ids)).select_related("region"))
    deadlines = (
        ReportDeadline.objects.filter(
            incident__in=incidents.filter(status=IncidentStatus.OPEN),
            done_at__isnull=True,
            waived=False,
            window=False,
            due_at__lt=cutoff,
        )
        .select_related("incident")
        .order_by("due_at")
    )
    overdue = [d for d in deadlines if d.state(now=cutoff) == DeadlineState.OVERDUE]
    handovers = list(
        Handover.objects.restrict(user, "view")
        .filter(post=post, archived_at__isnull=True, acknowledged_at__isnull=True, handed_over_at__lt=cutoff)
        .select_related("outgoing", "incoming")
    )
    return Briefing(
        post=post,
        day=day,
        start=start,
        end=end,
        generated_at=now,
        shifts=shifts,
        log_entries=log_entries,
        new_incidents=new_incidents,
        updated_incidents=updated_incidents,
        overdue_deadlines=overdue,
        open_handovers=handovers,
    )
