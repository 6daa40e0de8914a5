"""Task pages: list, detail with the timeline and the step forms, "my tasks"; the steps call the services."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import (
    ObjectArchiveView,
    ObjectDetailView,
    ObjectEditView,
    ObjectView,
    ObjectViews,
    _add_model_errors,
    _url,
)

from . import services
from .filtersets import TaskFilterSet
from .forms import AssignForm, CompleteForm, FeedbackForm, ReasonForm, TaskForm
from .models import Task
from .sources import source_label
from .tables import TaskTable, status_badge

#: Step → (form class or None, service call, success message).
STEPS = {
    "assign": (
        AssignForm,
        lambda request, task, data: services.task_assign(actor=request.user, task=task, **data),
        gettext_lazy("Task assigned."),
    ),
    "start": (
        None,
        lambda request, task, data: services.task_start(actor=request.user, task=task),
        gettext_lazy("Work started."),
    ),
    "feedback": (
        FeedbackForm,
        lambda request, task, data: services.task_feedback(actor=request.user, task=task, **data),
        gettext_lazy("Progress reported."),
    ),
    "complete": (
        CompleteForm,
        lambda request, task, data: services.task_complete(actor=request.user, task=task, **data),
        gettext_lazy("Task reported done."),
    ),
    "cancel": (
        ReasonForm,
        lambda request, task, data: services.task_cancel(actor=request.user, task=task, **data),
        gettext_lazy("Task cancelled."),
    ),
    "reopen": (
        ReasonForm,
        lambda request, task, data: services.task_reopen(actor=request.user, task=task, **data),
        gettext_lazy("Task re-opened."),
    ),
}

#: How each step's form is shown: heading, button, button style.
STEP_BUTTONS = {
    "start": {"button": gettext_lazy("Start work"), "css": "btn-outline-primary"},
    "feedback": {"button": gettext_lazy("Report progress"), "css": "btn-primary"},
    "complete": {"button": gettext_lazy("Report done"), "css": "btn-success"},
    "assign": {"button": gettext_lazy("Re-assign"), "css": "btn-outline-secondary"},
    "cancel": {"button": gettext_lazy("Cancel the task"), "css": "btn-outline-danger"},
    "reopen": {"button": gettext_lazy("Re-open"), "css": "btn-outline-warning"},
}

#: Detail rows left out while they are empty (an open task has no result yet).
HIDE_WHEN_EMPTY = {
    "started_at",
    "completed_at",
    "completed_by",
    "result",
    "evidence",
    "cancelled_at",
    "cancel_reason",
    "reopened_count",
}

#: Change reasons in the history → what the timeline says.
STEP_LABELS = {
    "created": gettext_lazy("task created"),
    "assigned": gettext_lazy("assigned"),
    "started": gettext_lazy("work started"),
    "done": gettext_lazy("reported done"),
    "cancelled": gettext_lazy("cancelled"),
    "archived": gettext_lazy("archived"),
    "restored": gettext_lazy("restored"),
}


def source_of(task: Task, user) -> dict | None:
    """The task's source as ``{"label", "text", "url"}``; the link only when the user may see the source."""
    if task.source_type_id is None:
        return None
    label = source_label(task.source_type)
    model = task.source_type.model_class()
    obj = model._default_manager.filter(pk=task.source_id).first() if model is not None else None
    if obj is None:
        return {"label": label, "text": _("(no longer exists)"), "url": ""}
    manager = model._default_manager
    visible = not hasattr(manager, "restrict") or manager.restrict(user, "view").filter(pk=obj.pk).exists()
    return {"label": label, "text": str(obj), "url": obj.get_absolute_url() if visible else ""}


def timeline(task: Task) -> list[dict]:
    """Steps from the history and the progress reports, oldest first."""
    entries = []
    for record in task.history.select_related("history_user").order_by("history_date", "history_id"):
        reason = record.history_change_reason or ""
        if reason == "feedback":
            continue  # the report itself is in the timeline
        if reason.startswith("re-opened"):
            label, text = _("re-opened"), reason.partition(": ")[2]
        elif reason in STEP_LABELS:
            label, text = STEP_LABELS[reason], ""
            if reason == "done":
                text = record.result
            elif reason == "cancelled":
                text = record.cancel_reason
            elif reason == "assigned":
                text = (
                    f"{record.responsible_organization} {record.responsible_person or ''} · {record.deadline:%Y-%m-%d}"
                )
        else:
            label, text = _("edited"), ""
        entries.append(
            {"when": record.history_date, "who": record.history_user, "label": label, "text": text, "kind": reason}
        )
    for feedback in task.feedback.select_related("author"):
        entries.append(
            {
                "when": feedback.created_at,
                "who": feedback.author,
                "label": _("progress %(percent)d%%") % {"percent": feedback.percent},
                "text": feedback.text,
                "kind": "feedback",
            }
        )
    entries.sort(key=lambda e: e["when"])
    return entries


class TaskDetailView(ObjectDetailView):
    """Header with status and deadline, the source, the timeline and the forms of the steps allowed now."""

    def get(self, request, *args, **kwargs):
        return self.page(self.get_object())

    def page(self, task: Task, bound: dict | None = None, status: int = 200):
        bound = bound or {}
        config = self.config
        user = self.request.user
        can = self.request.user.has_perm("tasks.change_task") and task.archived_at is None
        forms = {}
        for step in STEP_BUTTONS:
            form_class = STEPS[step][0]
            if can and services.allowed(task, step, self.request.user, check_user=True):
                forms[step] = bound.get(step) or (form_class(user=self.request.user) if form_class else None)
        if "assign" in forms and "assign" not in bound:
            forms["assign"] = AssignForm(
                user=self.request.user,
                initial={
                    "responsible_organization": task.responsible_organization_id,
                    "responsible_person": task.responsible_person_id,
                    "deadline": task.deadline,
                },
            )
        ctx = self.base_context(
            object=task,
            rows=[
                row
                for name, row in zip(config.detail_fields, self.detail_rows(task), strict=True)
                if name not in HIDE_WHEN_EMPTY or row["value"] not in (None, "", 0)
            ],
            related=[],
            history_url=_url(config, "history", pk=task.pk),
            edit_url=_url(config, "edit", pk=task.pk) if services.may(user, task, "edit") else None,
            archive_url=_url(config, "archive", pk=task.pk) if services.may(user, task, "archive") else None,
            restore_url=_url(config, "restore", pk=task.pk),
            tab="details",
            steps=[
                {"name": name, "form": form, **STEP_BUTTONS[name], "open": name in bound}
                for name, form in forms.items()
            ],
            badge=status_badge(task),
            source=source_of(task, self.request.user),
            timeline=timeline(task),
            evidence_url=reverse("tasks:task_evidence", kwargs={"pk": task.pk}) if task.evidence_file else "",
        )
        return render(self.request, "tasks/task_detail.html", ctx, status=status)


class TaskStepView(TaskDetailView):
    """One step (POST). A refusal shows the page again with the form as typed and the reason, HTTP 400."""

    action = "change"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.get_object("view").get_absolute_url())

    def post(self, request, *args, **kwargs):
        task = self.get_object("change")
        step = STEPS.get(kwargs["step"])
        if step is None:
            raise Http404
        form_class, run, done = step
        try:  # the user's side first: a refused step says why, whatever was typed
            services.require_side(request.user, task, kwargs["step"])
        except services.StepRefused as exc:
            messages.error(request, exc.message)
            return self.page(task, status=403)
        form = form_class(data=request.POST, files=request.FILES, user=request.user) if form_class else None
        if form is not None and not form.is_valid():
            return self.page(task, {kwargs["step"]: form}, status=400)
        data = dict(form.cleaned_data) if form is not None else {}
        try:
            run(request, task, data)
        except services.StepRefused as exc:
            task.refresh_from_db()
            messages.error(request, exc.message)
            return self.page(task, status=403)
        except (ValidationError, OutOfScope) as exc:
            task.refresh_from_db()
            if form is None:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                return self.page(task, status=400)
            if isinstance(exc, OutOfScope):
                form.add_error(None, exc.message)
            else:
                _add_model_errors(form, exc)
            return self.page(task, {kwargs["step"]: form}, status=400)
        messages.success(request, str(done))
        return HttpResponseRedirect(task.get_absolute_url())


class TaskEditView(ObjectEditView):
    """Adding a task goes through ``task_create`` (the responsible person is notified); editing is generic, for
    the supervising side only (``rules.STEP_SIDES["edit"]``: 403 with the reason otherwise)."""

    def get_instance(self):
        instance = super().get_instance()
        if "pk" in self.kwargs:
            services.require_side(self.request.user, instance, "edit")
        return instance

    def post(self, request, *args, **kwargs):
        if "pk" in kwargs:
            return super().post(request, *args, **kwargs)
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST, files=request.FILES)
        if form.is_valid():
            task = form.save(commit=False)
            try:
                services.task_create(actor=request.user, task=task)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": task})
                return HttpResponseRedirect(task.get_absolute_url())
        return self.render_form(form, instance, status=400)


class TaskArchiveView(ObjectArchiveView):
    """Archiving withdraws the task: the supervising side's (``rules.STEP_SIDES["archive"]``)."""

    def get_object(self, action: str | None = None):
        task = super().get_object(action)
        services.require_side(self.request.user, task, "archive")
        return task


class MyTasksView(ObjectView):
    """Tasks assigned to me or to my organization: to do (default), overdue, or all."""

    template_name = "tasks/my_tasks.html"
    SHOWS = {
        "todo": pgettext_lazy("my tasks", "To do"),
        "overdue": pgettext_lazy("my tasks", "Overdue"),
        "all": pgettext_lazy("my tasks", "All"),
    }

    def get(self, request, *args, **kwargs):
        mine = self.restricted().filter(archived_at__isnull=True).for_user(request.user)
        show = request.GET.get("show", "todo")
        show = show if show in self.SHOWS else "todo"
        today = timezone.localdate()
        counts = {"todo": mine.unfinished().count(), "overdue": mine.overdue(today).count(), "all": mine.count()}
        queryset = {"todo": mine.unfinished(), "overdue": mine.overdue(today), "all": mine}[show]
        table = TaskTable(queryset, exclude=("status",))
        tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
        ctx = self.base_context(
            table=table,
            show=show,
            tabs=[(key, label, counts[key]) for key, label in self.SHOWS.items()],
            department=request.user.department if request.user.department_id else None,
        )
        return render(request, self.template_name, ctx)


@login_required
def evidence(request, pk: int):
    """The evidence file of a task, only for those who may see the task; downloaded, never run in the browser."""
    from . import attachments

    task = get_object_or_404(Task.objects.restrict(request.user, "view"), pk=pk)
    if not task.evidence_file:
        raise Http404
    kind = attachments.KINDS.get(
        {"pdf": "pdf", "docx": "docx", "doc": "doc", "jpg": "jpeg", "png": "png"}.get(
            task.evidence_file.name.rsplit(".", 1)[-1], ""
        )
    )
    if kind is None:
        raise PermissionDenied
    response = FileResponse(
        task.evidence_file.open("rb"),
        as_attachment=True,
        filename=task.evidence_filename or "evidence",
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


class TaskViews(ObjectViews):
    model = Task
    table = TaskTable
    filterset = TaskFilterSet
    form = TaskForm
    select_related = ("region", "responsible_organization", "responsible_person", "source_type")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"detail": TaskDetailView, "add": TaskEditView, "edit": TaskEditView, "archive": TaskArchiveView}
    detail_fields = [
        "title",
        "detail",
        "priority",
        "responsible_organization",
        "responsible_person",
        "supervisor",
        "deadline",
        "region",
        "progress",
        "started_at",
        "completed_at",
        "completed_by",
        "result",
        "evidence",
        "cancelled_at",
        "cancel_reason",
        "reopened_count",
    ]
    empty_hint = gettext_lazy("No tasks in your area. Add one, or record a drill's problems to create follow-up tasks.")

    @classmethod
    def urls(cls) -> list:
        return [
            path("mine/", MyTasksView.as_view(config=cls), name="my_tasks"),
            *super().urls(),
            path("tasks/<int:pk>/evidence/", evidence, name="task_evidence"),
            path("tasks/<int:pk>/<str:step>/", TaskStepView.as_view(config=cls), name="task_step"),
        ]
