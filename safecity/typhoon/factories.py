"""Test and demo factories for vessels and typhoon responses."""

import datetime

import factory
from django.utils import timezone

from safecity.geo.models import Region

from .choices import VesselKind
from .models import TyphoonResponse, Vessel


class VesselFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vessel

    name = factory.Sequence(lambda n: f"粤新会渔{n:05d}")
    registration_number = factory.Sequence(lambda n: f"粤江新渔{n:05d}")
    kind = VesselKind.FISHING
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705101000"))
    home_port = "崖门"
    length_m = "24.50"
    crew_count = 5
    owner_name = "陈大海"
    owner_phone = "13812345678"


class TyphoonResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TyphoonResponse

    title = factory.Sequence(lambda n: f'防御台风"摩羯{n}"')
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705000000"))
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    port_deadline = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(hours=6))
    ashore_deadline = None
