"""State changes of epidemic investigation: persons (dedupe, merge), cases, exposures.

Every function is keyword-only and one transaction, writes history, and re-checks the actor's scope.
Recording an exposure updates the transmission chains and the computed contacts in the same
transaction (see :mod:`safecity.epidemic.graph`); so do creating, reclassifying and re-dating a case
and merging two persons. Bad input raises :class:`~django.core.exceptions.ValidationError` (with
field names where there is one) and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.services import ensure_in_scope, object_save
from safecity.core.validators import normalize_phone, parse_id_number

from . import graph, rules
from .choices import Classification, ContactClass, ExposureSource, Outcome, Sex
from .models import Case, Contact, Disease, Exposure, ExposureSite, Person

#: Fields of a person that a merge fills on the kept person when only the duplicate has them.
_FILLABLE = ("id_number", "phone", "sex", "birth_date", "address")
_CASE_TIMES = ("onset_at", "sampled_at", "detected_at", "reported_at", "isolated_at", "treated_at")


# --------------------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------------------


def clean_id_number(value: str) -> str:
    """The normalised 18-character identity number, ``""`` for blank; field error if invalid."""
    if not (value or "").strip():
        return ""
    try:
        return parse_id_number(value).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None


def clean_phone(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


def _derive_from_id(person: Person) -> None:
    """Sex and birth date come from the identity number when it has them."""
    if person.id_number:
        info = parse_id_number(person.id_number)
        person.sex = Sex.MALE if info.sex == "male" else Sex.FEMALE
        person.birth_date = info.birth_date


def person_lookup(*, name: str = "", id_number: str = "", phone: str = "") -> Person | None:
    """The existing person these details belong to: same identity number; else same name and phone.

    Not scoped: a person is one row city-wide (the caller decides what the actor may see).
    """
    current = Person.objects.filter(merged_into__isnull=True)
    id_number = clean_id_number(id_number)
    if id_number:
        found = current.filter(id_number=id_number).first()
        if found is not None:
            return found
    phone = clean_phone(phone)
    name = (name or "").strip()
    if name and phone:
        found = current.filter(name=name, phone=phone).order_by("pk")
        if id_number:  # same name and phone but another valid identity number: another person
            found = found.filter(id_number__in=["", id_number])
        return found.first()
    return None


def person_find_or_create(
    *, actor, name: str, id_number: str = "", phone: str = "", region, **fields
) -> tuple[Person, bool]:
    """The person with these details, created if new. Dedupe: same identity number; else same name and
    phone. A found person missing the identity number or phone gets it (with history).

    The identity number is normalised (15-digit numbers upgraded, ``x`` → ``X``) and sex and birth
    date are derived from it. Returns ``(person, created)``.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the person's name.")})
    id_number = clean_id_number(id_number)
    phone = clean_phone(phone)
    with transaction.atomic():
        existing = person_lookup(name=name, id_number=id_number, phone=phone)
        if existing is not None:
            existing = Person.objects.select_for_update().get(pk=existing.pk)
            changed = []
            if id_number and not existing.id_number:
                existing.id_number = id_number
                _derive_from_id(existing)
                changed.append("id_number")
            if phone and not existing.phone:
                existing.phone = phone
                changed.append("phone")
            for field in ("address",):
                if fields.get(field) and not getattr(existing, field):
                    setattr(existing, field, fields[field])
                    changed.append(field)
            if changed:
                object_save(actor=actor, instance=existing, change_reason="completed on entry")
            return existing, False
        person = Person(name=name, id_number=id_number, phone=phone, region=region, **fields)
        _derive_from_id(person)
        object_save(actor=actor, instance=person)
        return person, True


def person_save(*, actor, person: Person) -> Person:
    """Save a person edited in a form: normalised identity number and phone, derived sex and birth date,
    and refused when the identity number already belongs to another person (merge them instead)."""
    person.id_number = clean_id_number(person.id_number)
    person.phone = clean_phone(person.phone)
    _derive_from_id(person)
    if person.id_number:
        other = (
            Person.objects.filter(id_number=person.id_number, merged_into__isnull=True).exclude(pk=person.pk).first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "id_number": _(
                        "This identity number already belongs to person no. %(pk)s; merge the two persons instead."
                    )
                    % {"pk": other.pk}
                }
            )
    return object_save(actor=actor, instance=person)


def _move_links(*, actor, keep: Person, duplicate: Person) -> list[str]:
    """Point every row that references ``duplicate`` at ``keep`` (found generically, so links of other
    apps move too). Rows that cannot move (a uniqueness clash) stay and are returned as notes."""
    left: list[str] = []
    reason = f"person merged into #{keep.pk}"
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many:
            accessor = rel.get_accessor_name()
            for row in getattr(duplicate, accessor).all():
                getattr(row, rel.field.name).add(keep)
                getattr(row, rel.field.name).remove(duplicate)
            continue
        field = rel.field
        if model is Person and field.name == "merged_into":
            Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
            continue
        if model is Exposure:  # an exposure between the two would point at itself
            between = Exposure.objects.filter(
                models.Q(person=duplicate, source_person=keep) | models.Q(person=keep, source_person=duplicate)
            )
            for exposure in between.filter(archived_at__isnull=True):
                exposure.archived_at = timezone.now()
                graph._system_save(exposure, actor, "between two records of one person")
        if model is Contact:
            _merge_contacts(actor=actor, keep=keep, duplicate=duplicate)
            continue
        rows = model._default_manager.filter(**{field.name: duplicate})
        if model is Exposure:
            rows = rows.exclude(
                models.Q(person=duplicate, source_person=keep) | models.Q(person=keep, source_person=duplicate)
            )
        for row in rows:
            setattr(row, field.attname, keep.pk)
            try:
                with transaction.atomic():
                    graph._system_save(row, actor, reason)
            except IntegrityError:
                left.append(f"{model._meta.verbose_name} #{row.pk}")
    return left


def _merge_contacts(*, actor, keep: Person, duplicate: Person) -> None:
    """Contact rows of the duplicate move; where both were contacts of the same case, what hangs off
    the duplicate's row (management plans, secondary contacts through it) moves to the kept row."""
    keep_rows = {row.case_id: row for row in Contact.objects.filter(person=keep)}
    for row in Contact.objects.filter(person=duplicate):
        twin = keep_rows.get(row.case_id)
        if twin is None:
            row.person = keep
            graph._system_save(row, actor, f"person merged into #{keep.pk}")
            continue
        for rel in Contact._meta.related_objects:
            if rel.many_to_many:
                continue
            for dependant in rel.related_model._default_manager.filter(**{rel.field.name: row}):
                setattr(dependant, rel.field.attname, twin.pk)
                graph._system_save(dependant, actor, f"contact merged into #{twin.pk}")
        if row.archived_at is None:
            row.archived_at = timezone.now()
            graph._system_save(row, actor, f"merged into contact #{twin.pk}")


def person_merge(*, actor, keep: Person, duplicate: Person) -> Person:
    """Merge ``duplicate`` into ``keep``: every case, exposure (both ends), contact and any other record
    pointing at the duplicate moves to the kept person; their chains are joined; the duplicate is
    archived with ``merged_into`` set. Both persons' history records the merge.

    Refused when the two have different identity numbers (they are two people).
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged with itself."))
    with transaction.atomic():
        keep, duplicate = (
            Person.objects.select_for_update().get(pk=keep.pk),
            Person.objects.select_for_update().get(pk=duplicate.pk),
        )
        ensure_in_scope(actor=actor, instance=keep, action="change")
        ensure_in_scope(actor=actor, instance=duplicate, action="change")
        if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
            raise ValidationError(_("One of these persons has already been merged into another."))
        if keep.id_number and duplicate.id_number and keep.id_number != duplicate.id_number:
            raise ValidationError(
                _("These are two different persons: their identity numbers differ. Nothing has been merged.")
            )
        left = _move_links(actor=actor, keep=keep, duplicate=duplicate)
        cluster = None
        if keep.cluster_id or duplicate.cluster_id:
            cluster = graph.cluster_union(actor=actor, person_ids=[keep.pk, duplicate.pk])
            Person.objects.filter(pk=duplicate.pk).update(cluster=None)
            keep.cluster = cluster
        duplicate.merged_into = keep
        duplicate.archived_at = timezone.now()
        fill = {f: getattr(duplicate, f) for f in _FILLABLE if getattr(duplicate, f) and not getattr(keep, f)}
        if keep.sex == Sex.UNKNOWN and duplicate.sex != Sex.UNKNOWN:
            fill["sex"] = duplicate.sex
        duplicate.cluster = None
        note = f"merged into #{keep.pk} {keep.name}"
        if left:
            note += "; not moved: " + ", ".join(left)
        object_save(actor=actor, instance=duplicate, change_reason=note[:100])
        for field, value in fill.items():
            setattr(keep, field, value)
        object_save(actor=actor, instance=keep, change_reason=f"merged with #{duplicate.pk} {duplicate.name}"[:100])
        if cluster is not None:
            graph.cluster_refresh(cluster)
        graph.contacts_around_person(actor=actor, person_id=keep.pk)
        return keep


# --------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------


def _check_times(values: dict) -> None:
    now = timezone.now() + timedelta(minutes=10)
    errors = {}
    for field, value in values.items():
        if value is not None and value > now:
            errors[field] = _("This time is in the future.")
    detected, reported = values.get("detected_at"), values.get("reported_at")
    if detected and reported and reported < detected:
        errors.setdefault("reported_at", _("A case cannot be reported before it was detected."))
    onset, treated = values.get("onset_at"), values.get("treated_at")
    if onset and treated and treated < onset - rules.ONSET_UNCERTAINTY:
        errors.setdefault("treated_at", _("Treatment cannot start before the onset."))
    if errors:
        raise ValidationError(errors)


def _next_case_number(disease: Disease, on: date) -> str:
    prefix = f"{disease.code.upper()}-{on:%Y%m%d}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{seq:04d}"


def case_create(
    *,
    actor,
    person: Person,
    disease: Disease,
    classification: str,
    source: str,
    region=None,
    onset_at: datetime | None = None,
    sampled_at: datetime | None = None,
    detected_at: datetime | None = None,
    reported_at: datetime | None = None,
    isolated_at: datetime | None = None,
    treated_at: datetime | None = None,
    place: str = "",
    notes: str = "",
) -> Case:
    """Record a case of ``disease`` in ``person``. The protocol version is the one in force on the
    report date; the person joins (or starts) a transmission chain; persons exposed to them become
    their contacts (also when the person was a contact of another case: any depth)."""
    times = {
        "onset_at": onset_at,
        "sampled_at": sampled_at,
        "detected_at": detected_at,
        "reported_at": reported_at,
        "isolated_at": isolated_at,
        "treated_at": treated_at,
    }
    _check_times(times)
    if classification == Classification.EXCLUDED:
        raise ValidationError({"classification": _("A new case cannot be recorded as excluded.")})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.merged_into_id is not None:
            raise ValidationError({"person": _("This person has been merged into another; use that person.")})
        ensure_in_scope(actor=actor, instance=person, action="view")
        open_case = (
            Case.objects.filter(person=person, disease=disease, closed_at__isnull=True, archived_at__isnull=True)
            .exclude(classification=Classification.EXCLUDED)
            .first()
        )
        if open_case is not None:
            raise ValidationError(
                {
                    "person": _("This person already has an open case of %(disease)s: %(number)s.")
                    % {"disease": disease, "number": open_case.number}
                }
            )
        reported = reported_at or timezone.now()
        protocol = graph.protocol_in_force(disease, timezone.localtime(reported).date())
        case = Case(
            person=person,
            disease=disease,
            protocol=protocol,
            classification=classification,
            source=source,
            region=region or person.region,
            place=place,
            notes=notes,
            **times,
        )
        for attempt in range(5):
            case.number = _next_case_number(disease, timezone.localtime(reported).date())
            try:
                with transaction.atomic():
                    object_save(actor=actor, instance=case)
                break
            except ValidationError as exc:
                if "number" not in getattr(exc, "error_dict", {}) or attempt == 4:
                    raise
                case.pk = None
                case._state.adding = True
        _after_case_change(actor=actor, case=case)
        return case


def _after_case_change(*, actor, case: Case) -> None:
    cluster = graph.cluster_union(actor=actor, person_ids=[case.person_id])
    graph.cluster_refresh(cluster)
    graph.contacts_recompute_case(actor=actor, case=case)


def case_classify(*, actor, case: Case, classification: str, reason: str) -> Case:
    """Change a case's classification (e.g. suspected → confirmed, or excluded). The reason is kept in
    the case's history. An excluded case gives no contacts and leaves its chain's counts."""
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Choose a classification.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change of classification.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.classification == classification:
            raise ValidationError({"classification": _("The case already has this classification.")})
        case.classification = classification
        object_save(actor=actor, instance=case, change_reason=reason.strip()[:100])
        _after_case_change(actor=actor, case=case)
        return case


def case_update_times(*, actor, case: Case, **times) -> Case:
    """Correct a case's timestamps (onset, sampling, detection, report, isolation, treatment). The
    look-back window of its contacts and its chain's onset dates follow."""
    unknown = set(times) - set(_CASE_TIMES)
    if unknown:
        raise TypeError(f"unknown case times: {sorted(unknown)}")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        values = {f: getattr(case, f) for f in _CASE_TIMES} | times
        _check_times(values)
        for field, value in times.items():
            setattr(case, field, value)
        object_save(actor=actor, instance=case, change_reason="times corrected")
        _after_case_change(actor=actor, case=case)
        return case


def case_edit(*, actor, case: Case, source: str, region, place: str = "", notes: str = "", **times) -> Case:
    """Save the case form of an existing case: where and how it was found, managing region, notes and
    timestamps (person, disease and classification have their own actions)."""
    unknown = set(times) - set(_CASE_TIMES)
    if unknown:
        raise TypeError(f"unknown case times: {sorted(unknown)}")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        values = {f: getattr(case, f) for f in _CASE_TIMES} | times
        _check_times(values)
        times_changed = any(getattr(case, f) != v for f, v in times.items())
        case.source, case.region, case.place, case.notes = source, region, place, notes
        for field, value in times.items():
            setattr(case, field, value)
        object_save(actor=actor, instance=case)
        if times_changed:
            _after_case_change(actor=actor, case=case)
        return case


def case_close(*, actor, case: Case, outcome: str, outcome_at: datetime | None = None) -> Case:
    """Close a case with its outcome (recovered, died, transferred out)."""
    if outcome not in Outcome.values or outcome == Outcome.UNDER_TREATMENT:
        raise ValidationError({"outcome": _("Choose how the case ended.")})
    outcome_at = outcome_at or timezone.now()
    if outcome_at > timezone.now() + timedelta(minutes=10):
        raise ValidationError({"outcome_at": _("This time is in the future.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.closed_at is not None:
            raise ValidationError(_("This case is already closed."))
        case.outcome = outcome
        case.outcome_at = outcome_at
        case.closed_at = timezone.now()
        return object_save(actor=actor, instance=case, change_reason=f"closed: {outcome}")


def case_archive(*, actor, case: Case, reason: str = "") -> Case:
    """Archive a case entered by mistake: it leaves its chain's counts and its contacts are archived."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_in_scope(actor=actor, instance=case, action="delete")
        if case.archived_at is None:
            case.archived_at = timezone.now()
            object_save(actor=actor, instance=case, change_reason=(reason or "archived")[:100])
            _after_case_change(actor=actor, case=case)
        return case


# --------------------------------------------------------------------------------------------------
# Exposures
# --------------------------------------------------------------------------------------------------


def exposure_record(
    *,
    actor,
    person: Person,
    source_person: Person | None = None,
    source_site: ExposureSite | None = None,
    exposed_on: date,
    setting: str,
    proximity: str,
    last_exposed_on: date | None = None,
    source: str = ExposureSource.INVESTIGATION,
    note: str = "",
) -> Exposure:
    """Record that ``person`` was exposed to ``source_person`` (or at ``source_site``).

    In the same transaction the two ends' chains are joined and the person's class relative to every
    case of the source (close contact) and every case the source is a close contact of (secondary
    contact) is computed. At a site, the source is everyone exposed there on an overlapping day, and
    the other way round: if the person is a case (or a close contact), those present become their
    contacts (or secondary contacts). Recording the same exposure twice returns the first one.
    """
    errors = {}
    if (source_person is None) == (source_site is None):
        errors["source_person"] = _("Choose either the person or the place the person was exposed to.")
    elif source_person is not None and source_person.pk == person.pk:
        errors["source_person"] = _("A person cannot be exposed to themselves.")
    if exposed_on and exposed_on > timezone.localdate():
        errors["exposed_on"] = _("The exposure date is in the future.")
    if last_exposed_on and exposed_on and last_exposed_on < exposed_on:
        errors["last_exposed_on"] = _("The last exposure date is before the first.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for end in (person, source_person):
            if end is not None and Person.objects.filter(pk=end.pk, merged_into__isnull=False).exists():
                raise ValidationError(
                    {
                        "person" if end is person else "source_person": _(
                            "This person has been merged into another; use that person."
                        )
                    }
                )
        same = Exposure.objects.filter(
            person=person,
            source_person=source_person,
            source_site=source_site,
            exposed_on=exposed_on,
            setting=setting,
            proximity=proximity,
            archived_at__isnull=True,
        ).first()
        if same is not None:
            return same
        exposure = Exposure(
            person=person,
            source_person=source_person,
            source_site=source_site,
            exposed_on=exposed_on,
            last_exposed_on=last_exposed_on,
            setting=setting,
            proximity=proximity,
            source=source,
            note=note,
        )
        object_save(actor=actor, instance=exposure)
        graph.attach_exposure(actor=actor, exposure=exposure)
        if source_person is not None:
            graph.contacts_after_exposure(actor=actor, person_id=person.pk, source_person_id=source_person.pk)
        else:
            graph.contacts_after_site_exposure(actor=actor, person_id=person.pk, reaches=[graph.site_reach(exposure)])
        return exposure


def exposure_archive(*, actor, exposure: Exposure, reason: str = "") -> Exposure:
    """Remove an exposure entered by mistake: its chain is recomputed (it may split) and the contacts
    that depended on it are re-classified."""
    with transaction.atomic():
        exposure = Exposure.objects.select_for_update().get(pk=exposure.pk)
        ensure_in_scope(actor=actor, instance=exposure, action="delete")
        if exposure.archived_at is not None:
            return exposure
        before = graph.site_reach(exposure)  # who it linked, while it still counts
        exposure.archived_at = timezone.now()
        object_save(actor=actor, instance=exposure, change_reason=(reason or "archived")[:100])
        cluster_id = Person.objects.filter(pk=exposure.person_id).values_list("cluster_id", flat=True).first()
        if cluster_id is not None:
            graph.cluster_rebuild(actor=actor, cluster=graph.Cluster.objects.get(pk=cluster_id))
        if exposure.source_person_id is not None:
            graph.contacts_after_exposure(
                actor=actor, person_id=exposure.person_id, source_person_id=exposure.source_person_id
            )
        else:
            graph.contacts_after_site_exposure(actor=actor, person_id=exposure.person_id, reaches=[before])
        return exposure


def contact_mark_controlled(*, actor, contact: Contact, controlled_at: datetime | None = None) -> Contact:
    """Record when a contact was put under control (their first measure started). For a close contact
    this closes the window in which persons exposed to them become secondary contacts."""
    controlled_at = controlled_at or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.controlled_at == controlled_at:
            return contact
        contact.controlled_at = controlled_at
        graph._system_save(contact, actor, "put under control")
        if contact.contact_class == ContactClass.CLOSE:
            case = contact.case
            exposees = graph.exposees([contact.person_id], graph._protocol(case)) | set(
                Contact.objects.filter(via=contact).values_list("person_id", flat=True)
            )
            graph.contacts_update(actor=actor, case=case, person_ids=exposees)
        return contact


def exposure_update(*, actor, exposure: Exposure, **changes) -> Exposure:
    """Correct an exposure's dates, setting, proximity, how it was found or its note (its two ends are
    fixed: archive it and record another). The contacts that depend on it are re-classified."""
    allowed = {"exposed_on", "last_exposed_on", "setting", "proximity", "source", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"an exposure's {sorted(unknown)} cannot be changed")
    with transaction.atomic():
        exposure = Exposure.objects.select_for_update().get(pk=exposure.pk)
        before = graph.site_reach(exposure) if exposure.archived_at is None else None
        for field, value in changes.items():
            setattr(exposure, field, value)
        errors = {}
        if exposure.exposed_on > timezone.localdate():
            errors["exposed_on"] = _("The exposure date is in the future.")
        if exposure.last_exposed_on and exposure.last_exposed_on < exposure.exposed_on:
            errors["last_exposed_on"] = _("The last exposure date is before the first.")
        if errors:
            raise ValidationError(errors)
        object_save(actor=actor, instance=exposure, change_reason="corrected")
        if exposure.source_person_id is not None:
            graph.contacts_after_exposure(
                actor=actor, person_id=exposure.person_id, source_person_id=exposure.source_person_id
            )
        elif exposure.archived_at is None:  # at a site: who it linked before and after the correction
            graph.contacts_after_site_exposure(
                actor=actor, person_id=exposure.person_id, reaches=[before, graph.site_reach(exposure)]
            )
        return exposure
