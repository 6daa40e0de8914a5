"""Demo data of follow-up: management plans for the demo contacts (made by the epidemic demo, if it ran
first), some days of follow-ups and tests, and an incoming assist-investigation request whose persons
partly live in the demo grid worker's grid (so "my follow-ups today" has people on it). Idempotent: no
plan is made once plans exist, and the request is made once."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.accounts.models import User
from safecity.geo.models import Region

from .choices import FollowUpResult, ItemResult, PlanStatus, TestOutcome
from .models import AssistRequest, AssistRequestItem, ManagementPlan

SEED = 5
MAX_PLANS = 40
REFERENCE = "穗协查〔2026〕118号"


def _actor():
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def load_followup() -> dict[str, int]:
    from safecity.epidemic.models import Contact
    from safecity.epidemic.protocols import sync_protocols

    from . import services

    sync_protocols()
    actor = _actor()
    added = {"plans": 0, "followups": 0, "tests": 0, "assist_requests": 0}
    if actor is None or ManagementPlan.objects.exists():
        return added  # no demo accounts yet, or loaded before (or real plans exist): leave them alone
    rng = random.Random(SEED)
    today = timezone.localdate()
    planned: set[int] = set()
    contacts = (
        Contact.objects.filter(archived_at__isnull=True, person__merged_into__isnull=True)
        .select_related("person", "person__region", "case__disease", "protocol")
        .order_by("pk")[: MAX_PLANS * 3]
    )
    for contact in contacts:
        if added["plans"] >= MAX_PLANS or contact.person_id in planned:
            continue
        start = min(max(contact.last_exposed_on + timedelta(days=1), today - timedelta(days=6)), today)
        try:
            plan = services.plan_create(actor=actor, person=contact.person, contact=contact, start=start)
        except ValidationError:
            continue  # the protocol in force prescribes nothing for this class
        planned.add(contact.person_id)
        added["plans"] += 1
        _past_days(plan, actor, rng, today, added)
    added["assist_requests"] = _load_assist_request(actor, rng, added)
    return added


def _past_days(plan, actor, rng, today, added) -> None:
    """Follow-ups and tests of the days already past: most recorded, a few missing (shown as overdue)."""
    from . import services

    day = plan.start_date
    while day < today and day <= plan.end_date:
        if rng.random() < 0.85:
            result = FollowUpResult.WELL if rng.random() < 0.93 else FollowUpResult.NOT_REACHED
            services.followup_record(
                actor=actor,
                plan=plan,
                day=day,
                result=result,
                temperature=f"{rng.uniform(36.1, 37.1):.1f}" if result == FollowUpResult.WELL else None,
            )
            added["followups"] += 1
        day += timedelta(days=1)
    for step in plan.steps.all():
        for test_day in step.test_dates_as_dates:
            if test_day < today and rng.random() < 0.9:
                services.test_record(actor=actor, plan=plan, sampled_on=test_day, result=TestOutcome.NEGATIVE)
                added["tests"] += 1
    if plan.end_date < today - timedelta(days=1):
        ManagementPlan.objects.filter(pk=plan.pk, status=PlanStatus.ACTIVE).update(
            status=PlanStatus.COMPLETED, ended_at=timezone.now()
        )


def _load_assist_request(actor, rng, added) -> int:
    from safecity.epidemic.factories import make_id_number, make_mobile, make_name
    from safecity.epidemic.models import Disease

    county = Region.objects.filter(code="440705000000").first()
    if county is None or AssistRequest.objects.filter(reference_number=REFERENCE).exists():
        return 0
    request = AssistRequest(
        direction="incoming",
        counterpart="广州市疫情防控指挥部流调溯源组",
        reference_number=REFERENCE,
        disease=Disease.objects.filter(code="dengue").first(),
        person_class="close",
        region=county,
        received_at=timezone.now() - timedelta(hours=20),
        notes="与广州市白云区登革热病例共同暴露(同一工地宿舍),请协助落实健康监测。",
    )
    request._history_user = actor
    request.save()
    for index in range(6):
        AssistRequestItem.objects.create(
            request=request,
            name=make_name(rng),
            id_number=make_id_number(rng, address="440705"),
            phone=make_mobile(rng),
            person_class="close",
            reason="同一工地宿舍居住",
            address=f"会城街道某社区{index + 1}巷{rng.randint(1, 40)}号",
            created_by=actor,
        )
    _process_demo_items(actor, request, rng, added)
    return 1


def _process_demo_items(actor, request, rng, added) -> None:
    """Three persons of the request live in the demo grid worker's grid: found and put under the
    protocol's home health monitoring; one has moved away; two are still pending."""
    from .assist import item_process

    worker = User.objects.filter(username="grid-huicheng", is_active=True).first()
    scope = worker.scopes.select_related("region").first() if worker is not None else None
    if scope is None or request.disease is None:
        return
    today = timezone.localdate()
    items = list(request.items.order_by("pk"))
    for index, item in enumerate(items[:3]):
        item_process(
            actor=actor,
            item=item,
            result=ItemResult.CONTROLLED,
            measures="已落实居家健康监测,每日随访体温",
            region=scope.region,
            start_plan=True,
            start=today - timedelta(days=index + 1),
        )
        item.refresh_from_db()
        plan = item.person.management_plans.get(status=PlanStatus.ACTIVE)
        added["plans"] += 1
        _past_days(plan, actor, rng, today, added)
    item_process(actor=actor, item=items[3], result=ItemResult.NOT_IN_JURISDICTION, measures="经核实已搬离本市")
