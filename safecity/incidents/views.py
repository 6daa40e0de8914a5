"""Incident pages: the generic list/detail/history/edit, plus filing reports, making deadlines and the board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectView, ObjectViews, _add_model_errors

from .choices import DeadlineState, IncidentStatus, Level, ReportKind
from .filtersets import IncidentFilterSet
from .forms import DeadlineCompleteForm, IncidentEditForm, IncidentForm, ReportForm
from .models import Incident, ReportDeadline
from .services import ReportContent, deadline_complete, incident_close, incident_follow_up, incident_report
from .tables import IncidentTable, level_badge

STATE_CLASS = {
    DeadlineState.OVERDUE: "sc-overdue",
    DeadlineState.DUE_SOON: "sc-due-soon",
    DeadlineState.OPEN: "text-bg-light border",
    DeadlineState.DONE: "sc-done",
    DeadlineState.DONE_LATE: "sc-due-hour",
}


def deadline_rows(deadlines, now=None):
    now = now or timezone.now()
    rows = []
    for deadline in deadlines:
        state = deadline.state(now=now)
        rows.append(
            {"deadline": deadline, "state": state, "label": DeadlineState(state).label, "css": STATE_CLASS[state]}
        )
    return rows


def _content(form: ReportForm) -> ReportContent:
    return ReportContent(**form.cleaned_data)


class IncidentCreateView(ObjectView):
    """The initial report: what happened, where, when, and the first figures."""

    action = "add"
    template_name = "incidents/incident_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.can("add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"occurred_at": now, "learned_at": now, **dict(request.GET.items())}
        report_initial = {}
        entry = self.log_entry(request.GET.get("duty_log_entry"))
        if entry is not None:
            # Opened from a call in the duty log: carry over what the officer already wrote down.
            initial.update(
                title=entry.summary,
                occurred_at=timezone.localtime(entry.occurred_at),
                learned_at=timezone.localtime(entry.recorded_at),
                address=entry.place,
                region=entry.post.region_id,
                duty_log_entry=entry.pk,
            )
            report_initial["summary"] = "\n".join(filter(None, [entry.summary, entry.details]))
        return self.render_forms(
            IncidentForm(user=request.user, initial=initial), ReportForm(user=request.user, initial=report_initial)
        )

    def log_entry(self, pk):
        from safecity.duty.models import DutyLogEntry

        if not pk or not str(pk).isdigit():
            return None
        return DutyLogEntry.objects.restrict(self.request.user, "view").select_related("post").filter(pk=pk).first()

    def post(self, request, *args, **kwargs):
        incident_form = IncidentForm(data=request.POST, user=request.user)
        report_form = ReportForm(data=request.POST, user=request.user)
        if incident_form.is_valid() and report_form.is_valid():
            incident = incident_form.save(commit=False)
            try:
                incident_report(actor=request.user, incident=incident, content=_content(report_form))
            except OutOfScope as exc:
                incident_form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(incident_form, exc)
            else:
                messages.success(
                    request, _("Initial report filed: %(level)s.") % {"level": incident.get_level_display() or "—"}
                )
                return HttpResponseRedirect(incident.get_absolute_url())
        return self.render_forms(incident_form, report_form, status=400)

    def render_forms(self, incident_form, report_form, status=200):
        ctx = self.base_context(forms=[incident_form, report_form], heading=_("New incident: initial report"))
        return render(self.request, self.template_name, ctx, status=status)


class ReportCreateView(ObjectView):
    """A follow-up or the final report on an open incident."""

    action = "change"
    template_name = "incidents/incident_form.html"

    def get_incident(self):
        return self.get_object("change")

    def get(self, request, *args, **kwargs):
        incident = self.get_incident()
        latest = incident.latest_report
        initial = (
            {name: getattr(latest, name) for name in ReportForm.Meta.fields if name != "summary"} if latest else {}
        )
        return self.render_form(incident, ReportForm(user=request.user, initial=initial))

    def post(self, request, *args, **kwargs):
        incident = self.get_incident()
        form = ReportForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                incident_follow_up(actor=request.user, incident=incident, content=_content(form), final=self.final)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                incident.refresh_from_db()
                messages.success(
                    request, _("Report filed. Level now: %(level)s.") % {"level": incident.get_level_display() or "—"}
                )
                return HttpResponseRedirect(incident.get_absolute_url())
        return self.render_form(incident, form, status=400)

    @property
    def final(self) -> bool:
        return self.kwargs.get("kind") == "final"

    def render_form(self, incident, form, status=200):
        heading = _("Final report: %(title)s") if self.final else _("Follow-up report: %(title)s")
        ctx = self.base_context(object=incident, forms=[form], heading=heading % {"title": incident.title})
        return render(self.request, self.template_name, ctx, status=status)


class DeadlineCompleteView(ObjectView):
    """Record that a required report was made."""

    action = "change"

    def post(self, request, *args, **kwargs):
        incident = self.get_object("change")
        deadline = get_object_or_404(ReportDeadline, pk=kwargs["deadline"], incident=incident)
        form = DeadlineCompleteForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                deadline_complete(
                    actor=request.user,
                    deadline=deadline,
                    done_at=form.cleaned_data["done_at"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Recorded: %(label)s.") % {"label": deadline.label})
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(incident.get_absolute_url() + "#deadlines")


class IncidentCloseView(ObjectView):
    action = "change"

    def post(self, request, *args, **kwargs):
        incident = self.get_object("change")
        try:
            incident_close(actor=request.user, incident=incident)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Incident closed."))
        return HttpResponseRedirect(incident.get_absolute_url())


class IncidentViews(ObjectViews):
    model = Incident
    table = IncidentTable
    filterset = IncidentFilterSet
    form = IncidentEditForm
    select_related = ("region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": IncidentCreateView}
    detail_template = "incidents/incident_detail.html"
    detail_fields = [
        "title",
        "category",
        "subtype",
        "region",
        "address",
        "occurred_at",
        "learned_at",
        "unit",
        "duty_log_entry",
        "status",
    ]
    empty_hint = gettext_lazy("No incidents in your area. File an initial report when one happens.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        reports = list(obj.reports.select_related("reported_by").order_by("-sequence"))
        deadlines = obj.deadlines.select_related("done_by").order_by("waived", "due_at")
        open_incident = obj.status == IncidentStatus.OPEN and not any(r.kind == ReportKind.FINAL for r in reports)
        from django.contrib.contenttypes.models import ContentType

        from safecity.core.models import Notification

        alerts = (
            Notification.objects.filter(target_type=ContentType.objects.get_for_model(Incident), target_id=obj.pk)
            .select_related("recipient")
            .order_by("-created_at")[:100]
        )
        return {
            "alerts": alerts,
            "reports": reports,
            "deadline_rows": deadline_rows(deadlines),
            "level_badge": level_badge(obj),
            "can_report": open_incident and request.user.has_perm("incidents.change_incident"),
            "can_close": obj.status == IncidentStatus.OPEN and any(r.kind == ReportKind.FINAL for r in reports),
            "complete_form": DeadlineCompleteForm(user=request.user),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("incidents/<int:pk>/report/<str:kind>/", ReportCreateView.as_view(config=cls), name="incident_report"),
            path(
                "incidents/<int:pk>/deadlines/<int:deadline>/complete/",
                DeadlineCompleteView.as_view(config=cls),
                name="incident_deadline_complete",
            ),
            path("incidents/<int:pk>/close/", IncidentCloseView.as_view(config=cls), name="incident_close"),
            path("board/", board, name="board"),
        ]


@login_required
def board(request):
    """Open incidents by level, and every open reporting deadline by urgency — the duty room's wall."""
    now = timezone.now()
    incidents = list(
        Incident.objects.restrict(request.user, "view")
        .active()
        .filter(status=IncidentStatus.OPEN)
        .select_related("region")
    )
    columns = []
    for level in [*Level, None]:
        items = [i for i in incidents if i.level == (level.value if level else None)]
        label = level.label if level else _("not judged")
        columns.append(
            {"label": label, "css": f"sc-level-{level.value}" if level else "text-bg-secondary", "items": items}
        )
    deadlines = (
        ReportDeadline.objects.filter(
            incident__in=[i.pk for i in incidents], done_at__isnull=True, waived=False, window=False
        )
        .select_related("incident")
        .order_by("due_at")
    )
    rows = deadline_rows(deadlines, now=now)
    counts = {
        state: sum(1 for r in rows if r["state"] == state) for state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON)
    }
    ctx = {
        "columns": columns,
        "deadline_rows": rows,
        "overdue": counts[DeadlineState.OVERDUE],
        "due_soon": counts[DeadlineState.DUE_SOON],
        "now": now,
    }
    template = "incidents/board_content.html" if getattr(request, "htmx", False) else "incidents/board.html"
    return render(request, template, ctx)
