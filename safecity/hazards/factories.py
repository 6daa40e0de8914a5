"""Test and demo factories for inspection targets and hazards."""

import datetime

import factory

from .choices import TargetCategory
from .models import Campaign, Hazard, InspectionTarget, InspectionTeam


class InspectionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionTarget

    name = factory.Sequence(lambda n: f"检查对象{n}")
    category = TargetCategory.THREE_IN_ONE


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    target = factory.SubFactory(InspectionTargetFactory)
    region = factory.SelfAttribute("target.region")
    title = factory.Sequence(lambda n: f"疏散通道堵塞{n}")


class InspectionTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionTeam

    name = factory.Sequence(lambda n: f"交叉检查组{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"三合一场所专项整治{n}")
    starts_on = datetime.date(2026, 3, 1)
    ends_on = datetime.date(2026, 5, 31)
    categories = factory.LazyFunction(lambda: [TargetCategory.THREE_IN_ONE])

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        """The area: the given regions (the organising region becomes their common region), else ``region``."""
        if not create:
            return
        if extracted:
            from .models import common_region

            self.regions.set(extracted)
            self.region = common_region(extracted)
            self.save(update_fields=["region"])
        else:
            self.regions.set([self.region])
