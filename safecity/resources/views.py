"""Resource pages: depots (with stock on hand and the movement forms), reserve standards, the stock
positions by region, the ledger, shortfalls and expiring lots."""

from __future__ import annotations

from datetime import timedelta

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectView, ObjectViews
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.training.tables import HolderCertificateTable

from . import rules, services
from . import stock_import as _stock_import  # noqa: F401 - registers the opening-stock job importer
from .choices import CallUpResponse, Readiness
from .filtersets import (
    DepotFilterSet,
    EquipmentFilterSet,
    ExpertFilterSet,
    MovementFilterSet,
    RescueTeamFilterSet,
    ReserveStandardFilterSet,
    TeamMemberFilterSet,
)
from .forms import (
    AdjustForm,
    CallUpForm,
    DepotForm,
    DepotImportForm,
    DispatchForm,
    EquipmentForm,
    ExpertForm,
    IssueForm,
    ReadinessForm,
    ReceiptForm,
    RescueTeamForm,
    ReserveStandardForm,
    TeamMemberForm,
    TransferForm,
)
from .models import (
    Depot,
    Dispatch,
    Equipment,
    Expert,
    ExpertCallUp,
    Lot,
    Movement,
    RescueTeam,
    ReserveStandard,
    TeamMember,
)
from .tables import (
    DepotTable,
    DispatchTable,
    EquipmentTable,
    ExpertTable,
    LotTable,
    MovementTable,
    RescueTeamTable,
    ReserveStandardTable,
    TeamMemberTable,
)

MOVEMENT_FORMS = {
    "receipt": (ReceiptForm, gettext_lazy("Record a receipt")),
    "issue": (IssueForm, gettext_lazy("Record an issue")),
    "transfer": (TransferForm, gettext_lazy("Transfer to another depot")),
    "adjust": (AdjustForm, gettext_lazy("Record a stock count")),
}


class MovementView(ObjectView):
    """One movement form of a depot; the service does the work, its refusal is shown on the form."""

    action = "change"
    template_name = "resources/movement_form.html"

    def setup_form(self, data=None):
        self.depot = self.get_object("change")
        kind = self.kwargs["kind"]
        if kind not in MOVEMENT_FORMS:
            raise PermissionDenied
        form_class, self.title = MOVEMENT_FORMS[kind]
        extra = {"depot": self.depot} if kind == "adjust" else {}
        form = form_class(data=data, user=self.request.user, **extra)
        if kind == "transfer":
            form.fields["target"].queryset = form.fields["target"].queryset.exclude(pk=self.depot.pk)
        return kind, form

    def get(self, request, *args, **kwargs):
        _kind, form = self.setup_form()
        return self.render_form(form)

    def post(self, request, *args, **kwargs):
        kind, form = self.setup_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                self.perform(kind, data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved: %(what)s.") % {"what": self.title})
                return HttpResponseRedirect(self.depot.get_absolute_url())
        return self.render_form(form, status=400)

    def perform(self, kind: str, data: dict) -> None:
        user, depot = self.request.user, self.depot
        if kind == "receipt":
            services.receive(actor=user, depot=depot, **data)
        elif kind == "issue":
            services.issue(actor=user, depot=depot, **data)
        elif kind == "transfer":
            services.transfer(actor=user, source=depot, **data)
        else:
            services.adjust(actor=user, lot=data["lot"], counted=data["counted"], note=data["note"])

    def render_form(self, form, status=200):
        ctx = self.base_context(object=self.depot, form=form, title=self.title)
        return render(self.request, self.template_name, ctx, status=status)


class DepotViews(ObjectViews):
    model = Depot
    table = DepotTable
    filterset = DepotFilterSet
    form = DepotForm
    import_form = DepotImportForm
    select_related = ("region",)
    detail_template = "resources/depot_detail.html"
    detail_fields = ["name", "kind", "region", "address", "latitude", "longitude", "notes"]
    related = [(gettext_lazy("Equipment"), "equipment", EquipmentTable)]
    empty_hint = gettext_lazy("No depots in your area yet.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        lots = obj.lots.filter(quantity__gt=0).select_related("item").order_by("item__name", "expiry_date", "pk")
        lot_table = LotTable(lots)
        tables.RequestConfig(request, paginate=False).configure(lot_table)
        movements = Movement.objects.filter(lot__depot=obj).select_related("lot__item", "lot__depot", "incident")
        ledger = MovementTable(movements[:20], exclude=("depot",))
        return {
            "lot_table": lot_table,
            "ledger_table": ledger,
            "keepers": obj.keepers.all(),
            "movement_forms": [(kind, label) for kind, (_form, label) in MOVEMENT_FORMS.items()],
            "can_move": request.user.has_perm("resources.change_depot") and obj.archived_at is None,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("depots/<int:pk>/<str:kind>/", MovementView.as_view(config=cls), name="depot_movement"),
            path("stock/", stock, name="stock"),
            path("stock/import/", stock_import, name="stock_import"),
            path("ledger/", ledger, name="ledger"),
            path("shortfalls/", shortfalls, name="shortfalls"),
            path("expiring/", expiring, name="expiring"),
        ]


class ReserveStandardViews(ObjectViews):
    model = ReserveStandard
    table = ReserveStandardTable
    filterset = ReserveStandardFilterSet
    form = ReserveStandardForm
    select_related = ("region", "item")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_fields = ["item", "region", "minimum", "basis"]


class EquipmentViews(ObjectViews):
    model = Equipment
    table = EquipmentTable
    filterset = EquipmentFilterSet
    form = EquipmentForm
    select_related = ("depot__region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_fields = [
        "name",
        "model",
        "serial_number",
        "depot",
        "condition",
        "commissioned_on",
        "last_maintained_on",
        "maintenance_interval_days",
        "notes",
    ]


class CallUpView(ObjectView):
    """Call this expert up for an incident (POST from the expert's page)."""

    action = "view"

    def post(self, request, *args, **kwargs):
        expert = self.get_object("view")
        if not request.user.has_perm("resources.add_expertcallup"):
            raise PermissionDenied
        form = CallUpForm(data=request.POST, user=request.user)
        if form.is_valid():
            made = services.call_up(
                actor=request.user,
                incident=form.cleaned_data["incident"],
                experts=[expert],
                note=form.cleaned_data["note"],
            )
            if made:
                messages.success(
                    request, _("Called up for %(incident)s.") % {"incident": form.cleaned_data["incident"]}
                )
            else:
                messages.info(request, _("Already called up for this incident."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(expert.get_absolute_url() + "#call-ups")


class ResponseView(ObjectView):
    """Record an expert's answer to a call-up."""

    action = "view"

    def post(self, request, *args, **kwargs):
        expert = self.get_object("view")
        call_up = ExpertCallUp.objects.restrict(request.user, "change").filter(pk=kwargs["call_up"], expert=expert)
        call_up = call_up.first()
        if call_up is None:
            raise PermissionDenied
        try:
            services.record_response(actor=request.user, call_up=call_up, response=request.POST.get("response", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Answer recorded."))
        return HttpResponseRedirect(expert.get_absolute_url() + "#call-ups")


class ExpertViews(ObjectViews):
    model = Expert
    table = ExpertTable
    filterset = ExpertFilterSet
    form = ExpertForm
    select_related = ("region",)
    prefetch_related = ("specialties",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"phone": "phone"}
    detail_template = "resources/expert_detail.html"
    related = [(gettext_lazy("Certificate records"), "certificate_records", HolderCertificateTable)]
    detail_fields = [
        "name",
        "specialties",
        "title",
        "employer",
        "source",
        "availability",
        "region",
        "phone",
        "certificates",
        "certificates_expire_on",
        "notes",
    ]

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        call_ups = obj.call_ups.select_related("incident").order_by("-called_at")
        return {
            "specialties": obj.specialties.all(),
            "call_ups": call_ups,
            "responses": [c for c in CallUpResponse.choices if c[0] != CallUpResponse.PENDING],
            "call_up_form": CallUpForm(user=request.user),
            "can_call_up": request.user.has_perm("resources.add_expertcallup") and obj.archived_at is None,
            "can_answer": request.user.has_perm("resources.change_expertcallup"),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("experts/<int:pk>/call-up/", CallUpView.as_view(config=cls), name="expert_call_up"),
            path(
                "experts/<int:pk>/call-ups/<int:call_up>/answer/",
                ResponseView.as_view(config=cls),
                name="expert_call_up_answer",
            ),
        ]


class TeamActionView(ObjectView):
    """The team page's actions: change readiness, dispatch to an incident, record a dispatch's times."""

    action = "change"

    def post(self, request, *args, **kwargs):
        team = self.get_object("change")
        step = kwargs["step"]
        try:
            if step == "readiness":
                form = ReadinessForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.set_readiness(actor=request.user, team=team, **form.cleaned_data)
            elif step == "dispatch":
                form = DispatchForm(data=request.POST, user=request.user)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                services.dispatch_team(actor=request.user, team=team, incident=form.cleaned_data["incident"])
            elif step in ("departed", "arrived", "returned"):
                dispatch = Dispatch.objects.filter(team=team, pk=request.POST.get("dispatch")).first()
                if dispatch is None:
                    raise PermissionDenied
                services.record_dispatch_time(actor=request.user, dispatch=dispatch, step=step)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return HttpResponseRedirect(team.get_absolute_url())


class RescueTeamViews(ObjectViews):
    model = RescueTeam
    table = RescueTeamTable
    filterset = RescueTeamFilterSet
    form = RescueTeamForm
    select_related = ("region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"leader_phone": "phone"}
    detail_template = "resources/team_detail.html"
    related = [(gettext_lazy("Team members"), "team_members", TeamMemberTable)]
    detail_fields = [
        "name",
        "kind",
        "is_reserve",
        "members",
        "leader",
        "leader_phone",
        "region",
        "base_address",
        "readiness",
        "readiness_reason",
        "readiness_since",
        "notes",
    ]

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        dispatches = obj.dispatches.select_related("incident", "team").order_by("-ordered_at")
        return {
            "specialties": obj.specialties.all(),
            "dispatches": dispatches,
            "readiness_form": ReadinessForm(user=request.user, initial={"readiness": obj.readiness}),
            "dispatch_form": DispatchForm(user=request.user),
            "can_act": request.user.has_perm("resources.change_rescueteam") and obj.archived_at is None,
            "is_ready": obj.readiness == Readiness.READY,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("rescueteams/<int:pk>/<str:step>/", TeamActionView.as_view(config=cls), name="rescueteam_action"),
            path("readiness/", readiness_board, name="readiness_board"),
            path("dispatches/", dispatches, name="dispatches"),
        ]


@login_required
def readiness_board(request):
    """Counties × readiness: how many teams in each state, and which."""
    teams = RescueTeam.objects.restrict(request.user, "view").active().select_related("region").order_by("name")
    counties = {r.prefix: r for r in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")}
    board: dict[str, dict] = {}
    for team in teams:
        county = _county_of(team.region, counties)
        key = county.code if county else ""
        row = board.setdefault(
            key, {"county": county.name if county else _("city level"), "cells": {r: [] for r in Readiness.values}}
        )
        row["cells"][team.readiness].append(team)
    rows = [
        {"county": row["county"], "cells": [row["cells"][r] for r in Readiness.values]}
        for _key, row in sorted(board.items())
    ]
    return render(request, "resources/readiness_board.html", {"rows": rows, "statuses": Readiness.choices})


@login_required
def dispatches(request):
    """Every dispatch in the user's area with its response time."""
    queryset = Dispatch.objects.restrict(request.user, "view").select_related("team", "incident")
    table = DispatchTable(queryset)
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "resources/dispatches.html", {"table": table})


@login_required
def stock_import(request):
    """Upload opening balances (XLSX/CSV) → every row checked and previewed → "import N rows" receives all or nothing.

    Files with more rows than ``SAFECITY["IMPORT_SYNC_ROWS"]`` are checked and received by the background
    workers, with progress on the import job page.
    """
    import secrets
    from pathlib import Path

    from django.conf import settings

    from safecity.core import importers
    from safecity.core.import_jobs import start_import_job

    from . import stock_import as importer

    if not request.user.has_perm("resources.add_movement"):
        raise PermissionDenied
    if request.GET.get("template"):
        return _stock_import_template()
    template = "resources/stock_import.html"
    ctx = {"columns": importers.column_labels(importer.StockRowForm)}
    folder = Path(settings.MEDIA_ROOT) / "imports"
    if request.method != "POST":
        return render(request, template, ctx)
    token = request.POST.get("token", "")
    if token:  # the user's go-ahead after the preview: check again (the stock may have moved), then receive
        meta = request.session.get(f"stock-import-{token}")
        stored = folder / f"{token}{meta['suffix']}" if meta and meta.get("user") == request.user.pk else None
        if stored is None or not stored.exists():
            messages.error(request, _("This import has expired; upload the file again."))
            return HttpResponseRedirect(request.path)
        try:
            headers, rows = importers.read_table(stored.read_bytes(), meta["name"])
            result = importer.check(headers, rows, user=request.user)
            ctx.update(result=result, filename=meta["name"])
            if not result.ok:
                return render(request, template, ctx, status=400)
            count = importer.commit(result, actor=request.user)
        except importers.ImportFileError as exc:
            ctx["file_error"] = str(exc)
            return render(request, template, ctx, status=400)
        except OutOfScope as exc:
            ctx["file_error"] = exc.message
            return render(request, template, ctx, status=400)
        finally:
            stored.unlink(missing_ok=True)
            request.session.pop(f"stock-import-{token}", None)
        messages.success(request, _("Received %(count)s opening balances.") % {"count": count})
        return HttpResponseRedirect(reverse("resources:ledger") + "?kind=receipt")
    upload = request.FILES.get("file")
    if upload is None:
        ctx["file_error"] = _("Choose a CSV or XLSX file to import.")
        return render(request, template, ctx, status=400)
    if upload.size > settings.SAFECITY["IMPORT_MAX_BYTES"]:
        ctx["file_error"] = _("The file is larger than %(size)s MB.") % {
            "size": settings.SAFECITY["IMPORT_MAX_BYTES"] // 1024 // 1024
        }
        return render(request, template, ctx, status=400)
    data = upload.read()
    try:
        headers, rows = importers.read_table(data, upload.name)
    except importers.ImportFileError as exc:
        ctx["file_error"] = str(exc)
        return render(request, template, ctx, status=400)
    if len(rows) > settings.SAFECITY["IMPORT_SYNC_ROWS"]:
        job = start_import_job(
            actor=request.user, importer=importer.JOB_IMPORTER, data=data, filename=upload.name, total_rows=len(rows)
        )
        return HttpResponseRedirect(reverse("import_job", kwargs={"pk": job.pk}))
    result = importer.check(headers, rows, user=request.user)
    ctx.update(result=result, filename=upload.name)
    if result.ok:
        token = secrets.token_urlsafe(16)
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{token}{suffix}").write_bytes(data)
        request.session[f"stock-import-{token}"] = {"name": upload.name, "suffix": suffix, "user": request.user.pk}
        ctx["token"] = token
    return render(request, template, ctx, status=200 if result.ok else 400)


def _stock_import_template():
    """An empty XLSX with the opening-balance columns, required ones marked."""
    from openpyxl import Workbook

    from safecity.core import importers

    from . import stock_import as importer

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("opening balance"))[:31]
    sheet.append(importers.column_labels(importer.StockRowForm))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="opening-stock-template.xlsx"'
    workbook.save(response)
    return response


def _county_of(region: Region, counties: dict[str, Region]) -> Region | None:
    for prefix, county in counties.items():
        if region.prefix.startswith(prefix):
            return county
    return None


@login_required
def stock(request):
    """Stock positions by region: each part of the region (county → town → village) × item, usable stock
    against the reserve standard and the shortfall, with drill-down and an XLSX export."""
    from django.http import Http404

    from . import selectors

    region = None
    if request.GET.get("region"):
        region = Region.objects.restrict(request.user, "view").filter(code=request.GET["region"]).first()
        if region is None:
            raise Http404
    positions = selectors.stock_by_region(request.user, region=region)
    if request.GET.get("export") == "xlsx":
        return _stock_xlsx(positions)
    return render(request, "resources/stock.html", {"positions": positions, "rows": positions.rows})


def _stock_xlsx(positions):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Stock by region"))[:31]
    sheet.append(
        [
            str(label)
            for label in (
                _("region"),
                _("item"),
                _("unit"),
                _("usable"),
                _("expired"),
                _("reserve standard"),
                _("shortfall"),
                _("depots"),
            )
        ]
    )
    named = [(_("%(region)s (total)") % {"region": c.region.name}, c) for c in positions.totals]
    for cell in positions.rows:
        own = _("%(region)s (own depots)") % {"region": cell.region.name}
        named.append((own if cell.own else cell.region.name, cell))
    for name, cell in named:
        sheet.append(
            [
                name,
                cell.item.name,
                cell.item.unit,
                cell.usable,
                cell.expired,
                cell.minimum,
                cell.shortfall,
                "、".join(sorted(cell.depots)),
            ]
        )
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    code = positions.parent.code if positions.parent else "scope"
    response["Content-Disposition"] = f'attachment; filename="stock-by-region-{code}.xlsx"'
    workbook.save(response)
    return response


@login_required
def ledger(request):
    """Every movement in the user's depots, newest first, with filters and paging."""
    queryset = Movement.objects.restrict(request.user, "view").select_related("lot__item", "lot__depot", "incident")
    filterset = MovementFilterSet(request.GET or None, queryset=queryset, request=request)
    table = MovementTable(filterset.qs)
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "resources/ledger.html", {"table": table, "filterset": filterset})


@login_required
def shortfalls(request):
    """Reserve standards not met: the minimum, the usable stock in the region's depots, what is missing."""
    standards = ReserveStandard.objects.restrict(request.user, "view").active()
    rows = services.shortfalls(standards)
    return render(request, "resources/shortfalls.html", {"rows": rows})


@login_required
def expiring(request):
    """Lots expired or expiring within the rotation window, with what to do about each."""
    today = timezone.localdate()
    horizon = today + timedelta(days=rules.ROTATION_DAYS)
    lots = (
        Lot.objects.restrict(request.user, "view")
        .filter(quantity__gt=0, expiry_date__isnull=False, expiry_date__lte=horizon, depot__archived_at__isnull=True)
        .select_related("item", "depot__region")
        .order_by("expiry_date", "pk")
    )
    rows = []
    for lot in lots:
        level, suggestion = rules.expiry_band(lot.expiry_date, today)
        rows.append({"lot": lot, "level": level, "suggestion": suggestion, "days": (lot.expiry_date - today).days})
    return render(
        request,
        "resources/expiring.html",
        {"rows": rows, "alert_days": rules.EXPIRY_ALERT_DAYS, "rotation_days": rules.ROTATION_DAYS},
    )


class TeamMemberViews(ObjectViews):
    """Named members of rescue teams; the team's page lists its members, each member's page their certificates."""

    model = TeamMember
    table = TeamMemberTable
    filterset = TeamMemberFilterSet
    form = TeamMemberForm
    select_related = ("team__region", "specialty")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"phone": "phone", "id_number": "id_number"}
    detail_fields = ["name", "team", "role", "specialty", "phone", "id_number", "joined_on", "left_on"]
    related = [(gettext_lazy("Certificate records"), "certificate_records", HolderCertificateTable)]
    empty_hint = gettext_lazy("No team members registered yet; add them from here or from a team's page.")


#: The depot map's layers: a depot's state, worst first, with its colour (ui.md's colour language).
DEPOT_MAP_LAYERS = [
    ("short", "red", gettext_lazy("Region short of its reserve standard")),
    ("expired", "orange", gettext_lazy("Holds expired stock")),
    ("ok", "green", gettext_lazy("Stocked, standard met")),
    ("empty", "grey", gettext_lazy("No stock")),
]


class DepotMapView(ObjectView):
    """The depots on the map, filtered like the depots list: coloured by state (the region's reserve
    shortfall, expired stock, stocked, empty), with a stock summary in each popup. ``?_format=json``
    returns the same layers as JSON."""

    action = "view"
    template_name = "resources/depot_map.html"

    def layers(self, depots) -> list:
        from django.db.models import Q

        from safecity.core import maps

        from . import selectors

        placed = list(depots.filter(latitude__isnull=False, longitude__isnull=False))
        summaries = selectors.depot_summaries(placed)
        state_of = {}
        for depot in placed:
            summary = summaries[depot.pk]
            if summary["short"]:
                state_of[depot.pk] = "short"
            elif summary["expired"]:
                state_of[depot.pk] = "expired"
            else:
                state_of[depot.pk] = "ok" if summary["usable"] else "empty"

        def details(depot) -> list[str]:
            summary = summaries.get(depot.pk, {"items": [], "short": 0})
            lines = [f"{depot.get_kind_display()} · {depot.region.name}"]
            if summary["short"]:
                lines.append(
                    _("%(count)s reserve standards of %(region)s not met")
                    % {"count": summary["short"], "region": depot.region.name}
                )
            for name, unit, usable, expired in summary["items"][:6]:
                line = f"{name} {usable:,} {unit}"
                if expired:
                    line += " · " + _("expired %(quantity)s") % {"quantity": f"{expired:,}"}
                lines.append(line)
            if len(summary["items"]) > 6:
                lines.append(_("… and %(count)s more items") % {"count": len(summary["items"]) - 6})
            if not summary["items"]:
                lines.append(_("No stock."))
            return lines

        layers = []
        for state, colour, label in DEPOT_MAP_LAYERS:
            ids = [pk for pk, s in state_of.items() if s == state]
            layers.append(
                maps.point_layer(
                    depots.filter(pk__in=ids), name=str(label), colour=maps.COLOURS[colour], details=details
                )
            )
        unplaced = depots.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).count()
        layers[-1].unplaced += unplaced
        layers.append(maps.region_layer(maps.counties_in_scope(self.request.user), name=_("County boundaries")))
        return layers

    def get(self, request, *args, **kwargs):
        from django.http import JsonResponse

        from safecity.core import maps

        if not self.can("view"):
            raise PermissionDenied
        filterset = self.config.filterset(request.GET or None, queryset=self.restricted("view"), request=request)
        layers = self.layers(filterset.qs.select_related("region"))
        if request.GET.get("_format") == "json":
            return JsonResponse(maps.geojson(layers))
        ctx = self.base_context(
            filterset=filterset,
            querystring=request.GET.urlencode(),
            legend=[(maps.COLOURS[colour], label) for _state, colour, label in DEPOT_MAP_LAYERS],
            map=maps.map_context(
                layers, empty_text=_("No depot here has coordinates yet: add latitude and longitude on its page.")
            ),
        )
        return render(request, self.template_name, ctx)
