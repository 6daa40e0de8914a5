"""factory-boy factories of the epidemic app (tests, the demo and other apps' tests)."""

from __future__ import annotations

import random
from datetime import date

import factory

from safecity.core.validators import id_check_char
from safecity.geo.models import Region

from .choices import Proximity, Setting, SiteKind
from .models import Disease, ExposureSite, Person, Protocol

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海波宇晨欣怡子涵浩然梓轩"


def make_id_number(rng: random.Random | None = None, *, address: str = "440705", born: date | None = None) -> str:
    """A valid GB 11643 identity number (random birth date and sequence unless given)."""
    rng = rng or random
    born = born or date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{address}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def make_name(rng: random.Random | None = None) -> str:
    rng = rng or random
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def make_mobile(rng: random.Random | None = None) -> str:
    rng = rng or random
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


class DiseaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disease
        django_get_or_create = ("code",)

    code = "test-fever"
    name = factory.LazyAttribute(lambda o: f"测试传染病-{o.code}")
    notifiable_class = "B"


class ProtocolFactory(factory.django.DjangoModelFactory):
    """A protocol with the 9th-edition-like contact definitions (4 days look-back; secondary contacts
    from household, closed workplace, dining and entertainment)."""

    class Meta:
        model = Protocol

    disease = factory.SubFactory(DiseaseFactory)
    version = factory.Sequence(lambda n: f"v{n}")
    title = factory.LazyAttribute(lambda o: f"{o.disease} 防控方案 {o.version}")
    effective_from = date(2020, 1, 1)
    look_back_days = 4
    close_proximities = [Proximity.CLOSE_UNPROTECTED, Proximity.SAME_SPACE]
    secondary_settings = [Setting.HOUSEHOLD, Setting.WORKPLACE, Setting.DINING, Setting.ENTERTAINMENT]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.LazyFunction(make_name)
    id_number = factory.LazyFunction(make_id_number)
    phone = factory.LazyFunction(make_mobile)
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705101000"))


class ExposureSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExposureSite

    kind = SiteKind.PLACE
    name = factory.Sequence(lambda n: f"测试场所{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="440705101000"))
