"""Training pages: courses with their attendees and results, the certificate register ("who is trained"),
and the certificates expiring or expired."""

from __future__ import annotations

from datetime import timedelta

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectView, ObjectViews

from . import rules, services
from .choices import CertificateStatus
from .filtersets import CertificateFilterSet, CourseFilterSet
from .forms import AttendanceForm, CertificateForm, CourseForm, ResultForm
from .models import Attendance, Certificate, Course
from .tables import CertificateTable, CourseTable

HOLDER_RELATED = ("region", "topic", "volunteer", "expert", "team_member__team")


class CourseActionView(ObjectView):
    """Enrol an attendee; record an attendee's result (a pass issues the certificate)."""

    action = "change"

    def post(self, request, *args, **kwargs):
        course = self.get_object("change")
        step = kwargs["step"]
        try:
            if step == "attendee":
                form = AttendanceForm(data=request.POST, user=request.user, course=course)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.add_attendee(actor=request.user, course=course, attendance=form.save(commit=False))
                messages.success(request, _("Attendee added."))
            elif step == "result":
                attendance = get_object_or_404(course.attendances, pk=request.POST.get("attendance"))
                form = ResultForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                certificate = services.record_result(actor=request.user, attendance=attendance, **form.cleaned_data)
                if certificate is not None:
                    messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
                else:
                    messages.success(request, _("Result recorded."))
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(course.get_absolute_url())


class CourseViews(ObjectViews):
    model = Course
    table = CourseTable
    filterset = CourseFilterSet
    form = CourseForm
    select_related = ("region", "topic")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_template = "training/course_detail.html"
    detail_fields = [
        "title",
        "topic",
        "organiser",
        "region",
        "starts_on",
        "ends_on",
        "hours",
        "place",
        "issues_certificate",
        "validity_months",
        "issuing_body",
        "notes",
    ]
    empty_hint = gettext_lazy("No training courses in your area yet.")

    @classmethod
    def base_queryset(cls):
        rows = Attendance.objects.filter(course=OuterRef("pk"), archived_at__isnull=True).values("course")
        count = rows.annotate(n=Count("pk")).values("n")
        passed = rows.filter(passed=True).annotate(n=Count("pk")).values("n")
        return (
            super()
            .base_queryset()
            .annotate(
                attendee_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
                passed_count=Coalesce(Subquery(passed, output_field=IntegerField()), 0),
            )
        )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        attendances = (
            obj.attendances.filter(archived_at__isnull=True)
            .select_related("volunteer", "expert", "team_member__team", "certificate")
            .order_by("pk")
        )
        return {
            "attendances": attendances,
            "attendance_form": AttendanceForm(user=request.user),
            "result_form": ResultForm(user=request.user),
            "can_act": request.user.has_perm("training.change_course") and obj.archived_at is None,
            "validity": obj.certificate_validity,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("courses/<int:pk>/<str:step>/", CourseActionView.as_view(config=cls), name="course_action"),
            path("expiring/", expiring, name="expiring"),
        ]


class CertificateViews(ObjectViews):
    model = Certificate
    table = CertificateTable
    filterset = CertificateFilterSet
    form = CertificateForm
    select_related = HOLDER_RELATED
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"person_id_number": "id_number", "person_phone": "phone"}
    detail_template = "training/certificate_detail.html"
    detail_fields = [
        "number",
        "holder_kind",
        "volunteer",
        "expert",
        "team_member",
        "person_name",
        "person_id_number",
        "person_phone",
        "region",
        "topic",
        "course",
        "issued_on",
        "expires_on",
        "issuing_body",
        "notes",
    ]
    empty_hint = gettext_lazy("No certificates recorded in your area yet.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        status = obj.status
        return {"certificate_status": status, "status_label": CertificateStatus(status).label}


@login_required
def expiring(request):
    """Certificates expired or expiring within the window, soonest first, in the user's area."""
    today = timezone.localdate()
    horizon = today + timedelta(days=rules.EXPIRING_WITHIN_DAYS)
    queryset = (
        Certificate.objects.restrict(request.user, "view")
        .active()
        .filter(Q(expires_on__lte=horizon))
        .select_related(*HOLDER_RELATED)
        .order_by("expires_on", "pk")
    )
    filterset = CertificateFilterSet(request.GET or None, queryset=queryset, request=request)
    table = CertificateTable(filterset.qs, exclude=("status",))
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "training/expiring.html",
        {"table": table, "filterset": filterset, "days": rules.EXPIRING_WITHIN_DAYS},
    )
