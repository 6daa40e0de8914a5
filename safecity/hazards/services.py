"""The rectification loop as services: report → assign → start → rectify → re-inspect → close,
re-opened when a re-inspection fails; the major-hazard application to resume; the overdue sweep.

Every step is one atomic ``object_save`` with a change reason, so each appears in the history.
Refusals raise ``ValidationError`` with a reason the page and the API show as it is.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import object_save

from .choices import HazardLevel, HazardStatus
from .models import Checklist, Hazard
from .rules import ESCALATE_AFTER_DAYS_OVERDUE, RECTIFYING_STATUSES


def _require(hazard: Hazard, *allowed: str) -> None:
    if hazard.status not in allowed:
        raise ValidationError(
            _("Not possible while the hazard is %(status)s.") % {"status": hazard.get_status_display()},
            code="wrong_status",
        )


def hazard_report(*, actor, hazard: Hazard) -> Hazard:
    """Record a hazard found at a target (status *found*)."""
    hazard.status = HazardStatus.FOUND
    hazard.found_by = actor
    return object_save(actor=actor, instance=hazard, change_reason="found")


@transaction.atomic
def hazard_assign(
    *, actor, hazard: Hazard, responsible_unit=None, responsible_person=None, deadline: date, measures: str
) -> Hazard:
    """Assign the rectification: responsible unit or person, deadline and measures."""
    _require(hazard, HazardStatus.FOUND, HazardStatus.ASSIGNED)
    if responsible_unit is None and responsible_person is None:
        raise ValidationError(_("Name the responsible unit or person."), code="no_responsible")
    if not measures.strip():
        raise ValidationError(_("Describe the rectification measures."), code="no_measures")
    hazard.responsible_unit = responsible_unit
    hazard.responsible_person = responsible_person
    hazard.deadline = deadline
    hazard.measures = measures
    hazard.status = HazardStatus.ASSIGNED
    object_save(actor=actor, instance=hazard, change_reason="assigned")
    if responsible_person is not None:
        transaction.on_commit(
            lambda: notify(
                recipients=[responsible_person],
                title=_("Hazard to rectify by %(date)s: %(title)s") % {"date": deadline, "title": hazard.title},
                body=measures,
                url=hazard.get_absolute_url(),
                level=NotificationLevel.WARNING,
                target=hazard,
                dedupe_key=f"hazard-assigned-{hazard.pk}-{deadline}",
            )
        )
    return hazard


def hazard_start(*, actor, hazard: Hazard) -> Hazard:
    """The responsible side starts rectifying."""
    _require(hazard, HazardStatus.ASSIGNED)
    hazard.status = HazardStatus.RECTIFYING
    return object_save(actor=actor, instance=hazard, change_reason="rectifying")


def hazard_rectify(*, actor, hazard: Hazard, note: str, photos=()) -> Hazard:
    """Report the rectification done, with its evidence (a note, and photos if any)."""
    from .photos import check_photos, files_removed_on_failure, store_photo

    _require(hazard, *RECTIFYING_STATUSES)
    if not note.strip():
        raise ValidationError(_("Describe the evidence of the rectification."), code="no_evidence")
    check_photos(photos)
    hazard.status = HazardStatus.RECTIFIED
    hazard.rectified_by = actor
    hazard.rectified_at = timezone.now()
    hazard.rectification_note = note
    with files_removed_on_failure(), transaction.atomic():
        object_save(actor=actor, instance=hazard, change_reason="rectified")
        for upload in photos:
            store_photo(actor=actor, hazard=hazard, upload=upload, stage="rectified")
    return hazard


def hazard_add_photos(*, actor, hazard: Hazard, photos, stage: str = "found") -> list:
    """Add photos to a hazard: as found (while it is open) or as rectification evidence (once rectification
    began). Every file is checked first; one refused file stores nothing, and a failed save removes the files."""
    from safecity.core.services import ensure_in_scope

    from .models import HazardPhoto
    from .photos import check_photos, files_removed_on_failure, store_photo

    if stage == HazardPhoto.Stage.FOUND and hazard.status == HazardStatus.CLOSED:
        raise ValidationError(_("The hazard is closed: no more photos as found."), code="closed")
    if stage == HazardPhoto.Stage.RECTIFIED and hazard.status in (HazardStatus.FOUND, HazardStatus.ASSIGNED):
        raise ValidationError(
            _("Rectification evidence can be added once rectification has begun."), code="not_rectifying"
        )
    check_photos(photos)
    with files_removed_on_failure(), transaction.atomic():
        ensure_in_scope(actor=actor, instance=hazard, action="change")
        return [store_photo(actor=actor, hazard=hazard, upload=upload, stage=stage) for upload in photos]


def hazard_apply_to_resume(*, actor, hazard: Hazard) -> Hazard:
    """Major hazard: the written application to resume after remediation; the review is due in 10 days."""
    if hazard.level != HazardLevel.MAJOR:
        raise ValidationError(_("Only a major hazard needs an application to resume."), code="not_major")
    _require(hazard, HazardStatus.RECTIFIED)
    missing = hazard.missing_plan_elements()
    if missing:
        raise ValidationError(
            _("The remediation plan lacks: %(items)s.") % {"items": "、".join(missing)}, code="plan_incomplete"
        )
    hazard.applied_at = timezone.now()
    return object_save(actor=actor, instance=hazard, change_reason="applied to resume")


def hazard_reinspect(*, actor, hazard: Hazard, passed: bool, note: str = "") -> Hazard:
    """Re-inspect a rectified hazard. Passed: ready to close. Failed: re-opened for rectification."""
    _require(hazard, HazardStatus.RECTIFIED)
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == actor.pk:
        raise ValidationError(
            _("The re-inspection must be done by someone other than the rectifier."), code="same_person"
        )
    if hazard.level == HazardLevel.MAJOR and passed and hazard.applied_at is None:
        raise ValidationError(
            _("A major hazard is accepted only after the application to resume."), code="no_application"
        )
    hazard.reinspected_by = actor
    hazard.reinspected_at = timezone.now()
    hazard.reinspection_note = note
    if passed:
        hazard.status = HazardStatus.REINSPECTED
        return object_save(actor=actor, instance=hazard, change_reason="re-inspection passed")
    hazard.status = HazardStatus.RECTIFYING
    hazard.reopened_count += 1
    return object_save(actor=actor, instance=hazard, change_reason="re-inspection failed: re-opened")


def close_refusal(hazard: Hazard) -> str | None:
    """Why ``hazard`` cannot be closed now, or ``None`` when it can."""
    if hazard.status == HazardStatus.CLOSED:
        return _("The hazard is already closed.")
    if hazard.status != HazardStatus.REINSPECTED or hazard.reinspected_by_id is None:
        return _("A hazard is closed only after a passed re-inspection.")
    if hazard.rectified_by_id is not None and hazard.reinspected_by_id == hazard.rectified_by_id:
        return _("The re-inspection must be done by someone other than the rectifier.")
    if hazard.level == HazardLevel.MAJOR:
        missing = hazard.missing_plan_elements()
        if missing:
            return _("The remediation plan lacks: %(items)s.") % {"items": "、".join(missing)}
        if hazard.applied_at is None:
            return _("A major hazard is accepted only after the application to resume.")
    return None


def hazard_close(*, actor, hazard: Hazard) -> Hazard:
    """Closure (销号): only after a passed re-inspection by someone other than the rectifier."""
    reason = close_refusal(hazard)
    if reason:
        raise ValidationError(reason, code="cannot_close")
    hazard.status = HazardStatus.CLOSED
    hazard.closed_at = timezone.now()
    return object_save(actor=actor, instance=hazard, change_reason="closed")


def sweep_overdue(*, today: date | None = None) -> dict[str, int]:
    """Notify the responsible person of every overdue rectification, and escalate those overdue
    ``ESCALATE_AFTER_DAYS_OVERDUE`` days or more one level up. Idempotent (dedupe keys per deadline)."""
    from safecity.incidents.selectors import one_level_up

    today = today or timezone.localdate()
    overdue = (
        Hazard.objects.active()
        .filter(status__in=RECTIFYING_STATUSES, deadline__lt=today)
        .select_related("region", "responsible_person")
    )
    counts = {"notified": 0, "escalated": 0, "reviews": 0}
    for hazard in overdue:
        days = (today - hazard.deadline).days
        title = _("Rectification overdue by %(days)d days: %(title)s") % {"days": days, "title": hazard.title}
        if hazard.responsible_person is not None:
            counts["notified"] += len(
                notify(
                    recipients=[hazard.responsible_person],
                    title=title,
                    url=hazard.get_absolute_url(),
                    level=NotificationLevel.WARNING,
                    target=hazard,
                    dedupe_key=f"hazard-overdue-{hazard.pk}-{hazard.deadline}",
                )
            )
        if days >= ESCALATE_AFTER_DAYS_OVERDUE:
            counts["escalated"] += len(
                notify(
                    recipients=one_level_up(hazard.region).people,
                    title=title,
                    url=hazard.get_absolute_url(),
                    level=NotificationLevel.DANGER,
                    target=hazard,
                    dedupe_key=f"hazard-escalated-{hazard.pk}-{hazard.deadline}",
                )
            )
    # Major hazards: the on-site review is due within 10 days of the application to resume.
    from datetime import datetime, time, timedelta

    from .rules import REVIEW_DAYS_AFTER_APPLICATION

    cutoff = timezone.make_aware(datetime.combine(today, time.min)) - timedelta(days=REVIEW_DAYS_AFTER_APPLICATION)
    waiting = (
        Hazard.objects.active()
        .filter(status=HazardStatus.RECTIFIED, level=HazardLevel.MAJOR, applied_at__lt=cutoff)
        .select_related("region")
    )
    for hazard in waiting:
        counts["reviews"] += len(
            notify(
                recipients=one_level_up(hazard.region).people,
                title=_("On-site review overdue (10 days after the application to resume): %(title)s")
                % {"title": hazard.title},
                url=hazard.get_absolute_url(),
                level=NotificationLevel.DANGER,
                target=hazard,
                dedupe_key=f"hazard-review-{hazard.pk}-{hazard.applied_at:%Y%m%d%H%M%S}",
            )
        )
    return counts


# ---- campaigns: the cross-inspection plan ---------------------------------------------------------


def county_code(region_code: str) -> str:
    """The county-level code a region belongs to (first six digits); empty above the county."""
    return region_code[:6] + "000000" if len(region_code) >= 12 and region_code[4:6] != "00" else ""


def town_code(region_code: str) -> str:
    """The town-level code a region belongs to; empty above the town."""
    return region_code[:9] + "000" if len(region_code) >= 12 and region_code[6:9] != "000" else ""


def campaign_targets(campaign, *, user=None):
    """Targets in the campaign's area — the union of its regions' subtrees — of its categories (all when
    none), not archived. With ``user``: only those the user may view (a county sees its own share)."""
    from django.db.models import Q

    from .models import InspectionTarget

    area = Q(pk__in=[])
    for prefix in campaign.regions.values_list("prefix", flat=True):
        area |= Q(region__prefix__startswith=prefix)
    qs = InspectionTarget.objects.restrict(user, "view") if user is not None else InspectionTarget.objects.all()
    qs = qs.filter(archived_at__isnull=True).filter(area)
    if campaign.categories:
        qs = qs.filter(category__in=campaign.categories)
    return qs.select_related("region")


@transaction.atomic
def campaign_plan(*, actor, campaign):
    """Run the cross-inspection planner over the campaign's targets and teams and store the result.

    Targets already inspected in the campaign keep their team (re-planning keeps work done).
    Returns the :class:`~safecity.hazards.planner.Plan`.
    """
    from safecity.core.services import ensure_in_scope

    from .models import CampaignAssignment
    from .planner import PlanTarget, PlanTeam, plan_cross_inspection

    ensure_in_scope(actor=actor, instance=campaign, action="change")
    targets = list(campaign_targets(campaign))
    teams = list(campaign.teams.filter(archived_at__isnull=True).select_related("region"))
    inspected = set(campaign.inspections.values_list("target_id", flat=True))
    keep = {a.target_id: a.team_id for a in campaign.assignments.filter(team__isnull=False) if a.target_id in inspected}
    plan = plan_cross_inspection(
        [PlanTarget(t.pk, county_code(t.region.code), town_code(t.region.code)) for t in targets],
        [PlanTeam(t.pk, county_code(t.region.code) or t.region.code) for t in teams],
        keep=keep,
    )
    campaign.assignments.all().delete()
    CampaignAssignment.objects.bulk_create(
        [CampaignAssignment(campaign=campaign, target_id=t, team_id=team) for t, team in plan.assignments.items()]
        + [CampaignAssignment(campaign=campaign, target_id=t, reason=reason) for t, reason in plan.unassigned.items()]
    )
    object_save(actor=actor, instance=campaign, change_reason="planned")
    return plan


# ---- inspections -------------------------------------------------------------------------------


class AlreadyRecorded(Exception):
    """The inspection with this submission key was recorded before (a resubmitted form): nothing new is saved."""

    def __init__(self, inspection):
        super().__init__(f"inspection {inspection.pk} already recorded")
        self.inspection = inspection


def checklist_results(target, answers: list[dict]) -> list[dict]:
    """Check answers (``{"item": id, "result": "pass"|"hazard"|"na", "note": …}``) against the target's
    checklist — every item answered once, nothing from another checklist — and return the rows to record,
    each with a snapshot of the item (text, clause, what counts as a hazard, major) as it reads now."""
    from .choices import ItemResult
    from .models import ChecklistItem

    items = {item.pk: item for item in ChecklistItem.objects.filter(checklist__category=target.category)}
    rows, seen, errors = [], set(), []
    for answer in answers:
        item = items.get(answer.get("item"))
        if item is None:
            errors.append(_("Item %(item)s is not on this target's checklist.") % {"item": answer.get("item")})
            continue
        if item.pk in seen:
            errors.append(_("Item %(item)s is answered twice.") % {"item": item.pk})
            continue
        if answer.get("result") not in ItemResult.values:
            errors.append(_("Item %(item)s: give pass, hazard or not applicable.") % {"item": item.pk})
            continue
        seen.add(item.pk)
        rows.append(
            {
                "item": item.pk,
                "text": item.text,
                "clause": item.clause,
                "hazard_when": item.hazard_when,
                "major": item.major,
                "result": answer["result"],
                "note": (answer.get("note") or "").strip()[:500],
            }
        )
    missing = [pk for pk in items if pk not in seen]
    if missing:
        errors.append(_("Give a result for every item (%(count)d left).") % {"count": len(missing)})
    if errors:
        raise ValidationError({"results": errors})
    return sorted(rows, key=lambda row: (items[row["item"]].order, row["item"]))


def inspection_record(
    *, actor, inspection, results: list[dict], photos: dict | None = None, submission_key=None
) -> list[Hazard]:
    """Save an inspection with its checklist results; every item marked *hazard* becomes a hazard
    (major when the checklist item says so) with the photos taken for that item (``photos``: item id →
    uploads). The target's *last inspected* moves on. Returns the hazards. Every photo is checked
    before anything is stored, and the stored files are removed again if the save fails.

    ``results`` rows carry a snapshot of their item (see :func:`checklist_results`), so later checklist
    edits never change what this inspection recorded. ``submission_key`` (a UUID the form generates when
    it opens) makes a resubmission harmless: a key already recorded raises :class:`AlreadyRecorded` with
    that inspection, and nothing is written twice.
    """
    from django.db import IntegrityError

    from .models import Inspection
    from .photos import check_photos

    photos = photos or {}
    if submission_key is not None:
        existing = Inspection.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            raise AlreadyRecorded(existing)
        inspection.submission_key = submission_key
    check_photos([upload for uploads in photos.values() for upload in uploads])
    try:
        return _inspection_save(actor=actor, inspection=inspection, results=results, photos=photos)
    except (IntegrityError, ValidationError):
        # Two copies of one form raced and the other one won: report it rather than fail.
        existing = Inspection.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is not None:
            raise AlreadyRecorded(existing) from None
        raise


def _inspection_save(*, actor, inspection, results: list[dict], photos: dict) -> list[Hazard]:
    from .choices import ItemResult
    from .models import ChecklistItem
    from .photos import files_removed_on_failure, store_photo

    with files_removed_on_failure(), transaction.atomic():
        inspection.inspector = actor
        inspection.results = results
        object_save(actor=actor, instance=inspection, change_reason="inspected")
        target = inspection.target
        if target.last_inspected_at is None or inspection.inspected_at > target.last_inspected_at:
            target.last_inspected_at = inspection.inspected_at
            object_save(actor=actor, instance=target, change_reason="inspected")
        unknown = [r.get("item") for r in results if r.get("item") and "major" not in r]
        majors = set(ChecklistItem.objects.filter(pk__in=unknown, major=True).values_list("pk", flat=True))
        hazards = []
        for row in results:
            if row.get("result") != ItemResult.HAZARD:
                continue
            title = (row.get("note") or row.get("hazard_when") or row.get("text") or "")[:200]
            description = "\n".join(filter(None, [row.get("text"), row.get("clause"), row.get("note")]))
            major = row["major"] if "major" in row else row.get("item") in majors
            hazard = Hazard(
                target=target,
                region=target.region,
                inspection=inspection,
                title=title,
                description=description,
                level=HazardLevel.MAJOR if major else HazardLevel.ORDINARY,
                found_at=inspection.inspected_at,
            )
            hazards.append(hazard_report(actor=actor, hazard=hazard))
            for upload in photos.get(row.get("item"), ()):
                store_photo(actor=actor, hazard=hazard, upload=upload, stage="found")
    return hazards


# ---- checklists ------------------------------------------------------------------------------------


def may_edit_checklists(user) -> bool:
    """Checklists are city-wide configuration: the permission, and a scope covering the whole city."""
    from django.conf import settings

    from safecity.core.scoping import get_scopes
    from safecity.geo.codes import prefix_of

    if not user.is_authenticated or not user.has_perm("hazards.change_checklist"):
        return False
    return get_scopes(user).covers_prefix(prefix_of(settings.SAFECITY["CITY_CODE"]))


@transaction.atomic
def checklist_save(*, actor, form, items) -> Checklist:
    """Save a checklist and its items (the validated ``ChecklistForm`` and item formset) with history.

    Inspections already done keep the snapshot of the items they were answered against.
    """
    from django.core.exceptions import PermissionDenied

    if not may_edit_checklists(actor):
        raise PermissionDenied
    checklist = form.save(commit=False)
    checklist._history_user = actor
    checklist._change_reason = "edited"
    checklist.save()
    items.instance = checklist
    for item in items.save(commit=False):
        item.checklist = checklist
        item._history_user = actor
        item.save()
    for item in items.deleted_objects:
        item._history_user = actor
        item.delete()
    return checklist
