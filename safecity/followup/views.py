"""Follow-up pages: management plans, follow-ups, tests, assist-investigation requests (generic views),
the grid worker's "my follow-ups today", the overdue list, and the protocols (read-only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import importers
from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectEditView, ObjectView, ObjectViews, _add_model_errors
from safecity.epidemic.models import Protocol

from . import assist, selectors, services
from .choices import FollowUpResult, PlanStatus
from .filtersets import AssistRequestFilterSet, FollowUpFilterSet, ManagementPlanFilterSet, TestResultFilterSet
from .forms import (
    AssistRequestForm,
    ConvertForm,
    FollowUpForm,
    ItemProcessForm,
    ItemUploadForm,
    PlanCreateForm,
    PlanEndForm,
    PlanForm,
    QuickFollowUpForm,
    QuickTestForm,
    TestResultForm,
)
from .models import AssistRequest, AssistRequestItem, FollowUp, ManagementPlan, TestResult
from .tables import (
    AssistRequestItemTable,
    AssistRequestTable,
    FollowUpTable,
    ManagementPlanTable,
    PlanStepTable,
    TestResultTable,
)


class ServiceEditView(ObjectEditView):
    """Create or edit through the bundle's service (``config.save_with_service(actor, form, instance)``)
    instead of a plain save, so the rules and alerts of the service apply to the page too."""

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                obj = self.config.save_with_service(actor=request.user, form=form, instance=instance)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_form(form, instance, status=400)


class PlanCreateView(ObjectEditView):
    """Start a management plan: made from the protocol by ``plan_create``."""

    def get_form(self, instance, data=None, files=None):
        initial = {k: v for k, v in self.request.GET.items() if k in PlanCreateForm.base_fields}
        return PlanCreateForm(data=data, user=self.request.user, initial=initial)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=request.user,
                    person=data["person"],
                    contact=data.get("contact"),
                    person_class=data.get("person_class") or "",
                    disease=data.get("disease"),
                    start=data["start_date"],
                    notes=data.get("notes") or "",
                )
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Management plan made: %(plan)s") % {"plan": plan})
                return HttpResponseRedirect(plan.get_absolute_url())
        return self.render_form(form, instance, status=400)


class PlanActionView(ObjectView):
    """One step on a plan (POST): record a follow-up or a test, end the plan, convert to a case."""

    action = "change"
    forms = {"followup": QuickFollowUpForm, "test": QuickTestForm, "end": PlanEndForm, "convert": ConvertForm}
    permissions = {
        "followup": "followup.add_followup",
        "test": "followup.add_testresult",
        "end": "followup.change_managementplan",
        "convert": "epidemic.add_case",
    }

    def post(self, request, pk: int, step: str):
        if step not in self.forms:
            raise Http404
        if not request.user.has_perm(self.permissions[step]):
            raise PermissionDenied
        plan = get_object_or_404(ManagementPlan.objects.restrict(request.user, "view"), pk=pk)
        form = self.forms[step](data=request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if step == "followup":
                    services.followup_record(
                        actor=request.user,
                        plan=plan,
                        day=_day(request.POST.get("day")),
                        result=data["result"],
                        temperature=data.get("temperature"),
                        note=data.get("note") or "",
                    )
                    done = _("Follow-up recorded.")
                elif step == "test":
                    services.test_record(
                        actor=request.user,
                        plan=plan,
                        sampled_on=data["sampled_on"],
                        result=data["result"],
                        note=data.get("note") or "",
                    )
                    done = _("Test recorded.")
                elif step == "end":
                    services.plan_end(actor=request.user, plan=plan, reason=data["reason"])
                    done = _("The plan has been ended.")
                else:
                    case = services.plan_convert_to_case(
                        actor=request.user,
                        plan=plan,
                        classification=data["classification"],
                        onset_at=data.get("onset_at"),
                        place=data.get("place") or "",
                    )
                    done = _("Converted to case %(number)s.") % {"number": case.number}
            except OutOfScope as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, done)
        else:
            messages.error(
                request,
                " ".join(
                    f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
                ),
            )
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(plan.get_absolute_url())


def _day(value):
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class ManagementPlanViews(ObjectViews):
    model = ManagementPlan
    table = ManagementPlanTable
    filterset = ManagementPlanFilterSet
    form = PlanForm
    select_related = ("person", "person__region", "assigned_to", "protocol", "protocol__disease", "contact", "case")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": PlanCreateView}
    detail_fields = [
        "person",
        "person_class",
        "protocol",
        "contact",
        "status",
        "start_date",
        "end_date",
        "assigned_to",
        "ended_at",
        "end_reason",
        "case",
        "notes",
    ]
    detail_template = "followup/managementplan_detail.html"
    empty_hint = gettext_lazy("No management plans in your area. Start one from a contact or an arrival.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        today = timezone.localdate()
        plan = selectors.plans_for_flags(ManagementPlan.objects.filter(pk=obj.pk)).first()
        steps = PlanStepTable(obj.steps.all())
        followups = list(obj.followups.filter(archived_at__isnull=True).select_related("recorded_by").order_by("day"))
        tests = list(obj.tests.filter(archived_at__isnull=True).order_by("sampled_on", "pk"))
        return {
            "steps_table": steps,
            "followups": followups,
            "tests": tests,
            "missing_days": selectors.missing_days(plan, today) if plan else [],
            "missed_tests": selectors.missed_tests(plan, today) if plan else [],
            "planned_tests": selectors.planned_test_dates(plan or obj)
            if plan
            else [d for s in obj.steps.all() for d in s.test_dates_as_dates],
            "grounds": services.conversion_grounds(obj) if obj.status == PlanStatus.ACTIVE else [],
            "active": obj.status == PlanStatus.ACTIVE,
            "followup_form": QuickFollowUpForm(user=request.user),
            "test_form": QuickTestForm(user=request.user),
            "end_form": PlanEndForm(user=request.user),
            "convert_form": ConvertForm(user=request.user),
            "can_convert": request.user.has_perm("epidemic.add_case"),
            "today": today,
            **cls.quarantine_prompt(request.user, obj),
        }

    @staticmethod
    def quarantine_prompt(user, plan) -> dict:
        """Where the person is checked in, or "check into a quarantine facility" when this plan needs it."""
        from django.apps import apps

        if not apps.is_installed("safecity.quarantine"):
            return {}
        from safecity.quarantine.selectors import check_in_prompt

        return check_in_prompt(user, plan.person, [plan])

    @classmethod
    def urls(cls) -> list:
        return [
            path("managementplans/today/", today_view, name="today"),
            path("managementplans/overdue/", overdue_view, name="overdue"),
            *super().urls(),
            path(
                "managementplans/<int:pk>/<str:step>/", PlanActionView.as_view(config=cls), name="managementplan_step"
            ),
        ]


class FollowUpViews(ObjectViews):
    model = FollowUp
    table = FollowUpTable
    filterset = FollowUpFilterSet
    form = FollowUpForm
    select_related = ("plan", "plan__person", "recorded_by")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": ServiceEditView, "edit": ServiceEditView}
    detail_fields = ["plan", "day", "result", "temperature", "note", "recorded_by"]
    empty_hint = gettext_lazy("No follow-ups recorded yet. Grid workers record them from “My follow-ups today”.")

    @staticmethod
    def save_with_service(*, actor, form, instance):
        data = form.cleaned_data
        return services.followup_record(
            actor=actor,
            plan=instance.plan if instance.pk else data["plan"],
            day=instance.day if instance.pk else data["day"],
            result=data["result"],
            temperature=data.get("temperature"),
            note=data.get("note") or "",
        )


class TestResultViews(ObjectViews):
    model = TestResult
    table = TestResultTable
    filterset = TestResultFilterSet
    form = TestResultForm
    select_related = ("plan", "plan__person")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": ServiceEditView, "edit": ServiceEditView}
    detail_fields = ["plan", "sampled_on", "result", "result_at", "note"]
    empty_hint = gettext_lazy("No tests recorded yet.")

    @staticmethod
    def save_with_service(*, actor, form, instance):
        data = form.cleaned_data
        if instance.pk:
            instance.sampled_on = data["sampled_on"]
            return services.test_record(
                actor=actor,
                plan=instance.plan,
                sampled_on=data["sampled_on"],
                result=data["result"],
                note=data.get("note") or "",
                test=instance,
            )
        return services.test_record(
            actor=actor,
            plan=data["plan"],
            sampled_on=data["sampled_on"],
            result=data["result"],
            note=data.get("note") or "",
        )


class AssistRequestViews(ObjectViews):
    model = AssistRequest
    table = AssistRequestTable
    filterset = AssistRequestFilterSet
    form = AssistRequestForm
    select_related = ("region", "disease")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_fields = [
        "direction",
        "counterpart",
        "reference_number",
        "disease",
        "person_class",
        "region",
        "received_at",
        "deadline",
        "status",
        "done_at",
        "notes",
    ]
    detail_template = "followup/assistrequest_detail.html"
    empty_hint = gettext_lazy("No assist-investigation requests. Record one when a list arrives or is sent.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        items = obj.items.filter(archived_at__isnull=True).select_related("person").order_by("pk")
        table = AssistRequestItemTable(items)
        return {
            "items": items,
            "items_table": table,
            "upload_form": ItemUploadForm(user=request.user),
            "process_form": ItemProcessForm(user=request.user),
            "can_process": request.user.has_perm("followup.change_assistrequestitem"),
            "overdue": obj.is_overdue,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("assistrequests/<int:pk>/items/import/", import_items_view, name="assistrequest_import_items"),
            path("assistrequests/<int:pk>/export/", export_view, name="assistrequest_export"),
            path("assistrequests/items/<int:pk>/process/", process_item_view, name="assistrequest_process_item"),
        ]


def _request_for(user, pk: int, action: str = "view") -> AssistRequest:
    return get_object_or_404(AssistRequest.objects.restrict(user, action).select_related("region"), pk=pk)


def _config_context(config, **extra) -> dict:
    opts = config.model._meta
    return {"opts": opts, "verbose_name": opts.verbose_name, "verbose_name_plural": opts.verbose_name_plural, **extra}


@login_required
def import_items_view(request, pk: int):
    """Upload the persons of an incoming list (XLSX/CSV): every row is checked; any error writes nothing."""
    if not request.user.has_perm("followup.add_assistrequestitem"):
        raise PermissionDenied
    assist_request = _request_for(request.user, pk, "change")
    if request.method != "POST":
        return HttpResponseRedirect(assist_request.get_absolute_url())
    form = ItemUploadForm(data=request.POST, files=request.FILES, user=request.user)
    result, file_error = None, ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = assist.import_items(
                actor=request.user, request=assist_request, data=upload.read(), filename=upload.name
            )
        except importers.ImportFileError as exc:
            file_error = str(exc)
        except OutOfScope as exc:
            file_error = exc.message
        else:
            if result.ok:
                messages.success(request, _("Added %(count)d persons to the request.") % {"count": len(result.forms)})
                return HttpResponseRedirect(assist_request.get_absolute_url())
    else:
        file_error = _("Choose a CSV or XLSX file to import.")
    ctx = _config_context(
        AssistRequestViews,
        object=assist_request,
        result=result,
        file_error=file_error,
        columns=importers.column_labels(assist.ItemImportForm),
    )
    return render(request, "followup/assistrequest_import.html", ctx, status=400)


@login_required
def export_view(request, pk: int):
    """The pseudonymised reply for the other side (XLSX)."""
    assist_request = _request_for(request.user, pk)
    response = HttpResponse(
        assist.export_pseudonymised(assist_request),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assist-reply-{assist_request.pk}.xlsx"'
    return response


@login_required
def process_item_view(request, pk: int):
    if request.method != "POST":
        raise Http404
    if not request.user.has_perm("followup.change_assistrequestitem"):
        raise PermissionDenied
    item = get_object_or_404(
        AssistRequestItem.objects.restrict(request.user, "change").select_related("request", "request__region"), pk=pk
    )
    form = ItemProcessForm(data=request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assist.item_process(
                actor=request.user,
                item=item,
                result=data["result"],
                measures=data.get("measures") or "",
                left_for=data.get("left_for") or "",
                region=data.get("region"),
                start_plan=data.get("start_plan", False),
            )
        except OutOfScope as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Result recorded."))
    else:
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
    return HttpResponseRedirect(item.request.get_absolute_url())


@login_required
def today_view(request):
    """The grid worker's page (phone first): every person to follow up today, one tap each."""
    if not request.user.has_perm("followup.view_managementplan"):
        raise PermissionDenied
    rows = selectors.due_today(request.user)
    return render(
        request,
        "followup/today.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "done": sum(1 for r in rows if r.followup is not None),
            "results": FollowUpResult.choices,
            "can_record": request.user.has_perm("followup.add_followup"),
        },
    )


@login_required
def overdue_view(request):
    """Overdue follow-ups and missed tests of the active plans in the user's area."""
    if not request.user.has_perm("followup.view_managementplan"):
        raise PermissionDenied
    plans = ManagementPlan.objects.restrict(request.user, "view")
    region = request.GET.get("region", "").strip()
    if region.isdigit():
        plans = plans.filter(person__region__prefix__startswith=region)
    found = selectors.flags(plans)
    followups = [f for f in found if f.kind == "followup"]
    tests = [f for f in found if f.kind == "test"]
    return render(
        request,
        "followup/overdue.html",
        {
            "followups": followups[:OVERDUE_ROWS],
            "tests": tests[:OVERDUE_ROWS],
            "followup_total": len(followups),
            "test_total": len(tests),
            "limit": OVERDUE_ROWS,
            "region": region,
            "today": timezone.localdate(),
        },
    )


#: Rows shown per list on the overdue page (the counts are always complete); narrow by region code.
OVERDUE_ROWS = 500


@login_required
def protocol_list(request):
    """Every disease protocol version, newest first per disease (read-only; edited in the admin as new versions)."""
    if not request.user.has_perm("epidemic.view_protocol"):
        raise PermissionDenied
    from safecity.epidemic.protocols import protocol_for

    today = timezone.localdate()
    protocols = list(
        Protocol.objects.restrict(request.user, "view").select_related("disease").prefetch_related("measures")
    )
    in_force = {p.pk for p in (protocol_for(d, today) for d in {p.disease for p in protocols}) if p is not None}
    return render(request, "followup/protocol_list.html", {"protocols": protocols, "in_force": in_force})


@login_required
def protocol_detail(request, pk: int):
    if not request.user.has_perm("epidemic.view_protocol"):
        raise PermissionDenied
    protocol = get_object_or_404(Protocol.objects.restrict(request.user, "view").select_related("disease"), pk=pk)
    measures = protocol.measures.order_by("person_class", "step")
    groups: dict[str, list] = {}
    for measure in measures:
        groups.setdefault(measure.get_person_class_display(), []).append(measure)
    return render(
        request,
        "followup/protocol_detail.html",
        {
            "protocol": protocol,
            "groups": groups,
            "plans": protocol.management_plans.count(),
            "admin_url": _admin_url(request.user, protocol),
        },
    )


def _admin_url(user, protocol) -> str:
    from django.urls import NoReverseMatch

    if not (user.is_staff and user.has_perm("epidemic.add_protocol")):
        return ""
    try:
        return reverse("admin:epidemic_protocol_changelist")
    except NoReverseMatch:
        return ""
