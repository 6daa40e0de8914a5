"""Reads of plans and drills: the last drill of each plan, "drill overdue" as a query, a drill's problem summary."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from safecity.tasks.choices import TaskStatus

from .choices import PlanStatus
from .models import add_months
from .rules import setting


def with_last_drill(plans: QuerySet) -> QuerySet:
    """Annotate ``last_drill_on``: the date of the plan's latest drill that is not archived."""
    annotated = plans.annotate(last_drill_on=Max("drills__held_on", filter=Q(drills__archived_at__isnull=True)))
    # Django leaves Meta.ordering out of GROUP BY queries: keep the list's order (and stable pages).
    return annotated if annotated.query.order_by else annotated.order_by(*plans.model._meta.ordering, "pk")


def drill_overdue_q(today: date | None = None) -> Q:
    """In force, approved before the interval began, and no drill within it (needs :func:`with_last_drill`)."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for plan_type, months in setting("DRILL_MONTHS").items():
        since = add_months(today, -months)
        q |= Q(plan_type=plan_type, approved_on__lte=since) & (
            Q(last_drill_on__isnull=True) | Q(last_drill_on__lt=since)
        )
    return Q(status=PlanStatus.IN_FORCE) & q


def review_due_q(today: date | None = None) -> Q:
    """In force with the review date within the alert window or past."""
    from datetime import timedelta

    today = today or timezone.localdate()
    return Q(status=PlanStatus.IN_FORCE, next_review_on__lte=today + timedelta(days=setting("REVIEW_ALERT_DAYS")))


def problem_summary(problems, today: date | None = None) -> dict[str, int]:
    """``{"total", "done", "overdue", "open"}`` over problems with their tasks loaded."""
    today = today or timezone.localdate()
    summary = {"total": 0, "done": 0, "overdue": 0, "open": 0, "cancelled": 0}
    for problem in problems:
        summary["total"] += 1
        task = problem.task
        if task is None:
            continue
        if task.status == TaskStatus.DONE:
            summary["done"] += 1
        elif task.status == TaskStatus.CANCELLED:
            summary["cancelled"] += 1
        elif task.is_overdue(today):
            summary["overdue"] += 1
        else:
            summary["open"] += 1
    return summary


def activation_tasks(activation, user) -> list:
    """The tasks an activation handed out that ``user`` may see, with their units (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from safecity.tasks.models import Task

    return list(
        Task.objects.restrict(user, "view")
        .filter(source_type=ContentType.objects.get_for_model(type(activation)), source_id=activation.pk)
        .select_related("responsible_organization")
        .order_by("deadline", "id")
    )
