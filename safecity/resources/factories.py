"""factory-boy factories of the resources app (tests and the demo)."""

from __future__ import annotations

import factory

from safecity.geo.models import Region

from .choices import DepotKind, ItemCategory
from .models import Depot, Item, ReserveStandard


class DepotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Depot

    name = factory.Sequence(lambda n: f"测试应急物资储备库{n}")
    kind = DepotKind.GOVERNMENT
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705101000"))
    address = "测试路1号"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试物资{n}")
    category = ItemCategory.LIFE
    unit = "件"
    shelf_life_days = 730


class ReserveStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReserveStandard

    item = factory.SubFactory(ItemFactory)
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705000000"))
    minimum = 100
