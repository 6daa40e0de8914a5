"""Duty pages: the generic pages of every duty record (``ObjectViews``) plus the roster month
(calendar and coverage), its XLSX import and export, swap decisions and handover acknowledgment.

Workflow steps are small views that validate and call :mod:`safecity.duty.services`.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from safecity.core import importers
from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectDetailView, ObjectEditView, ObjectHistoryView, ObjectViews

from . import roster, services
from .choices import SwapStatus
from .filtersets import DutyLogEntryFilterSet, DutyPostFilterSet, HandoverFilterSet, ShiftFilterSet, ShiftSwapFilterSet
from .forms import (
    DutyLogEntryForm,
    DutyPostForm,
    HandoverForm,
    RosterImportForm,
    ShiftForm,
    ShiftSwapForm,
    ShiftSwapRequestForm,
    SwapDecisionForm,
)
from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap
from .roster import person_label
from .selectors import coverage, duty_day_of, duty_day_window, month_period, on_duty
from .tables import DutyLogEntryTable, DutyPostTable, HandoverTable, ShiftSwapTable, ShiftTable


def format_duration(delta: timedelta) -> str:
    """``1小时20分`` (ui.md): hours and minutes."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": minutes}


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", "") or str(exc)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _url_or_empty(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


# ---- generic pages, with a workflow slot -----------------------------------------------------------


class DutyDetailView(ObjectDetailView):
    """The generic detail page plus the record's workflow: alerts, actions, panels (``config.workflow``)."""

    template_name = "duty/object_detail.html"

    def detail_rows(self, obj):
        rows = super().detail_rows(obj)
        opts = self.config.model._meta
        for row, name in zip(rows, self.config.detail_fields or [], strict=False):
            if opts.get_field(name).many_to_many:
                row["value"] = "、".join(person_label(u) for u in getattr(obj, name).all())
        return rows

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        related = []
        for title, accessor, table_class, select in self.config.related_tables:
            qs = getattr(obj, accessor).all().restrict(request.user, "view").select_related(*select)
            table = table_class(qs)
            tables.RequestConfig(request, paginate={"per_page": 20}).configure(table)
            table.prefix = f"{accessor}-"
            related.append((title, table))
        ctx = self.base_context(
            object=obj,
            rows=self.detail_rows(obj),
            related=related,
            history_url=reverse(f"duty:{self.config.url_name('history')}", kwargs={"pk": obj.pk}),
            edit_url=reverse(f"duty:{self.config.url_name('edit')}", kwargs={"pk": obj.pk}),
            archive_url=reverse(f"duty:{self.config.url_name('archive')}", kwargs={"pk": obj.pk}),
            restore_url=reverse(f"duty:{self.config.url_name('restore')}", kwargs={"pk": obj.pk}),
            tab="details",
            workflow=self.config.workflow(request, obj),
        )
        return render(request, self.template_name, ctx)


class DutyHistoryView(ObjectHistoryView):
    """The generic history, showing changes of the duty officers as names."""

    def _show(self, field, value):
        if field.many_to_many:
            target = field.m2m_reverse_field_name()
            ids = [row[target] for row in value or []]
            users = field.related_model._default_manager.filter(pk__in=ids).order_by("username")
            return "、".join(person_label(u) for u in users)
        return super()._show(field, value)


class ServiceEditView(ObjectEditView):
    """Add through the workflow's service (``config.create``) with ``config.add_form``; edit as usual."""

    def get_form(self, instance, data=None, files=None):
        form_class = self.config.add_form if instance._state.adding else self.config.form
        initial = {k: v for k, v in self.request.GET.items() if k in form_class.base_fields}
        return form_class(data=data, files=files, instance=instance, user=self.request.user, initial=initial)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        if not instance._state.adding:
            return super().post(request, *args, **kwargs)
        form = self.get_form(instance, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                obj = self.config.create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_form(form, instance, status=400)


class DutyObjectViews:
    """Helpers shared by the duty bundles (a mixin, not an ``ObjectViews``: it declares no model)."""

    #: Related tables on the detail page: ``(title, accessor, table class, select_related)``.
    related_tables: list = []
    #: The URL segment of the pages (default: ``<model_name>s/``).
    route_prefix: str = ""

    @classmethod
    def workflow(cls, request, obj) -> dict:
        return {}

    @classmethod
    def urls(cls) -> list:
        replacements = {"detail": DutyDetailView, "history": DutyHistoryView, **cls.view_overrides()}
        default_prefix = f"{cls.model._meta.model_name}s/"
        patterns = []
        for pattern in super().urls():
            action = pattern.name.removeprefix(f"{cls.model._meta.model_name}_")
            route = str(pattern.pattern)
            if cls.route_prefix:
                route = cls.route_prefix + route.removeprefix(default_prefix)
            view = replacements.get(action)
            callback = view.as_view(config=cls) if view is not None else pattern.callback
            patterns.append(path(route, callback, name=pattern.name))
        return patterns

    @classmethod
    def view_overrides(cls) -> dict:
        return {}


def _action(label, url, *, method="get", style="outline-primary", testid="", note=False) -> dict:
    return {"label": label, "url": url, "method": method, "style": style, "testid": testid, "note": note}


class DutyPostViews(DutyObjectViews, ObjectViews):
    model = DutyPost
    table = DutyPostTable
    filterset = DutyPostFilterSet
    form = DutyPostForm
    select_related = ("region", "organization")
    detail_fields = ["name", "kind", "region", "organization", "phone", "notes"]
    related_tables = [
        (gettext_lazy("Duty log"), "log_entries", DutyLogEntryTable, ("post", "recorded_by")),
        (gettext_lazy("Shift handovers"), "handovers", HandoverTable, ("post", "outgoing", "incoming")),
    ]
    empty_hint = gettext_lazy("No duty posts yet in your area: add the duty room first, then its roster.")

    @classmethod
    def base_queryset(cls):
        now = timezone.now()
        current = (
            Shift.objects.filter(archived_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
            .select_related("leader")
            .prefetch_related("officers")
            .order_by("-starts_at")
        )
        return super().base_queryset().prefetch_related(Prefetch("shifts", queryset=current, to_attr="current_shifts"))

    @classmethod
    def workflow(cls, request, post) -> dict:
        user = request.user
        now_on_duty = on_duty(post)
        actions = [_action(_("Duty roster"), reverse("duty:roster", kwargs={"pk": post.pk}), style="primary")]
        if user.has_perm("duty.add_dutylogentry") and not post.is_archived:
            actions.append(
                _action(
                    _("Record a call or event"), f"{reverse('duty:dutylogentry_add')}?{urlencode({'post': post.pk})}"
                )
            )
        if user.has_perm("duty.add_handover") and not post.is_archived:
            actions.append(_action(_("Hand over"), f"{reverse('duty:handover_add')}?{urlencode({'post': post.pk})}"))
        return {"actions": actions, "on_duty": now_on_duty, "show_on_duty": True}


class ShiftViews(DutyObjectViews, ObjectViews):
    model = Shift
    table = ShiftTable
    filterset = ShiftFilterSet
    form = ShiftForm
    select_related = ("post", "leader")
    prefetch_related = ("officers",)
    detail_fields = ["post", "starts_at", "ends_at", "leader", "officers", "phone", "notes"]
    related_tables = [
        (gettext_lazy("Shift swaps"), "swaps", ShiftSwapTable, ("shift__post", "from_user", "to_user", "decided_by"))
    ]
    empty_hint = gettext_lazy("No shifts yet in your area: open a duty post's roster to add or import a month.")

    @classmethod
    def workflow(cls, request, shift) -> dict:
        actions = [
            _action(
                _("Month roster"),
                f"{reverse('duty:roster', kwargs={'pk': shift.post_id})}?"
                f"{urlencode({'month': duty_day_of(shift.post, shift.starts_at).strftime('%Y-%m')})}",
            )
        ]
        if request.user.has_perm("duty.add_shiftswap") and not shift.is_archived and shift.ends_at > timezone.now():
            actions.append(
                _action(
                    _("Request a swap"),
                    f"{reverse('duty:shiftswap_add')}?{urlencode({'shift': shift.pk})}",
                    testid="request-swap",
                )
            )
        return {"actions": actions}


class ShiftSwapViews(DutyObjectViews, ObjectViews):
    model = ShiftSwap
    table = ShiftSwapTable
    filterset = ShiftSwapFilterSet
    form = ShiftSwapForm
    add_form = ShiftSwapRequestForm
    select_related = ("shift__post", "from_user", "to_user", "decided_by")
    detail_fields = ["shift", "from_user", "to_user", "reason", "status", "decided_by", "decided_at", "decision_note"]

    @classmethod
    def view_overrides(cls) -> dict:
        return {"add": ServiceEditView}

    @staticmethod
    def create(*, actor, data) -> ShiftSwap:
        return services.swap_request(
            actor=actor,
            shift=data["shift"],
            from_user=data["from_user"],
            to_user=data["to_user"],
            reason=data["reason"],
        )

    @classmethod
    def workflow(cls, request, swap) -> dict:
        if swap.status != SwapStatus.REQUESTED or swap.is_archived:
            return {}
        alerts = [{"level": "warning", "text": _("Awaiting approval by the post's leader on shift or HQ.")}]
        actions = []
        if services.can_decide_swap(request.user, swap):
            actions = [
                _action(
                    _("Approve"),
                    reverse("duty:shiftswap_approve", kwargs={"pk": swap.pk}),
                    method="post",
                    style="success",
                    testid="approve-swap",
                    note=True,
                ),
                _action(
                    _("Reject"),
                    reverse("duty:shiftswap_reject", kwargs={"pk": swap.pk}),
                    method="post",
                    style="outline-danger",
                    testid="reject-swap",
                    note=True,
                ),
            ]
        return {"alerts": alerts, "actions": actions}


class DutyLogEntryViews(DutyObjectViews, ObjectViews):
    model = DutyLogEntry
    table = DutyLogEntryTable
    filterset = DutyLogEntryFilterSet
    form = DutyLogEntryForm
    route_prefix = "log-entries/"
    select_related = ("post", "recorded_by")
    masked_fields = {"caller_phone": "phone"}
    detail_fields = [
        "post",
        "occurred_at",
        "place",
        "summary",
        "details",
        "informed",
        "caller_unit",
        "caller_name",
        "caller_title",
        "caller_phone",
        "recorded_by",
        "recorded_at",
    ]
    empty_hint = gettext_lazy("The duty log is empty: record each call or event as it comes in.")

    @classmethod
    def workflow(cls, request, entry) -> dict:
        """The slot for incidents: opened from this entry (``Incident.duty_log_entry``), and a button to open one."""
        actions, incidents = [], []
        for relation in DutyLogEntry._meta.related_objects:
            model = relation.related_model
            if model._meta.label != "incidents.Incident" or relation.many_to_many:
                continue
            qs = model._default_manager.filter(**{relation.field.name: entry})
            if hasattr(qs, "restrict"):
                qs = qs.restrict(request.user, "view")
            incidents = list(qs[:20])
        add_url = _url_or_empty("incidents:incident_add")
        if add_url and request.user.has_perm("incidents.add_incident") and not entry.is_archived:
            actions.append(
                _action(
                    _("Open an incident"),
                    f"{add_url}?{urlencode({'duty_log_entry': entry.pk})}",
                    style="danger",
                    testid="open-incident",
                )
            )
        return {"actions": actions, "incidents": incidents, "incidents_slot": bool(add_url or incidents)}


class HandoverViews(DutyObjectViews, ObjectViews):
    model = Handover
    table = HandoverTable
    filterset = HandoverFilterSet
    form = HandoverForm
    add_form = HandoverForm
    select_related = ("post", "outgoing", "incoming", "acknowledged_by")
    detail_fields = [
        "post",
        "handed_over_at",
        "outgoing",
        "incoming",
        "open_matters",
        "acknowledged_at",
        "acknowledged_by",
    ]

    @classmethod
    def view_overrides(cls) -> dict:
        return {"add": ServiceEditView}

    @staticmethod
    def create(*, actor, data) -> Handover:
        return services.handover_create(
            actor=actor,
            post=data["post"],
            outgoing=data["outgoing"],
            incoming=data["incoming"],
            open_matters=data["open_matters"],
            handed_over_at=data.get("handed_over_at"),
        )

    @classmethod
    def workflow(cls, request, handover) -> dict:
        if handover.is_acknowledged or handover.is_archived:
            return {}
        alerts = [
            {
                "level": "danger",
                "text": _("Not yet acknowledged by %(person)s, the incoming officer.") % {"person": handover.incoming},
            }
        ]
        actions = []
        if request.user.pk == handover.incoming_id:
            actions.append(
                _action(
                    _("Acknowledge the open matters"),
                    reverse("duty:handover_acknowledge", kwargs={"pk": handover.pk}),
                    method="post",
                    style="success",
                    testid="acknowledge",
                )
            )
        return {"alerts": alerts, "actions": actions}


# ---- workflow steps --------------------------------------------------------------------------------


class SwapDecisionView(LoginRequiredMixin, View):
    """POST: approve or reject a swap (the service checks who may)."""

    decision = "approve"

    def post(self, request, pk):
        swap = get_object_or_404(ShiftSwap.objects.restrict(request.user, "view"), pk=pk)
        form = SwapDecisionForm(request.POST, user=request.user)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        service = services.swap_approve if self.decision == "approve" else services.swap_reject
        try:
            service(actor=request.user, swap=swap, note=note)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _("Swap approved; the shift has been reassigned.")
                if self.decision == "approve"
                else _("Swap rejected."),
            )
        return HttpResponseRedirect(swap.get_absolute_url())


class HandoverAcknowledgeView(LoginRequiredMixin, View):
    """POST: the incoming officer acknowledges a handover."""

    def post(self, request, pk):
        handover = get_object_or_404(Handover.objects.restrict(request.user, "view"), pk=pk)
        try:
            services.handover_acknowledge(actor=request.user, handover=handover)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Handover acknowledged."))
        return HttpResponseRedirect(handover.get_absolute_url())


# ---- the roster month ------------------------------------------------------------------------------


def parse_month(text: str | None) -> tuple[int, int] | None:
    """``2026-12`` → ``(2026, 12)``; ``None`` when absent or malformed."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return None
    return year, month


def _month_or_current(request, post: DutyPost) -> tuple[int, int]:
    parsed = parse_month(request.GET.get("month"))
    if parsed:
        return parsed
    today = duty_day_of(post, timezone.now())
    return today.year, today.month


def _visible_post(request, pk: int) -> DutyPost:
    return get_object_or_404(DutyPost.objects.restrict(request.user, "view").select_related("region"), pk=pk)


def _month_shifts(request, post: DutyPost, start, end) -> list[Shift]:
    return list(
        Shift.objects.restrict(request.user, "view")
        .filter(post=post, archived_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
        .select_related("leader")
        .prefetch_related("officers")
        .order_by("starts_at")
    )


class RosterIndexView(LoginRequiredMixin, View):
    """The duty roster entry: the posts the user may see, each with its month; one post opens directly."""

    def get(self, request):
        posts = list(
            DutyPost.objects.restrict(request.user, "view")
            .active()
            .select_related("region")
            .order_by("region__code", "name")[:300]
        )
        if len(posts) == 1:
            return redirect("duty:roster", pk=posts[0].pk)
        return render(request, "duty/roster_index.html", {"posts": posts})


class RosterView(LoginRequiredMixin, View):
    """One post's roster for a month: a calendar (stacked days on a phone) and the coverage check."""

    def get(self, request, pk):
        post = _visible_post(request, pk)
        if not request.user.has_perm("duty.view_shift"):
            raise PermissionDenied
        year, month = _month_or_current(request, post)
        start, end = month_period(post, year, month)
        shifts = _month_shifts(request, post, start, end)
        check = coverage(post, start, end)
        by_day: dict[date, list[Shift]] = {}
        for shift in shifts:
            by_day.setdefault(duty_day_of(post, shift.starts_at), []).append(shift)
        missing_leader = set(check.days_without_leader)
        today = duty_day_of(post, timezone.now())
        can_add = request.user.has_perm("duty.add_shift") and not post.is_archived
        pattern = post.pattern
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                in_month = day.month == month
                window_start, window_end = duty_day_window(post, day)
                gaps = [
                    (max(a, window_start), min(b, window_end))
                    for a, b in check.uncovered
                    if in_month and a < window_end and b > window_start
                ]
                add_url = ""
                if can_add and in_month and day not in by_day:
                    add_url = f"{reverse('duty:shift_add')}?" + urlencode(
                        {
                            "post": post.pk,
                            "starts_at": timezone.localtime(window_start).strftime("%Y-%m-%dT%H:%M"),
                            "ends_at": timezone.localtime(window_start + pattern.length).strftime("%Y-%m-%dT%H:%M"),
                        }
                    )
                cells.append(
                    {
                        "day": day,
                        "in_month": in_month,
                        "is_today": day == today,
                        "shifts": by_day.get(day, []) if in_month else [],
                        "gaps": [
                            {
                                "start": timezone.localtime(a),
                                "end": timezone.localtime(b),
                                "duration": format_duration(b - a),
                            }
                            for a, b in gaps
                        ],
                        "no_leader": in_month and day in missing_leader,
                        "add_url": add_url,
                    }
                )
            weeks.append(cells)
        first = date(year, month, 1)
        previous = (first - timedelta(days=1)).strftime("%Y-%m")
        following = (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")
        ctx = {
            "post": post,
            "month": first,
            "month_value": first.strftime("%Y-%m"),
            "previous": previous,
            "following": following,
            "weeks": weeks,
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            "coverage": check,
            "gaps": [{"start": a, "end": b, "duration": format_duration(b - a)} for a, b in check.uncovered],
            "uncovered_total": format_duration(check.uncovered_duration) if check.uncovered else "",
            "shift_count": len(shifts),
            "pattern": pattern,
            "pattern_end": (datetime.combine(first, pattern.start) + pattern.length).time(),
            "pattern_next_day": (datetime.combine(first, pattern.start) + pattern.length).date() > first,
            "can_add": can_add,
            "can_import": can_add,
        }
        return render(request, "duty/roster.html", ctx)


class RosterExportView(LoginRequiredMixin, View):
    """The month's roster as XLSX in the shape offices use (and the import reads)."""

    def get(self, request, pk):
        post = _visible_post(request, pk)
        if not request.user.has_perm("duty.view_shift"):
            raise PermissionDenied
        year, month = _month_or_current(request, post)
        start, end = month_period(post, year, month)
        title = _("%(post)s roster %(month)s") % {"post": post, "month": f"{year}-{month:02d}"}
        content = roster.roster_workbook(post, _month_shifts(request, post, start, end), title=title)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="roster-{post.pk}-{year}-{month:02d}.xlsx"'
        return response


class RosterImportView(LoginRequiredMixin, View):
    """Upload a month's roster → every row checked (row and column named) → preview → import all or nothing."""

    template_name = "duty/roster_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("duty.add_shift"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def upload_dir() -> Path:
        folder = Path(settings.MEDIA_ROOT) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def context(self, post, **extra) -> dict:
        return {
            "post": post,
            "columns": roster.column_labels(),
            "roster_url": reverse("duty:roster", kwargs={"pk": post.pk}),
            "pattern": post.pattern,
            **extra,
        }

    def get(self, request, pk):
        post = _visible_post(request, pk)
        if request.GET.get("template"):
            content = roster.roster_workbook(post, [], title=str(post))
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = 'attachment; filename="roster-import-template.xlsx"'
            return response
        return render(request, self.template_name, self.context(post, form=RosterImportForm(user=request.user)))

    def post(self, request, pk):
        post = _visible_post(request, pk)
        token = request.POST.get("token", "")
        if token:
            return self.confirm(post, token)
        form = RosterImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, self.context(post, form=form), status=400)
        upload = form.cleaned_data["file"]
        replace = form.cleaned_data["replace"]
        ctx = self.context(post, form=form)
        if upload.size > settings.SAFECITY["IMPORT_MAX_BYTES"]:
            ctx["file_error"] = _("The file is larger than %(size)s MB.") % {
                "size": settings.SAFECITY["IMPORT_MAX_BYTES"] // 1024 // 1024
            }
            return render(request, self.template_name, ctx, status=400)
        data = upload.read()
        try:
            headers, rows = importers.read_table(data, upload.name)
        except importers.ImportFileError as exc:
            ctx["file_error"] = str(exc)
            return render(request, self.template_name, ctx, status=400)
        result = roster.validate_roster(actor=request.user, post=post, headers=headers, rows=rows, replace=replace)
        ctx.update(result=result, filename=upload.name, replace=replace)
        if result.ok:
            token = secrets.token_urlsafe(16)
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            (self.upload_dir() / f"{token}{suffix}").write_bytes(data)
            request.session[f"duty-roster-{token}"] = {
                "name": upload.name,
                "suffix": suffix,
                "user": request.user.pk,
                "post": post.pk,
                "replace": replace,
            }
            ctx["token"] = token
        return render(request, self.template_name, ctx, status=200 if result.ok else 400)

    def confirm(self, post: DutyPost, token: str):
        request = self.request
        meta = request.session.get(f"duty-roster-{token}")
        file_path = self.upload_dir() / f"{token}{(meta or {}).get('suffix', '.xlsx')}"
        if not meta or meta.get("user") != request.user.pk or meta.get("post") != post.pk or not file_path.exists():
            messages.error(request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(request.path)
        headers, rows = importers.read_table(file_path.read_bytes(), meta["name"])
        # Check again: the roster or the people may have changed since the preview.
        result = roster.validate_roster(
            actor=request.user, post=post, headers=headers, rows=rows, replace=meta["replace"]
        )
        ctx = self.context(post, form=RosterImportForm(user=request.user), result=result, filename=meta["name"])
        if not result.ok:
            return render(request, self.template_name, ctx, status=400)
        try:
            created = services.roster_import(actor=request.user, post=post, rows=result.rows)
        except (OutOfScope, ValidationError) as exc:
            ctx["file_error"] = _error_text(exc)
            return render(request, self.template_name, ctx, status=400)
        finally:
            file_path.unlink(missing_ok=True)
            request.session.pop(f"duty-roster-{token}", None)
        messages.success(request, _("Imported %(count)s shifts.") % {"count": len(created)})
        month = duty_day_of(post, created[0].starts_at).strftime("%Y-%m") if created else ""
        return HttpResponseRedirect(f"{reverse('duty:roster', kwargs={'pk': post.pk})}?{urlencode({'month': month})}")
