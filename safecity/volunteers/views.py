"""Volunteer pages: volunteers (registration with consent, status), teams with members, deployments with
their volunteers and hours, and the service-hours report with its XLSX export."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.masking import mask_id_number
from safecity.core.models import PersonalDataAccess
from safecity.core.reveal import REVEAL_PERMISSION
from safecity.core.views import ObjectView, ObjectViews

from . import rules, selectors, services
from .filtersets import DeploymentFilterSet, VolunteerFilterSet, VolunteerTeamFilterSet
from .forms import (
    DeploymentForm,
    HoursForm,
    HoursReportForm,
    MembershipForm,
    ParticipantsForm,
    StatusForm,
    VolunteerForm,
    VolunteerImportForm,
    VolunteerTeamForm,
)
from .models import Deployment, Participation, TeamMembership, Volunteer, VolunteerTeam
from .tables import DeploymentTable, MembershipTable, ParticipationTable, VolunteerTable, VolunteerTeamTable

HOURS = DecimalField(max_digits=9, decimal_places=1)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class VolunteerActionView(ObjectView):
    """The volunteer page's status change (active ↔ inactive, with the reason)."""

    action = "change"

    def post(self, request, *args, **kwargs):
        volunteer = self.get_object("change")
        form = StatusForm(data=request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.set_status(actor=request.user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return HttpResponseRedirect(volunteer.get_absolute_url())


class VolunteerViews(ObjectViews):
    model = Volunteer
    table = VolunteerTable
    filterset = VolunteerFilterSet
    form = VolunteerForm
    import_form = VolunteerImportForm
    import_bulk = False  # skills are a many-to-many: each row is saved with its skills
    select_related = ("region",)
    prefetch_related = ("skills",)
    masked_fields = {"id_number": "id_number", "phone": "phone"}
    detail_template = "volunteers/volunteer_detail.html"
    detail_fields = [
        "name",
        "id_number",
        "sex",
        "birth_date",
        "phone",
        "employer",
        "region",
        "address",
        "joined_on",
        "status",
        "status_reason",
        "status_since",
        "consent_at",
        "consent_version",
        "notes",
    ]
    related = [
        (gettext_lazy("Teams"), "memberships", MembershipTable),
        (gettext_lazy("Deployments"), "participations", ParticipationTable),
    ]
    empty_hint = gettext_lazy("No volunteers registered in your area yet.")

    @classmethod
    def base_queryset(cls):
        hours = (
            Participation.objects.filter(
                volunteer=OuterRef("pk"), archived_at__isnull=True, deployment__archived_at__isnull=True
            )
            .values("volunteer")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        return (
            super()
            .base_queryset()
            .annotate(total_hours=Coalesce(Subquery(hours, output_field=HOURS), Value(Decimal("0"))))
        )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return {
            "skills": obj.skills.all(),
            "status_form": StatusForm(user=request.user, initial={"status": "inactive" if obj.active else "active"}),
            "can_act": request.user.has_perm("volunteers.change_volunteer") and obj.archived_at is None,
            "total_hours": selectors.total_hours(obj),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("volunteers/<int:pk>/status/", VolunteerActionView.as_view(config=cls), name="volunteer_status"),
            path("hours/", hours_report, name="hours"),
        ]


class TeamActionView(ObjectView):
    """Add a member to a volunteer team, or record that one left."""

    action = "change"

    def post(self, request, *args, **kwargs):
        team = self.get_object("change")
        step = kwargs["step"]
        try:
            if step == "add-member":
                form = MembershipForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.add_member(actor=request.user, team=team, **form.cleaned_data)
            elif step == "leave":
                membership = get_object_or_404(team.memberships, pk=request.POST.get("membership"))
                services.end_membership(actor=request.user, membership=membership)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return HttpResponseRedirect(team.get_absolute_url())


class VolunteerTeamViews(ObjectViews):
    model = VolunteerTeam
    table = VolunteerTeamTable
    filterset = VolunteerTeamFilterSet
    form = VolunteerTeamForm
    select_related = ("region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"contact_phone": "phone"}
    detail_template = "volunteers/team_detail.html"
    detail_fields = ["name", "specialty", "region", "contact_phone", "notes"]

    @classmethod
    def base_queryset(cls):
        members = (
            TeamMembership.objects.filter(team=OuterRef("pk"), left_on__isnull=True)
            .values("team")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super().base_queryset().annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0))
        )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return {
            "memberships": obj.memberships.select_related("volunteer").order_by("left_on", "role", "volunteer__name"),
            "member_form": MembershipForm(user=request.user),
            "can_act": request.user.has_perm("volunteers.change_volunteerteam") and obj.archived_at is None,
            "leader": obj.leader,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path(
                "volunteerteams/<int:pk>/<str:step>/", TeamActionView.as_view(config=cls), name="volunteerteam_action"
            ),
        ]


class DeploymentActionView(ObjectView):
    """Send volunteers (or a whole team) on a deployment; record one volunteer's hours."""

    action = "change"

    def post(self, request, *args, **kwargs):
        deployment = self.get_object("change")
        step = kwargs["step"]
        try:
            if step == "participants":
                form = ParticipantsForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                created = services.add_participants(
                    actor=request.user, deployment=deployment, volunteers=form.cleaned_data["volunteers"]
                )
                if form.cleaned_data["team"]:
                    more, inactive = services.add_team(
                        actor=request.user, deployment=deployment, team=form.cleaned_data["team"]
                    )
                    created += more
                    if inactive:
                        messages.warning(
                            request,
                            _("Inactive members stay home: %(names)s.")
                            % {"names": "、".join(v.name for v in inactive)},
                        )
                messages.success(request, _("%(count)s volunteers added.") % {"count": len(created)})
            elif step == "hours":
                participation = get_object_or_404(deployment.participations, pk=request.POST.get("participation"))
                form = HoursForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.record_hours(actor=request.user, participation=participation, **form.cleaned_data)
                messages.success(
                    request,
                    _("Hours of %(name)s confirmed: %(hours)s.")
                    % {"name": participation.volunteer.name, "hours": participation.hours},
                )
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(deployment.get_absolute_url())


class DeploymentViews(ObjectViews):
    model = Deployment
    table = DeploymentTable
    filterset = DeploymentFilterSet
    form = DeploymentForm
    select_related = ("region", "team", "incident")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_template = "volunteers/deployment_detail.html"
    detail_fields = ["title", "kind", "incident", "team", "starts_at", "ends_at", "region", "place", "notes"]
    empty_hint = gettext_lazy("No deployments recorded in your area yet.")

    @classmethod
    def base_queryset(cls):
        rows = Participation.objects.filter(deployment=OuterRef("pk"), archived_at__isnull=True).values("deployment")
        count = rows.annotate(n=Count("pk")).values("n")
        hours = rows.annotate(total=Sum("hours")).values("total")
        return (
            super()
            .base_queryset()
            .annotate(
                participant_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
                hours_total=Coalesce(Subquery(hours, output_field=HOURS), Value(Decimal("0"))),
            )
        )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        participations = (
            obj.participations.filter(archived_at__isnull=True)
            .select_related("volunteer", "confirmed_by")
            .order_by("volunteer__name")
        )
        return {
            "participations": participations,
            "participants_form": ParticipantsForm(user=request.user),
            "can_act": request.user.has_perm("volunteers.change_deployment") and obj.archived_at is None,
            "window_hours": obj.window_hours,
            "hours_total": sum((p.hours for p in participations), Decimal("0")),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path(
                "deployments/<int:pk>/<str:step>/", DeploymentActionView.as_view(config=cls), name="deployment_action"
            ),
        ]


def _log_full_view(user, volunteers) -> None:
    """One personal-data access row per volunteer whose identity number left the system in full."""
    content_type = ContentType.objects.get_for_model(Volunteer)
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(user=user, content_type=content_type, object_id=v.pk, field="id_number")
            for v in volunteers
        ]
    )


@login_required
def hours_report(request):
    """Service hours per volunteer over a period (the deployments that started in it), on screen and as XLSX.

    Identity numbers are masked unless the user may see them in full and asks for it; every full one is logged.
    """
    if not request.user.has_perm("volunteers.view_participation"):
        raise PermissionDenied
    form = HoursReportForm(data=request.GET or None, user=request.user)
    volunteers = Volunteer.objects.restrict(request.user, "view")
    rows = []
    start = end = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = data["start"], data["end"]
        if data["region"]:
            volunteers = volunteers.filter(region__prefix__startswith=data["region"].prefix)
        if data["team"]:
            volunteers = volunteers.filter(memberships__team=data["team"], memberships__left_on__isnull=True)
    if not form.is_bound or form.is_valid():
        rows = selectors.hours_by_volunteer(volunteers, start=start, end=end)
    may_reveal = request.user.has_perm(REVEAL_PERMISSION)
    full = may_reveal and request.GET.get("full") == "1"
    if request.GET.get("_export") == "xlsx" and (not form.is_bound or form.is_valid()):
        if full:
            _log_full_view(request.user, [row.volunteer for row in rows])
        return _hours_xlsx(rows, start=start, end=end, full=full)
    total = sum((row.hours for row in rows), Decimal("0"))
    query = request.GET.copy()
    query.pop("_export", None)
    return render(
        request,
        "volunteers/hours.html",
        {
            "form": form,
            "rows": rows[: rules.HOURS_PAGE_ROWS],
            "count": len(rows),
            "total": total,
            "page_rows": rules.HOURS_PAGE_ROWS,
            "may_reveal": may_reveal,
            "querystring": query.urlencode(),
        },
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


def _hours_xlsx(rows, *, start, end, full: bool) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Service hours"))[:31]
    period = f"{start or '…'} – {end or '…'}"
    sheet.append([str(_("Volunteer service hours")), period])
    sheet.append(
        [
            str(_("name")),
            str(_("identity number")),
            str(_("region")),
            str(_("volunteer teams")),
            str(_("deployments")),
            str(_("service hours")),
        ]
    )
    for row in rows:
        volunteer = row.volunteer
        sheet.append(
            [
                volunteer.name,
                volunteer.id_number if full else mask_id_number(volunteer.id_number),
                volunteer.region.name,
                "、".join(row.teams),
                row.deployments,
                float(row.hours),
            ]
        )
    sheet.append(
        [str(_("Total")), "", "", "", sum(r.deployments for r in rows), float(sum((r.hours for r in rows), 0))]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="volunteer-hours-{stamp}.xlsx"'
    return response
