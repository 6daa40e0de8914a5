"""Vessel register pages; typhoon responses with their big numbers and the vessels of the area (not yet in port
first); the page that starts a response (from a warning); and the page where a vessel's check is recorded."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.alerts.models import WarningSignal
from safecity.alerts.tables import colour_badge
from safecity.core.exceptions import OutOfScope
from safecity.core.views import (
    ObjectArchiveView,
    ObjectEditView,
    ObjectRestoreView,
    ObjectView,
    ObjectViews,
    _add_model_errors,
)
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from . import selectors, services
from .filtersets import TyphoonResponseFilterSet, VesselFilterSet
from .forms import CheckForm, TyphoonResponseForm, VesselForm, VesselImportForm
from .models import TyphoonResponse, Vessel, VesselCheck
from .rules import measure_for
from .tables import ResponseVesselTable, TyphoonResponseTable, VesselCheckTable, VesselTable, position_badge

# ---- vessels -------------------------------------------------------------------------------------------------


class VesselViews(ObjectViews):
    model = Vessel
    table = VesselTable
    filterset = VesselFilterSet
    form = VesselForm
    import_form = VesselImportForm
    select_related = ("region",)
    masked_fields = {"owner_phone": "phone"}
    detail_fields = [
        "name",
        "registration_number",
        "kind",
        "region",
        "home_port",
        "length_m",
        "crew_count",
        "owner_name",
        "owner_phone",
    ]
    related = [(gettext_lazy("Checks in typhoon responses"), "checks", VesselCheckTable)]
    empty_hint = gettext_lazy(
        "No vessels registered in your area yet. Add them, or import the town's register (船名, 船名号, 区划代码 …)."
    )


# ---- responses -----------------------------------------------------------------------------------------------


class SupervisedMixin:
    """Changing, archiving and restoring a response is for the supervising side only (see ``rules``): a town
    user who reads the county's response finds these pages 404."""

    def restricted(self, action: str | None = None):
        queryset = super().restricted(action)
        if (action or self.action) == "view":
            return queryset
        return selectors.supervised(queryset, self.request.user)


class ResponseEditView(SupervisedMixin, ObjectEditView):
    pass


class ResponseArchiveView(SupervisedMixin, ObjectArchiveView):
    pass


class ResponseRestoreView(SupervisedMixin, ObjectRestoreView):
    pass


def _response_area(region: Region) -> Region:
    """The city or county a warning's region lies in (a town's warning starts its county's response)."""
    if region.level <= RegionLevel.COUNTY:
        return region
    return Region.objects.filter(prefix=region.prefix[:6], level=RegionLevel.COUNTY).first() or region


class ResponseStartView(ObjectEditView):
    """Start a response; ``?warning=<pk>`` fills the title and the area from the warning. Deadlines left empty
    come from the rule table by the warning's colour (``services.response_start``)."""

    def get_form(self, instance, data=None, files=None):
        initial = {}
        warning_id = self.request.GET.get("warning", "")
        if data is None and warning_id.isdigit():
            warning = (
                WarningSignal.objects.restrict(self.request.user, "view")
                .select_related("region")
                .filter(pk=int(warning_id))
                .first()
            )
            if warning is not None:
                initial = {
                    "warning": warning.pk,
                    "title": _("Typhoon response: %(event)s") % {"event": warning.event},
                    "region": _response_area(warning.region).pk,
                }
        return self.config.form(data=data, files=files, instance=instance, user=self.request.user, initial=initial)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                response = services.response_start(
                    actor=request.user,
                    region=data["region"],
                    title=data["title"],
                    warning=data.get("warning"),
                    started_at=data.get("started_at"),
                    port_deadline=data.get("port_deadline"),
                    ashore_deadline=data.get("ashore_deadline"),
                )
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Response started: %(response)s") % {"response": response})
                return HttpResponseRedirect(response.get_absolute_url())
        return self.render_form(form, instance, status=400)


class ResponseEndView(ObjectView):
    """End a response (POST): the supervising side only."""

    def post(self, request, *args, **kwargs):
        response = self.get_object("view")
        try:
            services.response_end(actor=request.user, response=response)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Response ended: %(response)s") % {"response": response})
        return HttpResponseRedirect(response.get_absolute_url())


def _big_numbers(response, summary) -> list[dict]:
    url = response.get_absolute_url()

    def link(show: str) -> str:
        return f"{url}?show={show}#vessels"

    numbers = [
        {
            "key": "safe",
            "label": _("Safe in port"),
            "value": f"{summary.safe_percent}%",
            "detail": f"{summary.safe:,} / {summary.total:,}",
            "url": link("safe"),
            "alert": False,
        },
        {"key": "at_sea", "label": _("At sea"), "value": f"{summary.at_sea:,}", "url": link("at_sea"), "alert": False},
        {
            "key": "unchecked",
            "label": _("Not checked"),
            "value": f"{summary.unchecked:,}",
            "url": link("unchecked"),
            "alert": False,
        },
        {
            "key": "overdue",
            "label": _("Overdue: not in port after the deadline"),
            "value": f"{summary.overdue:,}",
            "url": link("overdue"),
            "alert": summary.overdue > 0,
        },
    ]
    if response.ashore_deadline is not None:
        numbers.append(
            {
                "key": "crew_not_ashore",
                "label": _("Crews not ashore after the deadline"),
                "value": f"{summary.crew_not_ashore:,}",
                "url": link("crew_not_ashore"),
                "alert": summary.crew_not_ashore > 0,
            }
        )
    return numbers


def _response_context(request, response) -> dict:
    user = request.user
    now = timezone.now()
    summary = selectors.response_summary(response, user, now=now)
    show = request.GET.get("show", "")
    show = show if show in selectors.SHOW_CHOICES else ""
    can_record = (
        response.ongoing and user.has_perm("typhoon.add_vesselcheck") and user.has_perm("typhoon.change_vesselcheck")
    )
    table = ResponseVesselTable(
        selectors.vessel_rows(response, user, now=now, show=show), response=response, now=now, can_record=can_record
    )
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    supervise = services.may_supervise(user, response.region) and response.archived_at is None
    colour = response.warning.colour if response.warning_id else None
    measure = measure_for(colour)
    return {
        "summary": summary,
        "big_numbers": _big_numbers(response, summary),
        "vessels": table,
        "show": show,
        "colour_badge": colour_badge(colour) if colour else "",
        "guidance": measure.guidance if measure else "",
        "deadlines": [
            selectors.deadline_state(_("Vessels back in port by"), response.port_deadline, summary.not_in_port, now),
            selectors.deadline_state(_("Crews ashore by"), response.ashore_deadline, summary.crew_not_ashore, now),
        ],
        "can_change": supervise and user.has_perm("typhoon.change_typhoonresponse") and response.ongoing,
        "can_archive": supervise and user.has_perm("typhoon.delete_typhoonresponse"),
        "can_end": supervise and response.ongoing,
    }


class TyphoonResponseViews(ObjectViews):
    model = TyphoonResponse
    table = TyphoonResponseTable
    filterset = TyphoonResponseFilterSet
    form = TyphoonResponseForm
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {
        "add": ResponseStartView,
        "edit": ResponseEditView,
        "archive": ResponseArchiveView,
        "restore": ResponseRestoreView,
    }
    select_related = ("region", "warning")
    detail_template = "typhoon/response_detail.html"
    detail_fields = ["title", "warning", "region", "started_at", "port_deadline", "ashore_deadline", "ended_at"]
    empty_hint = gettext_lazy(
        "No typhoon response yet. Start one when a typhoon warning arrives (from the warning's page, or “Add”)."
    )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return _response_context(request, obj)

    @classmethod
    def urls(cls) -> list:
        return [
            path("responses/start/", ResponseStartView.as_view(config=cls), name="response_start"),
            *super().urls(),
            path("typhoonresponses/<int:pk>/end/", ResponseEndView.as_view(config=cls), name="typhoonresponse_end"),
            path(
                "typhoonresponses/<int:pk>/vessels/<int:vessel>/check/",
                VesselCheckView.as_view(config=cls),
                name="vessel_check",
            ),
        ]


class VesselCheckView(ObjectView):
    """Record a vessel's check in a response (a page that works on a phone). A refused check shows the form
    again with the reason (400) and changes nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.has_perm("typhoon.add_vesselcheck") and request.user.has_perm("typhoon.change_vesselcheck")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def objects(self):
        response = self.get_object("view")
        vessel = get_object_or_404(
            selectors.vessels_of(response, self.request.user).select_related("region"), pk=self.kwargs["vessel"]
        )
        check = VesselCheck.objects.filter(response=response, vessel=vessel).first()
        return response, vessel, check

    def get(self, request, *args, **kwargs):
        response, vessel, check = self.objects()
        initial = {"status": check.status, "crew_ashore": check.crew_ashore} if check else {}
        return self.render_page(CheckForm(user=request.user, initial=initial), response, vessel, check)

    def post(self, request, *args, **kwargs):
        response, vessel, check = self.objects()
        form = CheckForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                services.vessel_check(actor=request.user, response=response, vessel=vessel, **form.cleaned_data)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Check recorded: %(vessel)s") % {"vessel": vessel})
                return HttpResponseRedirect(f"{response.get_absolute_url()}#vessels")
        return self.render_page(form, response, vessel, check, status=400)

    def render_page(self, form, response, vessel, check, status: int = 200):
        history = list(check.history.select_related("history_user").order_by("-history_date")[:20]) if check else []
        ctx = self.base_context(
            object=response,
            vessel=vessel,
            check=check,
            current=position_badge(check.status) if check else position_badge(None),
            history=[(h, position_badge(h.status)) for h in history],
            form=form,
            ongoing=response.ongoing,
        )
        return render(self.request, "typhoon/vessel_check.html", ctx, status=status)
