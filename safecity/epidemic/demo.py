"""Demo epidemic data for the Jiangmen demo city: two transmission chains recorded through the
services exactly as investigators would (persons deduplicated, cases, exposures), so chains and
contacts are computed, not typed:

* a dengue chain in Xinhui: mosquito-borne exposures at a market and a building site (sites join the
  chain; dengue's protocol defines no person-to-person contacts);
* a chain of a novel respiratory disease (a drill disease, with a protocol version like the 2022
  close-contact rules) starting at a family dinner in Xinhui and crossing into Taishan through a
  workplace: cases over three generations, close and secondary contacts.

About 200 persons. Idempotent: a chain whose demo name exists is left as it is.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import services
from .choices import CaseSource, Classification, MeasureKind, Proximity, Setting, SiteKind
from .factories import make_id_number, make_mobile, make_name
from .models import Cluster, Disease, ExposureSite, Person, Protocol, ProtocolMeasure

SEED = 20260329
DENGUE_NAME = "新会区登革热聚集性疫情（演示）"
RESP_NAME = "家庭聚餐关联新发呼吸道传染病疫情（演示）"
RESP_DISEASE = ("novel-resp", "新发呼吸道传染病（演练用）")

#: The drill disease's protocol: close contacts from 4 days before onset; secondary contacts from
#: household, closed workplace, dining and entertainment; measures as data.
RESP_MEASURES = [
    ("close", 1, MeasureKind.FACILITY_QUARANTINE, 7, [1, 2, 3, 5, 7]),
    ("close", 2, MeasureKind.HOME_MONITORING, 3, [3]),
    ("secondary", 1, MeasureKind.HOME_QUARANTINE, 7, [1, 4, 7]),
]


def _towns(county_code: str) -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.TOWN, code__startswith=county_code[:6]).order_by("code")[:6])


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def _resp_disease() -> Disease:
    code, name = RESP_DISEASE
    disease, _ = Disease.objects.get_or_create(code=code, defaults={"name": name, "notifiable_class": "B"})
    protocol, created = Protocol.objects.get_or_create(
        disease=disease,
        version="演练-1",
        defaults={
            "title": f"{name}防控方案（演练版）",
            "effective_from": timezone.localdate() - timedelta(days=365),
            "look_back_days": 4,
            "close_proximities": [Proximity.CLOSE_UNPROTECTED, Proximity.SAME_SPACE],
            "secondary_settings": [Setting.HOUSEHOLD, Setting.WORKPLACE, Setting.DINING, Setting.ENTERTAINMENT],
            "retention_days": 180,
            "notes": "演示数据：一种新发传染病按数据配置接触者判定和管控措施，不改代码。",
        },
    )
    if created:
        for person_class, step, measure, days, test_days in RESP_MEASURES:
            ProtocolMeasure.objects.create(
                protocol=protocol, person_class=person_class, step=step, measure=measure, days=days, test_days=test_days
            )
    return disease


class _Builder:
    def __init__(self, actor, rng: random.Random):
        self.actor, self.rng = actor, rng
        # the cases' timeliness varies (the four earlies page shows spread, and a few breaches): its own
        # generator, so the persons' names and numbers stay what they were
        self.timing = random.Random(SEED + 1)
        self.count = 0

    def person(self, town: Region) -> Person:
        address = town.code[:6]
        person, _ = services.person_find_or_create(
            actor=self.actor,
            name=make_name(self.rng),
            id_number=make_id_number(self.rng, address=address),
            phone=make_mobile(self.rng),
            region=town,
            address=f"{town.name}{self.rng.randint(1, 200)}号",
        )
        self.count += 1
        return person

    def expose(self, person, source, day, setting, proximity):
        kwargs = {"source_site": source} if isinstance(source, ExposureSite) else {"source_person": source}
        return services.exposure_record(
            actor=self.actor, person=person, exposed_on=day, setting=setting, proximity=proximity, **kwargs
        )

    def case(self, person, disease, onset, *, source=CaseSource.FEVER_CLINIC, place="", classification=None):
        """A case with the times of the four earlies; mostly within the limits (2 h to report, 12 h to
        isolate, 48 h from onset to treatment), now and then not — as in a real week. At most 60 hours from
        onset to treatment, so a case with onset three days ago has all its times in the past."""
        pick = self.timing.choices
        onset_at = _at(onset, 8)
        detected_at = onset_at + timedelta(hours=pick([18, 24, 30, 40], weights=[3, 4, 3, 1])[0])
        reported_at = detected_at + timedelta(minutes=pick([35, 60, 90, 110, 160], weights=[3, 4, 3, 2, 1])[0])
        isolated_at = reported_at + timedelta(hours=pick([2, 4, 6, 9, 15], weights=[3, 4, 3, 2, 1])[0])
        return services.case_create(
            actor=self.actor,
            person=person,
            disease=disease,
            classification=classification or Classification.CONFIRMED,
            source=source,
            onset_at=onset_at,
            sampled_at=detected_at - timedelta(hours=6),
            detected_at=detected_at,
            reported_at=reported_at,
            isolated_at=isolated_at,
            treated_at=isolated_at + timedelta(hours=1),
            place=place,
        )


def load_dengue(builder: _Builder, towns: list[Region]) -> int:
    disease = Disease.objects.filter(code="dengue").first()
    if disease is None or Cluster.objects.filter(name=DENGUE_NAME).exists():
        return 0
    today = timezone.localdate()
    market = ExposureSite.objects.create(
        kind=SiteKind.PLACE,
        name="会城农贸市场",
        region=towns[0],
        address=f"{towns[0].name}市场路1号",
        started_at=_at(today - timedelta(days=20)),
        ended_at=_at(today - timedelta(days=5)),
    )
    building = ExposureSite.objects.create(
        kind=SiteKind.PLACE,
        name="城南在建工地",
        region=towns[1 % len(towns)],
        address="城南大道工地",
        started_at=_at(today - timedelta(days=18)),
    )
    persons = []
    for i in range(60):
        town = towns[i % min(3, len(towns))]
        person = builder.person(town)
        site = market if i % 3 else building
        builder.expose(person, site, today - timedelta(days=18 - i % 12), Setting.MOSQUITO, Proximity.SAME_SPACE)
        persons.append(person)
    for i, person in enumerate(persons[:9]):
        builder.case(person, disease, today - timedelta(days=14 - i), place=f"{person.region.name}卫生院")
    builder.expose(persons[40], persons[0], today - timedelta(days=12), Setting.HOUSEHOLD, Proximity.CLOSE_UNPROTECTED)
    cluster = Person.objects.get(pk=persons[0].pk).cluster
    Cluster.objects.filter(pk=cluster.pk).update(name=DENGUE_NAME)
    return len(persons)


def load_respiratory(builder: _Builder, xinhui: list[Region], taishan: list[Region]) -> int:
    if Cluster.objects.filter(name=RESP_NAME).exists():
        return 0
    disease = _resp_disease()
    rng = builder.rng
    today = timezone.localdate()
    restaurant = ExposureSite.objects.create(
        kind=SiteKind.EVENT,
        name="会城某酒家家庭聚餐",
        region=xinhui[0],
        address=f"{xinhui[0].name}人民路18号",
        started_at=_at(today - timedelta(days=12), 18),
        ended_at=_at(today - timedelta(days=12), 21),
    )
    index = builder.person(xinhui[0])
    builder.case(index, disease, today - timedelta(days=10), place="江门市中心医院发热门诊")
    made = 1
    # generation 1: household and dinner guests of the index case
    close = []
    for i in range(14):
        person = builder.person(xinhui[i % 2])
        setting = Setting.HOUSEHOLD if i < 4 else Setting.DINING
        builder.expose(person, index, today - timedelta(days=12 - (i < 4)), setting, Proximity.CLOSE_UNPROTECTED)
        if i >= 4:
            builder.expose(person, restaurant, today - timedelta(days=12), Setting.DINING, Proximity.SAME_SPACE)
        close.append(person)
        made += 1
    # generation 2: the close contacts' households and workplaces (secondary contacts), one in Taishan
    seconds = []
    for i, contact in enumerate(close):
        for j in range(rng.randint(3, 6)):
            town = taishan[j % len(taishan)] if i == 5 else xinhui[(i + j) % len(xinhui)]
            person = builder.person(town)
            setting = [Setting.HOUSEHOLD, Setting.WORKPLACE, Setting.ENTERTAINMENT][j % 3]
            builder.expose(person, contact, today - timedelta(days=11 - j % 3), setting, Proximity.SAME_SPACE)
            seconds.append(person)
            made += 1
    # two close contacts fall ill: their contacts become close contacts of the new cases (any depth)
    for contact, days_ago in ((close[1], 7), (close[5], 6)):
        builder.case(
            contact, disease, today - timedelta(days=days_ago), source=CaseSource.CONTACT_MANAGEMENT, place="集中隔离点"
        )
    # generation 3: a Taishan workplace around the second-generation case's colleague
    colleague = next(p for p in seconds if p.region.code.startswith(taishan[0].code[:6]))
    builder.case(
        colleague, disease, today - timedelta(days=3), source=CaseSource.COMMUNITY_TESTING, place="台城街道核酸检测点"
    )
    for j in range(60):
        person = builder.person(taishan[j % len(taishan)])
        setting = Setting.WORKPLACE if j % 4 else Setting.HOUSEHOLD
        proximity = Proximity.SAME_SPACE if j % 5 else Proximity.DISTANT
        builder.expose(person, colleague, today - timedelta(days=4 - j % 3), setting, proximity)
        made += 1
    # a suspected case that testing excluded
    doubt = seconds[3]
    case = builder.case(
        doubt, disease, today - timedelta(days=5), classification=Classification.SUSPECTED, source=CaseSource.SCREENING
    )
    services.case_classify(
        actor=builder.actor, case=case, classification=Classification.EXCLUDED, reason="两次核酸检测阴性"
    )
    cluster = Person.objects.get(pk=index.pk).cluster
    Cluster.objects.filter(pk=cluster.pk).update(name=RESP_NAME)
    return made


def load_epidemic() -> dict[str, int]:
    """Load (or complete) the demo epidemic data. Returns how many persons each chain added."""
    actor = User.objects.filter(username="admin").first()
    if actor is None:
        return {"dengue": 0, "respiratory": 0}
    rng = random.Random(SEED)
    xinhui, taishan = _towns("440705"), _towns("440781")
    if not xinhui or not taishan:
        return {"dengue": 0, "respiratory": 0}
    builder = _Builder(actor, rng)
    with transaction.atomic():
        dengue = load_dengue(builder, xinhui)
        respiratory = load_respiratory(builder, xinhui, taishan)
    return {"dengue": dengue, "respiratory": respiratory}
