"""Privacy purge (PIPL: kept for the shortest time necessary): anonymise the personal data of persons
whose records are all closed for longer than their protocol's ``retention_days``.

A person is purged when they have at least one case or management plan, none of them is still open
(a case is closed or archived; a plan is completed, converted, ended early or archived), and the last
of them closed more than ``retention_days`` ago — the longest retention among the protocols of their
cases and plans (a case without a protocol counts with :data:`DEFAULT_RETENTION_DAYS`).

What is kept, for statistics: the row itself and every link (cases, exposures, contacts, chains),
sex, the birth year (the birth date becomes 1 January of that year) and the region. What goes: the
name (replaced by a pseudonym ``匿名-<id>``), identity number, phone, address and notes — in the
person row, in *every historical version* of it (django-simple-history keeps old values, so a purge
that left them would not be one), in the rows of persons merged into it, and in the
assist-investigation request rows matched to it (as given by the other side). Each purge is logged
(logger ``safecity.privacy``): which person ids, under which retention, when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .models import Person

logger = logging.getLogger("safecity.privacy")

PSEUDONYM_PREFIX = "匿名-"
DEFAULT_RETENTION_DAYS = 180


def pseudonym(person_id: int) -> str:
    return f"{PSEUDONYM_PREFIX}{person_id}"


@dataclass
class Candidate:
    person_id: int
    retention_days: int
    closed_at: datetime


@dataclass
class PurgeResult:
    candidates: list[Candidate] = field(default_factory=list)
    persons: int = 0
    person_versions: int = 0
    merged_persons: int = 0
    assist_items: int = 0
    dry_run: bool = False


def _plans_model():
    return apps.get_model("followup", "ManagementPlan") if apps.is_installed("safecity.followup") else None


def candidates(now: datetime | None = None) -> list[Candidate]:
    """Persons whose every case and plan closed longer ago than the retention period (not yet purged)."""
    now = now or timezone.now()
    Plan = _plans_model()
    people = Person.objects.filter(merged_into__isnull=True).exclude(name__startswith=PSEUDONYM_PREFIX)
    with_records = people.filter(cases__isnull=False)
    if Plan is not None:
        with_records = with_records | people.filter(management_plans__isnull=False)
    ids = set(with_records.values_list("pk", flat=True))
    ends: dict[int, list[datetime | None]] = {pk: [] for pk in ids}
    retention: dict[int, int] = dict.fromkeys(ids, 0)
    from .models import Case

    for person_id, closed, archived, days in Case.objects.filter(person_id__in=ids).values_list(
        "person_id", "closed_at", "archived_at", "protocol__retention_days"
    ):
        ends[person_id].append(closed or archived)
        retention[person_id] = max(retention[person_id], days or DEFAULT_RETENTION_DAYS)
    if Plan is not None:
        for person_id, ended, archived, days in Plan.objects.filter(person_id__in=ids).values_list(
            "person_id", "ended_at", "archived_at", "protocol__retention_days"
        ):
            ends[person_id].append(ended or archived)
            retention[person_id] = max(retention[person_id], days or DEFAULT_RETENTION_DAYS)
    found = []
    for person_id in sorted(ids):
        if not ends[person_id] or any(end is None for end in ends[person_id]):
            continue  # something is still open
        closed_at = max(ends[person_id])
        if closed_at + timedelta(days=retention[person_id]) < now:
            found.append(Candidate(person_id, retention[person_id], closed_at))
    return found


def _anonymise_person_rows(person_ids: list[int]) -> int:
    """Anonymise the current rows and every historical version of these persons. Returns versions changed."""
    history = Person.history.model
    versions = 0
    for person in Person.objects.filter(pk__in=person_ids):
        born = date(person.birth_date.year, 1, 1) if person.birth_date else None
        person.name = pseudonym(person.pk)
        person.id_number = ""
        person.phone = ""
        person.address = ""
        person.notes = ""
        person.birth_date = born
        person._change_reason = "personal data purged"
        person._history_user = None
        person.save()
        versions += history.objects.filter(id=person.pk).update(
            name=pseudonym(person.pk), id_number="", phone="", address="", notes="", birth_date=born
        )
    return versions


def _anonymise_assist_items(person_ids: list[int]) -> int:
    if not apps.is_installed("safecity.followup"):
        return 0
    Item = apps.get_model("followup", "AssistRequestItem")
    count = 0
    for item_id, person_id in Item.objects.filter(person_id__in=person_ids).values_list("pk", "person_id"):
        values = {"name": pseudonym(person_id), "id_number": "", "phone": "", "address": "", "reason": ""}
        count += Item.objects.filter(pk=item_id).update(**values)
        Item.history.model.objects.filter(id=item_id).update(**values)
    return count


def purge_personal_data(*, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    """Anonymise every person past retention (see the module docstring). ``dry_run`` only counts."""
    result = PurgeResult(candidates=candidates(now), dry_run=dry_run)
    ids = [c.person_id for c in result.candidates]
    merged = list(Person.objects.filter(merged_into_id__in=ids).values_list("pk", flat=True)) if ids else []
    if dry_run or not ids:
        result.persons, result.merged_persons = len(ids), len(merged)
        return result
    with transaction.atomic():
        result.person_versions = _anonymise_person_rows(ids + merged)
        result.assist_items = _anonymise_assist_items(ids + merged)
        result.persons, result.merged_persons = len(ids), len(merged)
        for candidate in result.candidates:
            logger.info(
                "personal data purged: person #%s (retention %s days, last record closed %s)",
                candidate.person_id,
                candidate.retention_days,
                f"{timezone.localtime(candidate.closed_at):%Y-%m-%d}",
            )
        if merged:
            logger.info("personal data purged: merged duplicate persons %s", ", ".join(f"#{pk}" for pk in merged))
    return result
