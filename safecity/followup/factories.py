"""Helpers for tests and the demo: a test disease with a 9th-edition-like protocol, persons, plans."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safecity.accounts.models import User
from safecity.epidemic.factories import DiseaseFactory, PersonFactory, ProtocolFactory
from safecity.epidemic.models import ProtocolMeasure

#: close: 7 days facility quarantine (tests 1, 2, 3, 5, 7) + 3 days home monitoring (test 3); secondary: 7 days home.
NINTH_LIKE = [
    ("close", 1, "facility_quarantine", 7, [1, 2, 3, 5, 7]),
    ("close", 2, "home_monitoring", 3, [3]),
    ("secondary", 1, "home_quarantine", 7, [1, 4, 7]),
    ("arrival_high", 1, "facility_quarantine", 7, [1, 2, 3, 5, 7]),
]


def protocol_with_measures(*, disease=None, version: str = "", effective_from: date = date(2020, 1, 1), measures=None):
    from safecity.epidemic.models import Protocol

    disease = disease or DiseaseFactory()
    version = version or f"t{Protocol.objects.filter(disease=disease).count() + 1}"
    protocol = ProtocolFactory(disease=disease, version=version, effective_from=effective_from)
    for person_class, step, measure, days, tests in measures if measures is not None else NINTH_LIKE:
        ProtocolMeasure.objects.create(
            protocol=protocol, person_class=person_class, step=step, measure=measure, days=days, test_days=tests
        )
    return protocol


def default_protocol():
    """The test disease's protocol (made once per test)."""
    from safecity.epidemic.models import Protocol

    existing = Protocol.objects.filter(disease__code="test-fever", measures__isnull=False).order_by("pk").first()
    return existing or protocol_with_measures()


def system_actor() -> User:
    """A superuser for set-up steps in tests and the demo."""
    user, created = User.objects.get_or_create(username="followup-system", defaults={"is_superuser": True})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def make_plan(*, region, protocol=None, person_class: str = "close", start: date | None = None, actor=None, **person):
    from .services import plan_create

    protocol = protocol or default_protocol()
    start = start or timezone.localdate() - timedelta(days=2)
    return plan_create(
        actor=actor or system_actor(),
        person=PersonFactory(region=region, **person),
        person_class=person_class,
        disease=protocol.disease,
        start=start,
    )
