"""Plan and drill pages: generic lists and forms, a plan page with its documents and drills, a drill
page with its problems and their follow-up tasks."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectDetailView, ObjectViews, _add_model_errors
from safecity.tasks import attachments
from safecity.tasks.tables import status_badge

from . import services
from .filtersets import ContingencyPlanFilterSet, DrillFilterSet
from .forms import (
    ActivateForm,
    ContingencyPlanForm,
    ContingencyPlanImportForm,
    DocumentForm,
    DrillForm,
    PlanActionForm,
    ProblemForm,
)
from .models import ContingencyPlan, Drill, PlanDocument
from .selectors import activation_tasks, problem_summary, with_last_drill
from .tables import ContingencyPlanTable, DrillProblemTable, DrillTable


def _plan_context(request, plan, document_form=None, action_form=None, activate_form=None) -> dict:
    last = plan.drills.filter(archived_at__isnull=True).order_by("-held_on").values_list("held_on", flat=True).first()
    drills = DrillTable(
        plan.drills.restrict(request.user, "view")
        .filter(archived_at__isnull=True)
        .select_related("plan", "region", "organiser"),
        exclude=("plan", "status"),
    )
    tables.RequestConfig(request, paginate={"per_page": 20}).configure(drills)
    can_change = request.user.has_perm("plans.change_contingencyplan") and plan.archived_at is None
    return {
        "last_drill_on": last,
        "drill_overdue": plan.drill_overdue(last),
        "drill_months": plan.drill_interval_months(),
        "review_due": plan.review_due(),
        "drills": drills,
        "documents": list(plan.documents.filter(archived_at__isnull=True).select_related("created_by")),
        "document_form": document_form or (DocumentForm(user=request.user) if can_change else None),
        "can_add_drill": request.user.has_perm("plans.add_drill") and plan.archived_at is None,
        **_activation_context(request, plan, can_change, action_form, activate_form),
    }


def _activation_context(request, plan, can_change: bool, action_form=None, activate_form=None) -> dict:
    """The plan's tasks to hand out, its activations with their tasks' states, and the forms."""
    user = request.user
    may_task = can_change and user.has_perm("tasks.add_task")
    activations = list(
        plan.activations.restrict(user, "view")
        .filter(archived_at__isnull=True)
        .select_related("warning", "created_by")[:20]
    )
    return {
        "plan_actions": list(plan.actions.filter(archived_at__isnull=True).select_related("responsible_organization")),
        "activations": [(a, [(t, status_badge(t)) for t in activation_tasks(a, user)]) for a in activations],
        "action_form": action_form or (PlanActionForm(user=user) if can_change else None),
        "activate_form": activate_form or (ActivateForm(user=user) if may_task else None),
    }


def _drill_context(request, drill, problem_form=None) -> dict:
    problems = list(
        drill.problems.filter(archived_at__isnull=True).select_related("task__responsible_organization", "drill")
    )
    table = DrillProblemTable(problems)
    can_add = (
        request.user.has_perm("plans.add_drillproblem")
        and request.user.has_perm("tasks.add_task")
        and drill.archived_at is None
    )
    return {
        "problems": table,
        "summary": problem_summary(problems),
        "problem_form": problem_form or (ProblemForm(user=request.user) if can_add else None),
        "participants": list(drill.participants.all()),
    }


class ContingencyPlanViews(ObjectViews):
    model = ContingencyPlan
    table = ContingencyPlanTable
    filterset = ContingencyPlanFilterSet
    form = ContingencyPlanForm
    import_form = ContingencyPlanImportForm
    select_related = ("region", "owner")
    detail_template = "plans/plan_detail.html"
    detail_fields = [
        "title",
        "plan_type",
        "category",
        "region",
        "owner",
        "version",
        "approved_on",
        "next_review_on",
        "status",
        "summary",
    ]
    empty_hint = gettext_lazy(
        "No contingency plans in your area yet. Add the plans in force (or import the register) and attach their texts."
    )

    @classmethod
    def base_queryset(cls):
        return with_last_drill(super().base_queryset())

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return _plan_context(request, obj)

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("contingencyplans/<int:pk>/documents/", DocumentUploadView.as_view(config=cls), name="plan_documents"),
            path("documents/<int:pk>/", document, name="document"),
            path("review-due/", review_due, name="review_due"),
            path("contingencyplans/<int:pk>/actions/", PlanActionAddView.as_view(config=cls), name="plan_action_add"),
            path("contingencyplans/<int:pk>/activate/", PlanActivateView.as_view(config=cls), name="plan_activate"),
        ]


class DocumentUploadView(ObjectDetailView):
    """Attach documents to a plan (POST). A refused file: the page again with the reason, nothing stored."""

    action = "change"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object("view").get_absolute_url())

    def post(self, request, *args, **kwargs):
        plan = self.get_object("change")
        form = DocumentForm(data=request.POST, files=request.FILES, user=request.user)
        if form.is_valid():
            try:
                documents = services.plan_attach_documents(
                    actor=request.user,
                    plan=plan,
                    uploads=request.FILES.getlist("files"),
                    description=form.cleaned_data.get("description", ""),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    _add_model_errors(form, exc)
                else:
                    form.add_error("files", exc.messages)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(count)d documents attached.") % {"count": len(documents)})
                return HttpResponseRedirect(plan.get_absolute_url())
        return _render_detail(self, plan, _plan_context(request, plan, document_form=form), status=400)


class PlanActionAddView(ObjectDetailView):
    """Add a task the plan hands out when activated (POST)."""

    action = "change"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object("view").get_absolute_url())

    def post(self, request, *args, **kwargs):
        plan = self.get_object("change")
        form = PlanActionForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                services.plan_action_add(actor=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Plan task added."))
                return HttpResponseRedirect(f"{plan.get_absolute_url()}#plan-actions")
        return _render_detail(self, plan, _plan_context(request, plan, action_form=form), status=400)


class PlanActivateView(ObjectDetailView):
    """Activate the plan by hand (POST): its tasks are handed out now."""

    action = "change"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object("view").get_absolute_url())

    def post(self, request, *args, **kwargs):
        plan = self.get_object("change")
        form = ActivateForm(data=request.POST, user=request.user)
        if not request.user.has_perm("tasks.add_task"):
            form.add_error(None, _("You may not hand out tasks."))
        elif form.is_valid():
            try:
                activation = services.plan_activate(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                count = activation.plan.actions.filter(archived_at__isnull=True).count()
                messages.success(request, _("Plan activated: %(count)d tasks handed out.") % {"count": count})
                return HttpResponseRedirect(activation.get_absolute_url())
        return _render_detail(self, plan, _plan_context(request, plan, activate_form=form), status=400)


def _render_detail(view, obj, extra: dict, status: int):
    """The generic detail page of ``obj`` with ``extra`` context (used to show a refused form again)."""
    from django.shortcuts import render

    from safecity.core.views import _url

    config = view.config
    ctx = view.base_context(
        object=obj,
        rows=view.detail_rows(obj),
        related=[],
        history_url=_url(config, "history", pk=obj.pk),
        edit_url=_url(config, "edit", pk=obj.pk),
        archive_url=_url(config, "archive", pk=obj.pk),
        restore_url=_url(config, "restore", pk=obj.pk),
        tab="details",
    )
    ctx.update(extra)
    return render(view.request, config.detail_template, ctx, status=status)


@login_required
def document(request, pk: int):
    """A plan document, only for those who may see the plan; always downloaded, never shown inline."""
    doc = get_object_or_404(PlanDocument.objects.restrict(request.user, "view"), pk=pk)
    kind = attachments.KINDS[doc.kind]
    response = FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=doc.filename, content_type=kind.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
def review_due(request):
    """The plans due for review: the plan list, filtered."""
    return HttpResponseRedirect(f"{reverse('plans:contingencyplan_list')}?review_due=true")


class ProblemAddView(ObjectDetailView):
    """Record a problem found in a drill (POST); its follow-up task is created with it."""

    action = "view"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, *args, **kwargs):
        drill = self.get_object("view")
        form = ProblemForm(data=request.POST, user=request.user)
        if not (request.user.has_perm("plans.add_drillproblem") and request.user.has_perm("tasks.add_task")):
            form.add_error(None, _("You may not record drill problems."))
        elif form.is_valid():
            try:
                problem = services.drill_problem_add(actor=request.user, drill=drill, **form.cleaned_data)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Problem recorded; follow-up task created: %(task)s") % {"task": problem.task}
                )
                return HttpResponseRedirect(f"{drill.get_absolute_url()}#problem-{problem.pk}")
        return _render_detail(self, drill, _drill_context(request, drill, problem_form=form), status=400)


class DrillViews(ObjectViews):
    model = Drill
    table = DrillTable
    filterset = DrillFilterSet
    form = DrillForm
    select_related = ("region", "plan", "organiser")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_template = "plans/drill_detail.html"
    detail_fields = [
        "title",
        "plan",
        "kind",
        "held_on",
        "region",
        "place",
        "organiser",
        "headcount",
        "scenario",
        "rating",
        "evaluation",
    ]
    empty_hint = gettext_lazy("No drills recorded in your area yet.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return _drill_context(request, obj)

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("drills/<int:pk>/problems/", ProblemAddView.as_view(config=cls), name="drill_problem_add"),
        ]
