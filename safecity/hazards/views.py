"""Hazard pages: targets and hazards through the generic views, plus the rectification steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import maps
from safecity.core.exceptions import OutOfScope
from safecity.core.scoping import get_scopes
from safecity.core.views import ObjectListView, ObjectView, ObjectViews

from . import services
from .choices import HazardLevel, HazardStatus, ItemResult, RiskGrade
from .filtersets import CampaignFilterSet, HazardFilterSet, InspectionTargetFilterSet, InspectionTeamFilterSet
from .forms import (
    AssignForm,
    CampaignForm,
    HazardForm,
    InspectionForm,
    InspectionTargetForm,
    InspectionTargetImportForm,
    InspectionTeamForm,
    RectifyForm,
    ReinspectForm,
)
from .models import Campaign, Checklist, Hazard, InspectionTarget, InspectionTeam
from .planner import NO_COUNTY, NO_TEAM_FROM_ANOTHER_COUNTY
from .rules import RECTIFYING_STATUSES
from .selectors import campaign_coverage, coverage_by_county, svg_bars
from .services import campaign_targets
from .tables import CampaignTable, HazardTable, InspectionTable, InspectionTargetTable, InspectionTeamTable


class TargetListView(ObjectListView):
    """The targets list, with a tab to the same filter on the map."""

    template_name = "hazards/inspectiontarget_list.html"


#: Map layers of the targets map: one per risk grade, in the colours of the four-colour risk map.
RISK_LAYERS = [
    (RiskGrade.MAJOR, maps.COLOURS["red"]),
    (RiskGrade.HIGH, maps.COLOURS["orange"]),
    (RiskGrade.MODERATE, maps.COLOURS["yellow"]),
    (RiskGrade.LOW, maps.COLOURS["blue"]),
]


class TargetMapView(ObjectView):
    """The map of inspection targets: the list's filters, one layer per risk grade, county boundaries.
    ``?_format=json`` returns the same layers as JSON."""

    template_name = "hazards/inspectiontarget_map.html"

    def layers(self, queryset) -> list:
        def details(target):
            lines = [target.get_category_display(), target.address]
            if target.last_inspected_at:
                lines.append(
                    _("last inspected %(date)s") % {"date": f"{timezone.localtime(target.last_inspected_at):%Y-%m-%d}"}
                )
            return [line for line in lines if line]

        layers = [
            maps.point_layer(
                queryset.filter(risk_grade=grade), name=RiskGrade(grade).label, colour=colour, details=details
            )
            for grade, colour in RISK_LAYERS
        ]
        layers.append(maps.region_layer(maps.counties_in_scope(self.request.user), name=_("County boundaries")))
        return layers

    def get(self, request, *args, **kwargs):
        if not self.can("view"):
            raise PermissionDenied
        filterset = self.config.filterset(request.GET or None, queryset=self.restricted(), request=request)
        layers = self.layers(filterset.qs.select_related(None).only(*MAP_FIELDS))
        if request.GET.get("_format") == "json":
            return JsonResponse(maps.geojson(layers))
        query = request.GET.copy()
        ctx = self.base_context(
            filterset=filterset,
            querystring=query.urlencode(),
            map=maps.map_context(
                layers, empty_text=_("No inspection target here has coordinates yet: add latitude and longitude.")
            ),
        )
        return render(request, self.template_name, ctx)


MAP_FIELDS = ("name", "category", "risk_grade", "address", "latitude", "longitude", "last_inspected_at")


class InspectionTargetViews(ObjectViews):
    model = InspectionTarget
    table = InspectionTargetTable
    filterset = InspectionTargetFilterSet
    form = InspectionTargetForm
    import_form = InspectionTargetImportForm
    select_related = ("region", "responsible_unit")
    masked_fields = {"responsible_phone": "phone"}
    detail_fields = [
        "name",
        "category",
        "risk_grade",
        "region",
        "address",
        "latitude",
        "longitude",
        "responsible_unit",
        "responsible_person",
        "responsible_phone",
        "last_inspected_at",
        "notes",
    ]
    related = [
        (gettext_lazy("Hazards"), "hazards", HazardTable),
        (gettext_lazy("Inspections"), "inspections", InspectionTable),
    ]
    detail_template = "hazards/inspectiontarget_detail.html"
    empty_hint = gettext_lazy("No inspection targets in your area yet. Add them or import a spreadsheet.")
    view_classes = {"list": TargetListView}

    @classmethod
    def urls(cls) -> list:
        return [
            path("inspectiontargets/map/", TargetMapView.as_view(config=cls), name="inspectiontarget_map"),
            *super().urls(),
            path(
                "inspectiontargets/<int:pk>/inspect/", InspectView.as_view(config=cls), name="inspectiontarget_inspect"
            ),
        ]


class InspectView(ObjectView):
    """The inspection form (phone first): the target's checklist item by item — pass, hazard or not
    applicable — with a note per hazard, the GPS point and the time. Hazards are created from the findings."""

    action = "view"
    template_name = "hazards/inspect.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("hazards.add_inspection"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def items(self, target):
        checklist = Checklist.objects.filter(category=target.category).first()
        return checklist, list(checklist.items.all()) if checklist else []

    def get(self, request, *args, **kwargs):
        import uuid

        target = self.get_object()
        form = InspectionForm(
            user=request.user,
            initial={
                "inspected_at": timezone.localtime().replace(second=0, microsecond=0),
                "submission_key": uuid.uuid4(),
            },
        )
        return self.render_form(target, form, {})

    def post(self, request, *args, **kwargs):
        target = self.get_object()
        form = InspectionForm(data=request.POST, user=request.user)
        _checklist, items = self.items(target)
        chosen = {
            item.pk: (request.POST.get(f"item-{item.pk}", ""), request.POST.get(f"note-{item.pk}", "").strip()[:500])
            for item in items
        }
        answers = [{"item": pk, "result": result, "note": note} for pk, (result, note) in chosen.items() if result]
        results = []
        try:
            results = services.checklist_results(target, answers)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        photos = {
            item.pk: request.FILES.getlist(f"photo-{item.pk}")
            for item in items
            if chosen[item.pk][0] == ItemResult.HAZARD and request.FILES.getlist(f"photo-{item.pk}")
        }
        if form.is_valid():
            inspection = form.save(commit=False)
            inspection.target = target
            try:
                hazards = services.inspection_record(
                    actor=request.user,
                    inspection=inspection,
                    results=results,
                    photos=photos,
                    submission_key=form.cleaned_data.get("submission_key"),
                )
            except services.AlreadyRecorded:
                messages.info(request, _("This inspection had already been recorded; it was not saved twice."))
                return HttpResponseRedirect(target.get_absolute_url())
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Inspection recorded: %(count)d hazards found.") % {"count": len(hazards)})
                return HttpResponseRedirect(target.get_absolute_url())
        return self.render_form(target, form, chosen, status=400)

    def render_form(self, target, form, chosen, status=200):
        checklist, items = self.items(target)
        rows = [
            {"item": item, "result": chosen.get(item.pk, ("", ""))[0], "note": chosen.get(item.pk, ("", ""))[1]}
            for item in items
        ]
        ctx = self.base_context(
            object=target,
            form=form,
            checklist=checklist,
            rows=rows,
            choices=ItemResult.choices,
            heading=_("Inspect: %(name)s") % {"name": target.name},
        )
        return render(self.request, self.template_name, ctx, status=status)


class InspectionTeamViews(ObjectViews):
    model = InspectionTeam
    table = InspectionTeamTable
    filterset = InspectionTeamFilterSet
    form = InspectionTeamForm
    select_related = ("region",)
    prefetch_related = ("members",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_fields = ["name", "region"]
    detail_template = "hazards/inspectionteam_detail.html"
    empty_hint = gettext_lazy("No inspection teams yet.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return {"members": list(obj.members.order_by("username"))}


REASON_LABELS = {
    NO_TEAM_FROM_ANOTHER_COUNTY: gettext_lazy("no team from another county"),
    NO_COUNTY: gettext_lazy("the target is not in a county"),
}


class CampaignPlanView(ObjectView):
    """Run the cross-inspection planner for a campaign (keeps the targets already inspected)."""

    action = "change"

    def post(self, request, *args, **kwargs):
        campaign = self.get_object("change")
        try:
            plan = services.campaign_plan(actor=request.user, campaign=campaign)
        except (ValidationError, OutOfScope) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("Planned: %(assigned)d targets assigned, %(unassigned)d could not be assigned.")
                % {"assigned": len(plan.assignments), "unassigned": len(plan.unassigned)},
            )
        return HttpResponseRedirect(campaign.get_absolute_url())


class CampaignViews(ObjectViews):
    model = Campaign
    table = CampaignTable
    filterset = CampaignFilterSet
    form = CampaignForm
    select_related = ("region",)
    prefetch_related = ("regions",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_template = "hazards/campaign_detail.html"
    detail_fields = ["name", "starts_on", "ends_on", "blind_spot_days", "notes"]
    empty_hint = gettext_lazy("No campaigns yet.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        from .choices import TargetCategory

        # Figures and assignments of the targets the reader may see: a county sees its share of a city campaign.
        coverage = campaign_coverage(obj, user=request.user)
        visible = InspectionTarget.objects.restrict(request.user, "view")
        assignments = list(
            obj.assignments.filter(target__in=visible)
            .select_related("target__region", "team")
            .order_by("team__name", "target__region__code")
        )
        labels = dict(TargetCategory.choices)
        may_change = Campaign.objects.restrict(request.user, "change").filter(pk=obj.pk).exists()
        area = list(obj.regions.order_by("code"))
        in_scope = campaign_targets(obj, user=request.user).select_related(None).only(*MAP_FIELDS)
        inspected = obj.inspections.filter(archived_at__isnull=True).values("target_id")
        layers = [
            maps.point_layer(
                in_scope.exclude(pk__in=inspected), name=_("not inspected yet"), colour=maps.COLOURS["red"]
            ),
            maps.point_layer(
                in_scope.filter(pk__in=inspected), name=_("inspected in this campaign"), colour=maps.COLOURS["green"]
            ),
            maps.region_layer(area, name=_("area"), colour=maps.COLOURS["blue"]),
        ]
        return {
            "map": maps.map_context(
                layers, empty_text=_("No target of this campaign has coordinates yet."), height="45vh"
            ),
            "area": area,
            "teams": list(obj.teams.select_related("region").order_by("name")),
            "partial_view": not get_scopes(request.user).covers_prefix(obj.region.prefix),
            "coverage": coverage,
            "chart": mark_safe(svg_bars(coverage_by_county(coverage))),  # built from escaped names and numbers
            "category_labels": ", ".join(str(labels.get(c, c)) for c in obj.categories) or _("all categories"),
            "assigned": [a for a in assignments if a.team_id],
            "unassigned": [(a, REASON_LABELS.get(a.reason, a.reason)) for a in assignments if not a.team_id],
            "can_plan": may_change and obj.archived_at is None,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("campaigns/<int:pk>/plan/", CampaignPlanView.as_view(config=cls), name="campaign_plan"),
        ]


def _step_assign(request, hazard):
    form = AssignForm(data=request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return services.hazard_assign(actor=request.user, hazard=hazard, **form.cleaned_data)


def _step_rectify(request, hazard):
    form = RectifyForm(data=request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return services.hazard_rectify(
        actor=request.user, hazard=hazard, note=form.cleaned_data["note"], photos=request.FILES.getlist("photos")
    )


def _step_reinspect(request, hazard):
    form = ReinspectForm(data=request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return services.hazard_reinspect(actor=request.user, hazard=hazard, **form.cleaned_data)


STEPS = {
    "assign": (_step_assign, gettext_lazy("Rectification assigned.")),
    "start": (lambda request, h: services.hazard_start(actor=request.user, hazard=h), gettext_lazy("Rectifying.")),
    "rectify": (_step_rectify, gettext_lazy("Rectification reported.")),
    "apply": (
        lambda request, h: services.hazard_apply_to_resume(actor=request.user, hazard=h),
        gettext_lazy("Application to resume recorded; the review is due within 10 days."),
    ),
    "reinspect": (_step_reinspect, gettext_lazy("Re-inspection recorded.")),
    "close": (lambda request, h: services.hazard_close(actor=request.user, hazard=h), gettext_lazy("Hazard closed.")),
}


#: Change reasons worth a note in the step list (the status says the rest).
STEP_NOTES = {
    "re-inspection failed: re-opened": gettext_lazy("re-inspection failed: re-opened"),
    "applied to resume": gettext_lazy("application to resume filed"),
    "archived": gettext_lazy("archived"),
    "restored": gettext_lazy("restored"),
}


class HazardStepView(ObjectView):
    """One step of the rectification loop (POST). A refusal is shown with its reason."""

    action = "change"

    def post(self, request, *args, **kwargs):
        hazard = self.get_object("change")
        step = STEPS.get(kwargs["step"])
        if step is None:
            raise Http404
        run, done = step
        try:
            run(request, hazard)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except OutOfScope as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
        return HttpResponseRedirect(hazard.get_absolute_url())


class HazardViews(ObjectViews):
    model = Hazard
    table = HazardTable
    filterset = HazardFilterSet
    form = HazardForm
    select_related = ("region", "target", "responsible_unit", "responsible_person")
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_template = "hazards/hazard_detail.html"
    detail_fields = [
        "title",
        "level",
        "target",
        "region",
        "description",
        "found_at",
        "found_by",
        "responsible_unit",
        "responsible_person",
        "deadline",
        "measures",
        "rectified_by",
        "rectified_at",
        "rectification_note",
        "reinspected_by",
        "reinspected_at",
        "reinspection_note",
        "reopened_count",
        "closed_at",
        "supervision_level",
        "applied_at",
    ]
    empty_hint = gettext_lazy("No hazards in your area.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        can = request.user.has_perm("hazards.change_hazard") and obj.archived_at is None
        status = obj.status
        history = list(obj.history.select_related("history_user").order_by("history_date"))
        for entry in history:
            entry.step_note = STEP_NOTES.get(entry.history_change_reason or "", "")
        return {
            "can_step": can,
            "show_assign": can and status in (HazardStatus.FOUND, HazardStatus.ASSIGNED),
            "show_start": can and status == HazardStatus.ASSIGNED,
            "show_rectify": can and status in RECTIFYING_STATUSES,
            "show_apply": can
            and status == HazardStatus.RECTIFIED
            and obj.level == HazardLevel.MAJOR
            and obj.applied_at is None,
            "show_reinspect": can and status == HazardStatus.RECTIFIED,
            "show_close": can and status != HazardStatus.CLOSED,
            "close_refusal": services.close_refusal(obj),
            "assign_form": AssignForm(user=request.user),
            "rectify_form": RectifyForm(user=request.user),
            "reinspect_form": ReinspectForm(user=request.user),
            "steps": history,
            "overdue": obj.is_overdue(),
            "photos": list(obj.photos.all()),
            "missing_plan": obj.missing_plan_elements() if obj.level == HazardLevel.MAJOR else [],
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("hazards/<int:pk>/<str:step>/", HazardStepView.as_view(config=cls), name="hazard_step"),
            path("photos/<int:pk>/", photo, name="photo"),
            path("statistics/", statistics, name="statistics"),
            path("photos/<int:pk>/thumbnail/", photo_thumbnail, name="photo_thumbnail"),
        ]


def _photo_response(request, pk: int, field: str):
    from django.contrib.auth.views import redirect_to_login
    from django.http import FileResponse

    from .models import HazardPhoto

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    visible = Hazard.objects.restrict(request.user, "view")
    photo = get_object_or_404(HazardPhoto.objects.filter(hazard__in=visible), pk=pk)
    file = getattr(photo, field)
    response = FileResponse(file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo(request, pk: int):
    """A hazard photo, only for those who may see the hazard."""
    return _photo_response(request, pk, "image")


def photo_thumbnail(request, pk: int):
    return _photo_response(request, pk, "thumbnail")


@login_required
def statistics(request):
    """Hazard statistics for a quarter or a year, with the overdue list; ``?_export=xlsx`` for the workbook."""
    from django.http import HttpResponse
    from django.utils import timezone

    from .statistics import hazard_statistics, statistics_xlsx

    if not request.user.has_perm("hazards.view_hazard"):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or 0)
    except ValueError:
        year, quarter = today.year, 0
    if not (2000 <= year <= 2100) or quarter not in (0, 1, 2, 3, 4):
        year, quarter = today.year, 0
    stats = hazard_statistics(Hazard.objects.restrict(request.user, "view"), year=year, quarter=quarter or None)
    if request.GET.get("_export") == "xlsx":
        response = HttpResponse(
            statistics_xlsx(stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"hazards-{year}{f'-Q{quarter}' if quarter else ''}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "hazards/statistics.html",
        {"stats": stats, "year": year, "quarter": quarter, "years": range(today.year - 4, today.year + 1)},
    )


@login_required
def inspection_detail(request, pk: int):
    """One inspection as recorded: each item's text as it read when answered, the result and note, the
    hazards found, where and when. Read-only: an inspection is a record."""
    from .models import Inspection

    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "view").select_related(
            "target__region", "campaign", "inspector", "region"
        ),
        pk=pk,
    )
    labels = dict(ItemResult.choices)
    rows = [{**row, "result_label": labels.get(row.get("result"), row.get("result"))} for row in inspection.results]
    hazards = list(inspection.hazards.restrict(request.user, "view").order_by("pk"))
    return render(request, "hazards/inspection_detail.html", {"object": inspection, "rows": rows, "hazards": hazards})
