"""Reads of the follow-up app: who follows a person up, what is due today, what is overdue or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.geo import codes

from .choices import PlanStatus
from .models import FollowUp, ManagementPlan, TestResult


def grid_worker_for(region):
    """The grid worker who follows up persons living in ``region``: an active user holding the grid-worker
    role whose scope is ``region`` itself or its nearest ancestor (grid, village …) that has one. Among
    several at the same level, the one with the fewest active plans. ``None`` when nobody is there."""
    if region is None:
        return None
    User = get_user_model()
    prefixes = [*codes.ancestor_prefixes(region.code), region.prefix]
    users = list(
        User.objects.filter(is_active=True, groups__name=Role.GRID_WORKER, scopes__region__prefix__in=prefixes)
        .distinct()
        .prefetch_related("scopes__region")
    )
    if not users:
        return None
    load = dict(
        ManagementPlan.objects.filter(status=PlanStatus.ACTIVE, assigned_to__in=users)
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
    )
    best, best_key = None, None
    for user in users:
        deepest = max(len(s.region.prefix) for s in user.scopes.all() if s.region.prefix in prefixes)
        key = (-deepest, load.get(user.pk, 0), user.pk)
        if best_key is None or key < best_key:
            best, best_key = user, key
    return best


def plans_for_flags(queryset):
    """Active plans with what the overdue and missed-test checks read, in three queries."""
    return (
        queryset.filter(status=PlanStatus.ACTIVE, archived_at__isnull=True)
        .select_related("person", "person__region", "assigned_to")
        .prefetch_related(
            "steps",
            Prefetch("followups", queryset=FollowUp.objects.filter(archived_at__isnull=True)),
            Prefetch("tests", queryset=TestResult.objects.filter(archived_at__isnull=True)),
        )
    )


def planned_test_dates(plan) -> list[date]:
    return sorted({d for step in plan.steps.all() for d in step.test_dates_as_dates})


def missing_days(plan, today: date, look_back: int | None = None) -> list[date]:
    """Days of the plan before ``today`` with no follow-up recorded (optionally only the last ``look_back`` days)."""
    last = min(plan.end_date, today - timedelta(days=1))
    first = plan.start_date if look_back is None else max(plan.start_date, today - timedelta(days=look_back))
    recorded = {f.day for f in plan.followups.all()}
    days, current = [], first
    while current <= last:
        if current not in recorded:
            days.append(current)
        current += timedelta(days=1)
    return days


def missed_tests(plan, today: date, look_back: int | None = None) -> list[date]:
    """Planned test dates before ``today`` on which no sample was taken."""
    sampled = {t.sampled_on for t in plan.tests.all()}
    first = None if look_back is None else today - timedelta(days=look_back)
    return [d for d in planned_test_dates(plan) if d < today and d not in sampled and (first is None or d >= first)]


@dataclass
class Flag:
    plan: ManagementPlan
    kind: str  # "followup" or "test"
    day: date


def flags(queryset, today: date | None = None, look_back: int | None = None) -> list[Flag]:
    """Overdue follow-ups and missed tests of the active plans in ``queryset`` (already scoped), oldest first."""
    today = today or timezone.localdate()
    found = []
    for plan in plans_for_flags(queryset):
        found.extend(Flag(plan, "followup", d) for d in missing_days(plan, today, look_back))
        found.extend(Flag(plan, "test", d) for d in missed_tests(plan, today, look_back))
    found.sort(key=lambda f: (f.day, f.plan.pk, f.kind))
    return found


@dataclass
class TodayRow:
    plan: ManagementPlan
    day_number: int
    step: object | None
    followup: FollowUp | None
    test_due: bool
    overdue_days: int


def due_today(user, today: date | None = None) -> list[TodayRow]:
    """The active plans ``user`` follows up, with today's record (if made), today's step and test, and how
    many earlier days have no record."""
    today = today or timezone.localdate()
    plans = plans_for_flags(
        ManagementPlan.objects.restrict(user, "view").filter(
            assigned_to=user, start_date__lte=today, end_date__gte=today
        )
    ).order_by("person__region__code", "person__name", "pk")
    rows = []
    for plan in plans:
        todays = next((f for f in plan.followups.all() if f.day == today), None)
        step = next((s for s in plan.steps.all() if s.start_date <= today <= s.end_date), None)
        rows.append(
            TodayRow(
                plan=plan,
                day_number=plan.day_number(today),
                step=step,
                followup=todays,
                test_due=today in planned_test_dates(plan),
                overdue_days=len(missing_days(plan, today)),
            )
        )
    return rows


def my_followup_counts(user, today: date | None = None) -> tuple[int, int]:
    """For the home page's "My work", in one query: how many of the plans ``user`` follows up today
    (:func:`due_today`) have no record for today yet, and how many of the user's active plans have
    earlier days without a record (:func:`missing_days`, as on the overdue page)."""
    from django.db.models import Exists, F, OuterRef, Q

    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    rows = (
        ManagementPlan.objects.restrict(user, "view")
        .filter(assigned_to=user, status=PlanStatus.ACTIVE, archived_at__isnull=True, start_date__lte=today)
        .annotate(
            done_today=Exists(FollowUp.objects.filter(plan=OuterRef("pk"), day=today, archived_at__isnull=True)),
            recorded=Count(
                "followups__day",
                filter=Q(
                    followups__archived_at__isnull=True,
                    followups__day__gte=F("start_date"),
                    followups__day__lte=F("end_date"),
                    followups__day__lt=today,
                ),
                distinct=True,
            ),
        )
        .order_by()
        .values_list("start_date", "end_date", "done_today", "recorded")
    )
    due = late = 0
    for start, end, done_today, recorded in rows:
        if end >= today and not done_today:
            due += 1
        expected = (min(end, yesterday) - start).days + 1
        if recorded < expected:
            late += 1
    return due, late
