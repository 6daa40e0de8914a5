"""Test and demo factories for tasks."""

import datetime

import factory
from django.utils import timezone

from safecity.core.factories import OrganizationFactory

from .models import Task


class TaskFactory(factory.django.DjangoModelFactory):
    """A saved open task (bypassing the services: for tests that need one in place)."""

    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"落实防汛物资储备检查{n}")
    responsible_organization = factory.SubFactory(OrganizationFactory)
    region = factory.SelfAttribute("responsible_organization.region")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
