"""Generic views: a domain model declares an :class:`ObjectViews` bundle and gets every page.

The bundle (like a ``ModelAdmin``) names the model, filterset, table, form, import form and the
detail layout; :meth:`ObjectViews.urls` generates list, detail, history, add, edit, archive,
restore and import pages. Every page reads through ``restrict(user, action)``: a record outside the
user's scope is a 404. Every write goes through :mod:`safecity.core.services`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_tables2.export import TableExport

from . import importers
from .exceptions import OutOfScope
from .masking import mask_id_number, mask_phone
from .querysets import permission_name
from .services import object_archive, object_restore, object_save

EXPORT_FORMATS = ("xlsx", "csv")


class ObjectViews:
    """Declarations for one model's pages. Subclass and set the attributes; use ``urls()`` in ``urls.py``."""

    model: type[models.Model]
    table: type[tables.Table]
    filterset: type | None = None
    form: type | None = None
    import_form: type | None = None
    #: Bulk imports use ``bulk_create`` with history; ``False`` saves row by row in file order.
    import_bulk: bool = True
    #: Fields shown on the detail page, in order (default: every editable concrete field).
    detail_fields: list[str] | None = None
    #: Fields shown masked on the detail page: ``{"phone": "phone", "id_number": "id_number"}``.
    masked_fields: dict[str, str] = {}
    #: ``select_related`` for list, detail and export (keeps the query count flat).
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    #: Related lists on the detail page: ``[(title, accessor returning a queryset, table class)]``.
    related: list[tuple[str, str, type[tables.Table]]] = []
    #: Which pages to generate.
    actions: tuple[str, ...] = ("list", "detail", "history", "add", "edit", "archive", "restore", "import")
    #: Empty-state hint on the list page.
    empty_hint: str = ""
    #: Replace a generated page's view class: ``{"add": MyCreateView}``.
    view_classes: dict[str, type] = {}
    #: Template of the detail page (extend ``core/object_detail.html``'s blocks or write your own).
    detail_template: str = "core/object_detail.html"

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        """Extra context for the detail page."""
        return {}

    #: Every declared bundle, for the meta-test that requires a test class per model.
    registry: list[type[ObjectViews]] = []

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        ObjectViews.registry.append(cls)

    @classmethod
    def base_queryset(cls):
        qs = cls.model._default_manager.all()
        if cls.select_related:
            qs = qs.select_related(*cls.select_related)
        if cls.prefetch_related:
            qs = qs.prefetch_related(*cls.prefetch_related)
        return qs

    @classmethod
    def url_name(cls, action: str) -> str:
        return f"{cls.model._meta.model_name}_{action}"

    @classmethod
    def urls(cls) -> list:
        name = cls.model._meta.model_name
        views = {
            "list": ("", ObjectListView),
            "add": ("add/", ObjectEditView),
            "import": ("import/", ObjectImportView),
            "detail": ("<int:pk>/", ObjectDetailView),
            "history": ("<int:pk>/history/", ObjectHistoryView),
            "edit": ("<int:pk>/edit/", ObjectEditView),
            "archive": ("<int:pk>/archive/", ObjectArchiveView),
            "restore": ("<int:pk>/restore/", ObjectRestoreView),
        }
        return [
            path(f"{name}s/{route}", cls.view_classes.get(action, view).as_view(config=cls), name=cls.url_name(action))
            for action, (route, view) in views.items()
            if action in cls.actions
        ]


def _url(config: type[ObjectViews], action: str, **kwargs) -> str:
    return reverse(f"{config.model._meta.app_label}:{config.url_name(action)}", kwargs=kwargs or None)


class ObjectView(LoginRequiredMixin, View):
    """Base of the generic views: knows its config and what the user may do."""

    config: type[ObjectViews] = None
    action = "view"
    template_name = ""

    def restricted(self, action: str | None = None):
        return self.config.base_queryset().restrict(self.request.user, action or self.action)

    def get_object(self, action: str | None = None):
        return get_object_or_404(self.restricted(action), pk=self.kwargs["pk"])

    def can(self, action: str) -> bool:
        return self.request.user.has_perm(permission_name(self.config.model, action))

    def base_context(self, **extra) -> dict[str, Any]:
        opts = self.config.model._meta
        ctx = {
            "opts": opts,
            "config": self.config,
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "list_url": _url(self.config, "list") if "list" in self.config.actions else "",
            "can_add": self.can("add") and "add" in self.config.actions,
            "can_change": self.can("change") and "edit" in self.config.actions,
            "can_archive": self.can("delete") and "archive" in self.config.actions,
            "can_import": self.can("add") and self.config.import_form is not None and "import" in self.config.actions,
        }
        if ctx["can_add"]:
            ctx["add_url"] = _url(self.config, "add")
        if ctx["can_import"]:
            ctx["import_url"] = _url(self.config, "import")
        ctx.update(extra)
        return ctx


class ObjectListView(ObjectView):
    """Filters on top, a sortable table paginated in the database, XLSX/CSV export of the filtered rows."""

    template_name = "core/object_list.html"
    per_page_choices = (25, 50, 100, 200)

    def get(self, request, *args, **kwargs):
        queryset = self.restricted()
        filterset = None
        if self.config.filterset is not None:
            filterset = self.config.filterset(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs
        elif hasattr(queryset.model, "archived_at"):
            queryset = queryset.filter(archived_at__isnull=True)
        export_format = request.GET.get("_export")
        if export_format in EXPORT_FORMATS:
            return self.export(queryset, export_format)
        table = self.config.table(queryset)
        try:
            per_page = int(request.GET.get("per_page", 50))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in self.per_page_choices else 50
        tables.RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        ctx = self.base_context(
            table=table,
            filterset=filterset,
            total=table.paginator.count,
            per_page=per_page,
            per_page_choices=self.per_page_choices,
            querystring=query.urlencode(),
            export_formats=EXPORT_FORMATS,
            filtered=bool(
                filterset
                and filterset.is_bound
                and any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))
            ),
            empty_hint=self.config.empty_hint,
        )
        template = "core/object_list_table.html" if getattr(request, "htmx", False) else self.template_name
        return render(request, template, ctx)

    def export(self, queryset, export_format: str):
        limit = settings.SAFECITY["EXPORT_MAX_ROWS"]
        if queryset.count() > limit:
            messages.error(
                self.request,
                _("Too many rows to export (more than %(limit)s); narrow the filter first.") % {"limit": f"{limit:,}"},
            )
            return HttpResponseRedirect(self.request.path)
        table = self.config.table(queryset, exclude=("actions",))
        tables.RequestConfig(self.request, paginate=False).configure(table)
        exporter = TableExport(
            export_format, table, dataset_kwargs={"title": str(self.config.model._meta.verbose_name_plural)[:31]}
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return exporter.response(filename=f"{self.config.model._meta.model_name}s-{stamp}.{export_format}")


class ObjectDetailView(ObjectView):
    """Header, actions, a details tab and related records."""

    template_name = "core/object_detail.html"

    def detail_rows(self, obj) -> list[tuple[str, Any, str]]:
        opts = self.config.model._meta
        names = self.config.detail_fields or [
            f.name for f in opts.concrete_fields if f.editable and not f.primary_key and f.name not in ("password",)
        ]
        rows = []
        for name in names:
            field = opts.get_field(name)
            value = getattr(obj, name)
            url = ""
            if field.many_to_many:
                value = "、".join(str(item) for item in value.all())
            elif getattr(field, "choices", None):
                value = getattr(obj, f"get_{name}_display")()
            elif isinstance(field, models.ForeignKey) and value is not None and hasattr(value, "get_absolute_url"):
                url = value.get_absolute_url()
            kind = self.config.masked_fields.get(name)
            reveal_url = ""
            if kind and value:
                value = mask_id_number(value) if kind == "id_number" else mask_phone(value)
                if self.request.user.has_perm("core.reveal_personal_data"):
                    reveal_url = reverse(
                        "reveal",
                        kwargs={
                            "content_type_id": ContentType.objects.get_for_model(obj).pk,
                            "pk": obj.pk,
                            "field": name,
                        },
                    )
            rows.append({"label": field.verbose_name, "value": value, "url": url, "reveal_url": reveal_url})
        return rows

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        related = []
        for title, accessor, table_class in self.config.related:
            qs = getattr(obj, accessor)
            qs = qs.all() if hasattr(qs, "all") else qs
            model = qs.model
            if hasattr(model._default_manager, "restrict"):
                qs = qs.restrict(request.user, "view") if hasattr(qs, "restrict") else qs
            table = table_class(qs)
            tables.RequestConfig(request, paginate={"per_page": 20}).configure(table)
            table.prefix = f"{accessor}-"
            related.append((title, table))
        ctx = self.base_context(
            object=obj,
            rows=self.detail_rows(obj),
            related=related,
            history_url=_url(self.config, "history", pk=obj.pk) if "history" in self.config.actions else "",
            edit_url=_url(self.config, "edit", pk=obj.pk) if "edit" in self.config.actions else "",
            archive_url=_url(self.config, "archive", pk=obj.pk) if "archive" in self.config.actions else "",
            restore_url=_url(self.config, "restore", pk=obj.pk) if "restore" in self.config.actions else "",
            tab="details",
        )
        ctx.update(self.config.detail_context(request, obj))
        return render(request, self.config.detail_template, ctx)


class ObjectHistoryView(ObjectView):
    """Every recorded change of one record: when, who, what changed from what to what."""

    template_name = "core/object_history.html"

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
        entries = []
        for index, record in enumerate(records):
            previous = records[index + 1] if index + 1 < len(records) else None
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                for change in delta.changes:
                    field = obj._meta.get_field(change.field)
                    changes.append((field.verbose_name, self._show(field, change.old), self._show(field, change.new)))
            entries.append({"record": record, "changes": changes})
        ctx = self.base_context(
            object=obj,
            entries=entries,
            detail_url=obj.get_absolute_url(),
            history_url=request.path,
            tab="history",
        )
        return render(request, self.template_name, ctx)

    def _show(self, field, value):
        kind = self.config.masked_fields.get(field.name)
        if kind == "id_number":
            return mask_id_number(value)
        if kind == "phone":
            return mask_phone(value)
        if getattr(field, "choices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.ForeignKey) and value is not None:
            target = field.related_model._default_manager.filter(pk=value).first()
            return str(target) if target is not None else value
        return "" if value is None else value


class ObjectEditView(ObjectView):
    """Create or edit through the model's form; saved by ``object_save`` (history, scope re-check)."""

    template_name = "core/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object("change")
        if not self.can("add"):
            raise PermissionDenied
        return self.config.model()

    def get_form(self, instance, data=None, files=None):
        initial = {k: v for k, v in self.request.GET.items() if k in self.config.form.base_fields}
        return self.config.form(data=data, files=files, instance=instance, user=self.request.user, initial=initial)

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render_form(self.get_form(instance), instance)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST, files=request.FILES)
        if form.is_valid():
            obj = form.save(commit=False)
            try:
                object_save(actor=request.user, instance=obj, after_save=lambda _o: form.save_m2m())
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_form(form, instance, status=400)

    def render_form(self, form, instance, status: int = 200):
        adding = instance._state.adding
        ctx = self.base_context(
            form=form,
            object=None if adding else instance,
            adding=adding,
            cancel_url=_url(self.config, "list") if adding else instance.get_absolute_url(),
        )
        return render(self.request, self.template_name, ctx, status=status)


def _add_model_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ObjectArchiveView(ObjectView):
    """Archive instead of delete (confirmation page, then POST)."""

    action = "delete"
    template_name = "core/object_archive.html"

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, self.base_context(object=obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        object_archive(actor=request.user, instance=obj, change_reason=request.POST.get("reason", "")[:100] or None)
        messages.success(request, _("Archived %(object)s.") % {"object": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


class ObjectRestoreView(ObjectView):
    action = "delete"

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            object_restore(actor=request.user, instance=obj)
        except ValidationError as exc:
            messages.error(request, _("Not restored: %(reason)s") % {"reason": " ".join(exc.messages)})
        else:
            messages.success(request, _("Restored %(object)s.") % {"object": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


class ObjectImportView(ObjectView):
    """Upload CSV/XLSX → every row validated with the import form → preview → import all or nothing."""

    action = "add"
    template_name = "core/object_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.can("add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def upload_dir() -> Path:
        folder = Path(settings.MEDIA_ROOT) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return self.template_file()
        return render(
            request, self.template_name, self.base_context(columns=importers.column_labels(self.config.import_form))
        )

    def template_file(self):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(self.config.model._meta.verbose_name_plural)[:31]
        sheet.append(importers.column_labels(self.config.import_form))
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.config.model._meta.model_name}-import-template.xlsx"'
        )
        workbook.save(response)
        return response

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(token)
        upload = request.FILES.get("file")
        ctx = self.base_context(columns=importers.column_labels(self.config.import_form))
        if upload is None:
            ctx["file_error"] = _("Choose a CSV or XLSX file to import.")
            return render(request, self.template_name, ctx, status=400)
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
        if len(rows) > settings.SAFECITY["IMPORT_SYNC_ROWS"]:
            # A large file: the background workers check and import it, with progress on the job page.
            from .import_jobs import start_import_job

            job = start_import_job(
                actor=request.user, bundle=self.config, data=data, filename=upload.name, total_rows=len(rows)
            )
            return HttpResponseRedirect(reverse("import_job", kwargs={"pk": job.pk}))
        result = importers.validate_rows(self.config.import_form, headers, rows, user=request.user)
        ctx.update(result=result, filename=upload.name)
        if result.ok:
            token = secrets.token_urlsafe(16)
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            (self.upload_dir() / f"{token}{suffix}").write_bytes(data)
            request.session[f"import-{token}"] = {"name": upload.name, "suffix": suffix, "user": request.user.pk}
            ctx["token"] = token
        return render(request, self.template_name, ctx, status=200 if result.ok else 400)

    def confirm(self, token: str):
        meta = self.request.session.get(f"import-{token}")
        if not meta or meta.get("user") != self.request.user.pk:
            messages.error(self.request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(self.request.path)
        file_path = self.upload_dir() / f"{token}{meta['suffix']}"
        if not file_path.exists():
            messages.error(self.request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(self.request.path)
        headers, rows = importers.read_table(file_path.read_bytes(), meta["name"])
        # Validate again: the data may have changed since the preview.
        result = importers.validate_rows(self.config.import_form, headers, rows, user=self.request.user)
        ctx = self.base_context(
            columns=importers.column_labels(self.config.import_form), result=result, filename=meta["name"]
        )
        if not result.ok:
            return render(self.request, self.template_name, ctx, status=400)
        try:
            count = importers.commit_rows(result, actor=self.request.user, bulk=self.config.import_bulk)
        except OutOfScope as exc:
            ctx["file_error"] = exc.message
            return render(self.request, self.template_name, ctx, status=400)
        except importers.ImportFileError as exc:
            ctx["file_error"] = str(exc)
            return render(self.request, self.template_name, ctx, status=400)
        finally:
            file_path.unlink(missing_ok=True)
            self.request.session.pop(f"import-{token}", None)
        messages.success(self.request, _("Imported %(count)s records.") % {"count": f"{count:,}"})
        return HttpResponseRedirect(_url(self.config, "list"))
