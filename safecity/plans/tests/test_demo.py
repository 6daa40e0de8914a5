"""The demo plans, drills and tasks load once, with something in every state the pages show."""

import random

from django.utils import timezone
from faker import Faker

from safecity import demo
from safecity.plans.demo import load_plans
from safecity.plans.models import ContingencyPlan, Drill, DrillProblem
from safecity.plans.selectors import drill_overdue_q, review_due_q, with_last_drill
from safecity.tasks.choices import TaskStatus
from safecity.tasks.demo import load_tasks
from safecity.tasks.models import Task


def test_demo_plans_drills_and_tasks_load_once_in_every_state(db):
    rng = random.Random(demo.SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(demo.SEED)
    demo.load_regions(rng)
    demo.load_organizations(rng, fake)
    demo.load_accounts("Demo-pass-2026")
    added = load_plans()
    assert added["plans"] == 7 + 7 * 3 and added["drills"] == 3 and added["problems"] == 6
    assert load_tasks() == 6
    assert load_plans() == {"plans": 0, "drills": 0, "problems": 0} and load_tasks() == 0
    assert all(p.task is not None for p in DrillProblem.objects.select_related("task"))
    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses == set(TaskStatus.values)
    assert Task.objects.overdue(timezone.localdate()).exists()
    assert ContingencyPlan.objects.filter(review_due_q()).exists()
    assert with_last_drill(ContingencyPlan.objects.all()).filter(drill_overdue_q()).exists()
    assert Drill.objects.filter(plan__region__code="440700000000", region__code="440781000000").exists()
