"""Training state changes: attendees, results (a pass issues the certificate), certificates, the expiry sweep.

Keyword-only, atomic, saved through ``core.services.object_save`` (history, scope re-checked). Refusals are
``ValidationError``s with a message for the user; nothing is written when one is raised.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import NotificationLevel
from safecity.core.notifications import notify
from safecity.core.services import object_save

from . import rules, selectors
from .models import Attendance, Certificate, Course


def add_attendee(*, actor, course: Course, attendance: Attendance) -> Attendance:
    """Enrol one person on a course (a volunteer, expert, team member or another person)."""
    attendance.course = course
    return object_save(actor=actor, instance=attendance, change_reason=_("enrolled"))


def certificate_number(attendance: Attendance, issued_on: date) -> str:
    """``<county code>-<year>-<course>-<attendance>``: unique, and readable on the paper certificate."""
    return f"{attendance.course.region.code[:6]}-{issued_on:%Y}-{attendance.course_id:05d}-{attendance.pk:05d}"


def record_result(
    *, actor, attendance: Attendance, passed: bool, score: Decimal | None = None, issued_on: date | None = None
) -> Certificate | None:
    """Record an attendee's result. A pass in a course that issues certificates issues one (once), valid for the
    course's (or topic's) months. A pass whose certificate is already issued cannot be turned into a fail here:
    archive the certificate first. Returns the certificate issued now, if any."""
    if score is not None and not (Decimal("0") <= Decimal(score) <= Decimal("100")):
        raise ValidationError({"score": _("The score must be between 0 and 100.")})
    existing = Certificate.objects.filter(attendance=attendance, archived_at__isnull=True).first()
    if existing is not None and not passed:
        raise ValidationError(
            _("Certificate %(number)s was issued for this pass; archive it before recording a fail.")
            % {"number": existing.number}
        )
    with transaction.atomic():
        attendance.passed = passed
        attendance.score = score
        attendance.assessed_at = timezone.now()
        object_save(actor=actor, instance=attendance, change_reason=_("passed") if passed else _("not passed"))
        if passed and attendance.course.issues_certificate and existing is None:
            return issue_certificate(actor=actor, attendance=attendance, issued_on=issued_on)
    return None


def issue_certificate(*, actor, attendance: Attendance, issued_on: date | None = None) -> Certificate:
    """Issue the certificate of a passed attendance (the holder's region, the course's topic and validity)."""
    if not attendance.passed:
        raise ValidationError(_("Only a pass earns a certificate."))
    if Certificate.objects.filter(attendance=attendance).exists():
        raise ValidationError(_("The certificate of this attendance has already been issued."))
    course = attendance.course
    issued_on = issued_on or course.ends_on
    certificate = Certificate(
        attendance=attendance,
        course=course,
        topic=course.topic,
        holder_kind=attendance.holder_kind,
        volunteer=attendance.volunteer,
        expert=attendance.expert,
        team_member=attendance.team_member,
        person_name=attendance.person_name,
        person_id_number=attendance.person_id_number,
        person_phone=attendance.person_phone,
        region=attendance.holder_region() or course.region,
        number=certificate_number(attendance, issued_on),
        issued_on=issued_on,
        expires_on=rules.expiry_date(issued_on, course.certificate_validity),
        issuing_body=course.issuing_body or course.organiser,
    )
    return object_save(actor=actor, instance=certificate, change_reason=_("issued on passing the course"))


def sweep_expiring(*, today: date | None = None) -> dict[str, int]:
    """Tell the staff looking after each holder's area about certificates expiring within the window — once per
    certificate and expiry date (a renewed certificate with a new date is told again). Idempotent."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=rules.EXPIRING_WITHIN_DAYS)
    certificates = (
        Certificate.objects.filter(archived_at__isnull=True, expires_on__gte=today, expires_on__lte=horizon)
        .select_related("region", "topic", "volunteer", "expert", "team_member__team")
        .order_by("expires_on", "pk")
    )
    keepers_by_region: dict[int, list] = {}
    sent = 0
    for certificate in certificates:
        if certificate.region_id not in keepers_by_region:
            keepers_by_region[certificate.region_id] = selectors.keepers_of(certificate.region)
        recipients = keepers_by_region[certificate.region_id]
        if not recipients:
            continue
        days = (certificate.expires_on - today).days
        made = notify(
            recipients=recipients,
            title=_("Certificate expiring: %(holder)s · %(topic)s")
            % {"holder": certificate.holder_name, "topic": certificate.topic},
            body=_("Certificate %(number)s expires on %(date)s (in %(days)s days); arrange a refresher course.")
            % {"number": certificate.number, "date": certificate.expires_on.isoformat(), "days": days},
            url=certificate.get_absolute_url(),
            level=NotificationLevel.WARNING,
            target=certificate,
            dedupe_key=f"training.certificate-expiring:{certificate.pk}:{certificate.expires_on.isoformat()}",
        )
        sent += len(made)
    return {"notified": sent}
