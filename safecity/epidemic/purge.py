"""Privacy purge (PIPL: kept for the shortest time necessary): anonymise the personal data of persons
whose records are all closed — or who were only ever screened, or only contacts of cases now closed —
for longer than the retention period.

Who is purged — three rules:

* **Closed records.** A person with at least one record — a case, a management plan or a quarantine
  stay — none of them still open (a case is closed or archived; a plan is completed, converted, ended
  early or archived; a stay is checked out or cancelled), the last of them closed more than
  ``retention_days`` ago: the longest retention among the protocols of their cases, of their plans and
  of the plans their stays belong to (a record without a protocol counts with
  :data:`DEFAULT_RETENTION_DAYS`, the protocol's own default).
* **Screened only.** A person with no case, no contact row, no management plan and no quarantine stay
  (only screened, imported or entered) whose last change is older than the retention period: the
  person unchanged for longer than the longest ``retention_days`` of the protocols *in force* on the
  day of the purge (per disease, the version :func:`~safecity.epidemic.protocols.protocol_for` would
  pick; archived versions do not count), or :data:`DEFAULT_RETENTION_DAYS` when no protocol is in
  force. Such a person has no protocol of their own, so the longest one that could still apply to them
  is used.
* **Contact only.** A person with at least one contact row but no case of their own, no management plan
  and no quarantine stay, when every contact row of theirs that is not archived belongs to an index
  case that is closed (``closed_at`` set, or the case archived), and the latest of — over their contact
  rows — the case's closing (for an archived row: the earlier of that and the row's archiving), the
  row's last exposure date (the end of that day), and the person's last change is older than the
  retention: the longest ``retention_days`` among the protocols of those index cases (archived rows
  included; a case without a protocol counts with :data:`DEFAULT_RETENTION_DAYS`). A contact of a case
  still open is kept, whatever their other rows.

A person's *last change* (screened only, contact only) is the latest ``updated_at`` of the person row,
of every exposure they are in (exposed or as the source), of the persons merged into them and of the
assist-request rows matched to them.

Under every rule a person is kept while a quarantine stay of theirs is open, while they are a person
of an assist-investigation request that is not done (archived requests do not count), or while they
are a contact (a row not archived) of a case that is still open — their own closed case does not end an
investigation they are part of.

What is kept, for statistics: the row itself and every link (cases, exposures, contacts, chains),
sex, the birth year (the birth date becomes 1 January of that year) and the region. What goes: the
name (replaced by a pseudonym ``匿名-<id>``), identity number, phone, address and notes — in the
person row, in *every historical version* of it (django-simple-history keeps old values, so a purge
that left them would not be one), in the rows of persons merged into it, and in the
assist-investigation request rows matched to it (as given by the other side: name, identity number,
phone, address, reason, where they left for, measures taken). Free text that may describe the person
is emptied too, in the current rows and in all their historical versions (:data:`FREE_TEXT`): the notes
of their exposures (the ones they were exposed in), the notes and "where found" of their cases, the
notes and reason for ending of their management plans, the notes of their follow-ups and tests, and
the notes of their quarantine stays. Texts about several persons (a request's, a chain's or a site's
notes) are not per person and stay.

Each purge is logged (logger ``safecity.privacy``): which person ids, under which rule (:data:`RULES`)
and retention, counted from when. ``dry_run`` counts everything that would change (persons — and how
many only screened, only contacts —, merged duplicates, history versions, assist-request rows, rows
with free text) and writes nothing. The work is done in batches of :data:`BATCH` persons, each in
its own transaction, so a purge of a million screened persons neither holds one huge transaction nor
exceeds the database's limit on query parameters; a purge interrupted half-way is simply run again
(purged persons carry the pseudonym and are skipped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from .models import Case, Contact, Exposure, Person, Protocol

logger = logging.getLogger("safecity.privacy")

PSEUDONYM_PREFIX = "匿名-"
DEFAULT_RETENTION_DAYS = 180
BATCH = 500

RULE_CLOSED = "closed records"
RULE_SCREENED = "screened only"
RULE_CONTACT = "contact only"
#: rule → what its candidates' ``closed_at`` is the last of (for the log line)
RULES = {
    RULE_CLOSED: "record closed",
    RULE_SCREENED: "change",
    RULE_CONTACT: "case closed, exposure or change",
}

#: Free-text fields emptied for purged persons: (app, model, path from the row to the person, fields).
FREE_TEXT: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("epidemic", "Exposure", "person", ("note",)),
    ("epidemic", "Case", "person", ("notes", "place")),
    ("followup", "ManagementPlan", "person", ("notes", "end_reason")),
    ("followup", "FollowUp", "plan__person", ("note",)),
    ("followup", "TestResult", "plan__person", ("note",)),
    ("quarantine", "Stay", "person", ("note",)),
]

#: Fields of an assist-request row (as the other side gave the person, and what we found) that are emptied.
ASSIST_ITEM_FIELDS = ("id_number", "phone", "address", "reason", "left_for", "measures")


def pseudonym(person_id: int) -> str:
    return f"{PSEUDONYM_PREFIX}{person_id}"


@dataclass
class Candidate:
    person_id: int
    retention_days: int
    #: when the last record closed (closed records), the person last changed (screened only), or the latest
    #: of case closed, last exposure and last change (contact only) — the retention runs from here
    closed_at: datetime
    rule: str = RULE_CLOSED


@dataclass
class PurgeResult:
    candidates: list[Candidate] = field(default_factory=list)
    persons: int = 0
    #: of ``persons``, those purged by the screened-only rule
    screened_persons: int = 0
    #: of ``persons``, those purged by the contact-only rule
    contact_persons: int = 0
    person_versions: int = 0
    merged_persons: int = 0
    assist_items: int = 0
    #: "Model.field/field" → current rows whose text is (or would be) emptied
    free_text: dict[str, int] = field(default_factory=dict)
    #: historical versions whose text is (or would be) emptied, all models together
    free_text_versions: int = 0
    dry_run: bool = False


def _model(app_label: str, name: str):
    return apps.get_model(app_label, name) if apps.is_installed(f"safecity.{app_label}") else None


def _plans_model():
    return _model("followup", "ManagementPlan")


def _batches(ids: list[int], size: int = BATCH):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def retention_in_force(on: date) -> int:
    """The longest ``retention_days`` of the protocol versions in force ``on`` that day — per disease the
    latest version that had started and not ended, as ``protocols.protocol_for`` picks it —, or
    :data:`DEFAULT_RETENTION_DAYS` when none is."""
    current: dict[int, Protocol] = {}
    versions = (
        Protocol.objects.filter(effective_from__lte=on, archived_at__isnull=True)
        .exclude(effective_until__lt=on)
        .order_by("disease_id", "-effective_from", "-pk")
    )
    for protocol in versions:
        current.setdefault(protocol.disease_id, protocol)
    return max((p.retention_days for p in current.values()), default=DEFAULT_RETENTION_DAYS)


def _kept_q() -> Q | None:
    """Persons kept whatever their records say: an open quarantine stay, a person of an open assist request, a
    contact of an open case."""
    kept = [
        Exists(
            Contact.objects.filter(
                person=OuterRef("pk"),
                archived_at__isnull=True,
                case__closed_at__isnull=True,
                case__archived_at__isnull=True,
            )
        )
    ]
    Stay = _model("quarantine", "Stay")
    if Stay is not None:
        kept.append(
            Exists(Stay.objects.filter(person=OuterRef("pk"), checked_out_at__isnull=True, archived_at__isnull=True))
        )
    Item = _model("followup", "AssistRequestItem")
    if Item is not None:
        open_requests = Item.objects.filter(person=OuterRef("pk"), request__archived_at__isnull=True)
        kept.append(Exists(open_requests.exclude(request__status="done")))
    return _any(kept)


def _any(conditions) -> Q | None:
    combined = None
    for condition in conditions:
        combined = Q(condition) if combined is None else combined | Q(condition)
    return combined


def _without_kept(people):
    kept = _kept_q()
    return people if kept is None else people.exclude(kept)


def _not_purged():
    return Person.objects.filter(merged_into__isnull=True).exclude(name__startswith=PSEUDONYM_PREFIX)


def _record_models() -> list:
    """The installed models of a person's own records: case, management plan, quarantine stay."""
    return [m for m in (Case, _plans_model(), _model("quarantine", "Stay")) if m is not None]


def _without_records(people):
    """Persons with no case, plan or stay of their own."""
    for model in _record_models():
        people = people.exclude(Exists(model.objects.filter(person=OuterRef("pk"))))
    return people


def _change_rows(person) -> list:
    """Rows whose change is a change of ``person`` (besides the person row): the exposures they are in (exposed
    or as the source), the persons merged into them, the assist-request rows matched to them."""
    rows = [
        Exposure.objects.filter(Q(person=person) | Q(source_person=person)),
        Person.objects.filter(merged_into=person),
    ]
    Item = _model("followup", "AssistRequestItem")
    if Item is not None:
        rows.append(Item.objects.filter(person=person))
    return rows


def _last_changes(ids: list[int]) -> dict[int, datetime]:
    """Each person's last change: the latest ``updated_at`` of the person row and of :func:`_change_rows`."""
    names = [f"_changed_{i}" for i in range(len(_change_rows(OuterRef("pk"))))]
    last: dict[int, datetime] = {}
    for batch in _batches(ids):
        latest = {
            name: Subquery(rows.order_by("-updated_at").values("updated_at")[:1])
            for name, rows in zip(names, _change_rows(OuterRef("pk")), strict=True)
        }
        people = Person.objects.filter(pk__in=batch).annotate(**latest).order_by()
        for pk, *changed in people.values_list("pk", "updated_at", *names):
            last[pk] = max(when for when in changed if when is not None)
    return last


def _closed_record_candidates(now: datetime) -> list[Candidate]:
    """Rule 1: every case, plan and stay closed longer ago than the retention of their protocols."""
    Plan = _plans_model()
    Stay = _model("quarantine", "Stay")
    has_record = _any(Exists(model.objects.filter(person=OuterRef("pk"))) for model in _record_models())
    ids = list(_without_kept(_not_purged().filter(has_record)).values_list("pk", flat=True))
    ends: dict[int, list[datetime | None]] = {pk: [] for pk in ids}
    retention: dict[int, int] = dict.fromkeys(ids, 0)

    def add(person_id, end, days):
        ends[person_id].append(end)
        retention[person_id] = max(retention[person_id], days or DEFAULT_RETENTION_DAYS)

    for batch in _batches(ids):
        for person_id, closed, archived, days in Case.objects.filter(person_id__in=batch).values_list(
            "person_id", "closed_at", "archived_at", "protocol__retention_days"
        ):
            add(person_id, closed or archived, days)
        if Plan is not None:
            for person_id, ended, archived, days in Plan.objects.filter(person_id__in=batch).values_list(
                "person_id", "ended_at", "archived_at", "protocol__retention_days"
            ):
                add(person_id, ended or archived, days)
        if Stay is not None:
            for person_id, out, archived, days in Stay.objects.filter(person_id__in=batch).values_list(
                "person_id", "checked_out_at", "archived_at", "plan__protocol__retention_days"
            ):
                add(person_id, out or archived, days)
    found = []
    for person_id in sorted(ids):
        if not ends[person_id] or any(end is None for end in ends[person_id]):
            continue  # something is still open
        closed_at = max(ends[person_id])
        if closed_at + timedelta(days=retention[person_id]) < now:
            found.append(Candidate(person_id, retention[person_id], closed_at, RULE_CLOSED))
    return found


def _screened_only_candidates(now: datetime) -> list[Candidate]:
    """Rule 2: no case, contact, plan or stay, and nothing of theirs changed within the retention in force."""
    days = retention_in_force(timezone.localdate(now))
    cutoff = now - timedelta(days=days)
    people = _not_purged().filter(updated_at__lt=cutoff).exclude(Exists(Contact.objects.filter(person=OuterRef("pk"))))
    people = _without_kept(_without_records(people))
    for rows in _change_rows(OuterRef("pk")):
        people = people.exclude(Exists(rows.filter(updated_at__gte=cutoff)))
    return [
        Candidate(pk, days, changed, RULE_SCREENED)
        for pk, changed in people.order_by("pk").values_list("pk", "updated_at").iterator(chunk_size=2000)
    ]


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _contact_only_candidates(now: datetime) -> list[Candidate]:
    """Rule 3: only contacts (no case, plan or stay), every index case closed, the latest of its closing, the
    last exposure and the person's last change longer ago than the longest retention of those cases' protocols."""
    open_case = Q(case__closed_at__isnull=True, case__archived_at__isnull=True)
    of_open_case = Contact.objects.filter(open_case, person=OuterRef("pk"), archived_at__isnull=True)
    people = _not_purged().filter(Exists(Contact.objects.filter(person=OuterRef("pk")))).exclude(Exists(of_open_case))
    ids = list(_without_kept(_without_records(people)).values_list("pk", flat=True))
    last_change = _last_changes(ids)
    ends: dict[int, list[datetime]] = {pk: [last_change[pk]] for pk in ids}
    retention: dict[int, int] = dict.fromkeys(ids, 0)
    for batch in _batches(ids):
        rows = Contact.objects.filter(person_id__in=batch).values_list(
            "person_id",
            "case__closed_at",
            "case__archived_at",
            "archived_at",
            "last_exposed_on",
            "case__protocol__retention_days",
        )
        for person_id, closed, case_archived, archived, exposed_on, days in rows:
            case_end = closed or case_archived
            if archived is not None:  # no longer a contact: ended when archived, or when the case closed before
                case_end = min(case_end, archived) if case_end else archived
            if case_end is None:  # an open case's row that is not archived: excluded above, never here
                continue
            ends[person_id] += [case_end, _end_of_day(exposed_on)]
            retention[person_id] = max(retention[person_id], days or DEFAULT_RETENTION_DAYS)
    found = []
    for person_id in sorted(ids):
        last = max(ends[person_id])
        if last + timedelta(days=retention[person_id]) < now:
            found.append(Candidate(person_id, retention[person_id], last, RULE_CONTACT))
    return found


def candidates(now: datetime | None = None) -> list[Candidate]:
    """Persons past retention under any rule (see the module docstring), not yet purged."""
    now = now or timezone.now()
    return _closed_record_candidates(now) + _screened_only_candidates(now) + _contact_only_candidates(now)


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


def _anonymise_assist_items(person_ids: list[int], *, dry_run: bool = False) -> int:
    Item = _model("followup", "AssistRequestItem")
    if Item is None:
        return 0
    rows = list(Item.objects.filter(person_id__in=person_ids).values_list("pk", "person_id"))
    if dry_run:
        return len(rows)
    count = 0
    for item_id, person_id in rows:
        values = {"name": pseudonym(person_id), **dict.fromkeys(ASSIST_ITEM_FIELDS, "")}
        count += Item.objects.filter(pk=item_id).update(**values)
        Item.history.model.objects.filter(id=item_id).update(**values)
    return count


def _has_text(fields: tuple[str, ...]) -> Q:
    return _any(~Q(**{name: ""}) for name in fields)


def _clear_free_text(person_ids: list[int], *, dry_run: bool = False) -> tuple[dict[str, int], int]:
    """Empty :data:`FREE_TEXT` of these persons' rows and of all their historical versions.

    Returns (rows with text per "Model.field/field", historical versions with text)."""
    rows: dict[str, int] = {}
    versions = 0
    for app_label, name, path, fields in FREE_TEXT:
        model = _model(app_label, name)
        if model is None:
            continue
        label = f"{name}.{'/'.join(fields)}"
        row_ids = list(model._default_manager.filter(**{f"{path}__in": person_ids}).values_list("pk", flat=True))
        rows[label] = 0
        if not row_ids:
            continue
        current = model._default_manager.filter(pk__in=row_ids)
        history = model.history.model.objects.filter(id__in=row_ids)
        rows[label] = current.filter(_has_text(fields)).count()
        versions += history.filter(_has_text(fields)).count()
        if not dry_run:
            blank = dict.fromkeys(fields, "")
            current.update(**blank)
            history.update(**blank)
    return rows, versions


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for label, n in counts.items():
        total[label] = total.get(label, 0) + n


def purge_personal_data(*, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    """Anonymise every person past retention (see the module docstring). ``dry_run`` only counts."""
    result = PurgeResult(candidates=candidates(now), dry_run=dry_run)
    by_id = {c.person_id: c for c in result.candidates}
    ids = list(by_id)
    result.persons = len(ids)
    result.screened_persons = sum(1 for c in result.candidates if c.rule == RULE_SCREENED)
    result.contact_persons = sum(1 for c in result.candidates if c.rule == RULE_CONTACT)
    free_text: dict[str, int] = {}
    merged_all: list[int] = []
    for batch in _batches(ids):
        merged = list(Person.objects.filter(merged_into_id__in=batch).values_list("pk", flat=True))
        merged_all.extend(merged)
        everyone = batch + merged
        if dry_run:
            result.person_versions += Person.history.model.objects.filter(id__in=everyone).count()
            result.assist_items += _anonymise_assist_items(everyone, dry_run=True)
            rows, versions = _clear_free_text(everyone, dry_run=True)
            _add_counts(free_text, rows)
            result.free_text_versions += versions
            continue
        with transaction.atomic():
            result.person_versions += _anonymise_person_rows(everyone)
            result.assist_items += _anonymise_assist_items(everyone)
            rows, versions = _clear_free_text(everyone)
            _add_counts(free_text, rows)
            result.free_text_versions += versions
            for person_id in batch:
                candidate = by_id[person_id]
                logger.info(
                    "personal data purged: person #%s (%s, retention %s days, last %s %s)",
                    candidate.person_id,
                    candidate.rule,
                    candidate.retention_days,
                    RULES[candidate.rule],
                    f"{timezone.localtime(candidate.closed_at):%Y-%m-%d}",
                )
            if merged:
                logger.info("personal data purged: merged duplicate persons %s", ", ".join(f"#{pk}" for pk in merged))
    result.merged_persons = len(merged_all)
    result.free_text = dict(free_text)
    return result
