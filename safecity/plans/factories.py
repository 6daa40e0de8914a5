"""Test and demo factories for contingency plans and drills."""

import datetime

import factory

from safecity.core.factories import OrganizationFactory

from .choices import DrillKind, PlanType
from .models import ContingencyPlan, Drill


class ContingencyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContingencyPlan

    title = factory.Sequence(lambda n: f"防台风应急预案{n}")
    plan_type = PlanType.SPECIAL
    category = "natural_disaster"
    owner = factory.SubFactory(OrganizationFactory, region=factory.SelfAttribute("..region"))
    version = "2025版"
    approved_on = datetime.date(2025, 6, 1)
    next_review_on = datetime.date(2028, 6, 1)


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill

    title = factory.Sequence(lambda n: f"防台风桌面推演{n}")
    kind = DrillKind.TABLETOP
    held_on = datetime.date(2026, 5, 20)
    organiser = factory.SubFactory(OrganizationFactory, region=factory.SelfAttribute("..region"))
    headcount = 30
