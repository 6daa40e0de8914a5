"""Quarantine pages: facilities (rooms and beds grid, readiness, staff, check-in), staff, stays, the
capacity board by county with the free-bed forecast, and the map of facilities."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.masking import mask_id_number, mask_name, mask_phone
from safecity.core.validators import normalize_phone
from safecity.core.views import ObjectArchiveView, ObjectView, ObjectViews

from . import rules, selectors, services
from .choices import BedStatus, FacilityStatus
from .filtersets import FacilityFilterSet, FacilityStaffFilterSet, StayFilterSet
from .forms import (
    BedStatusForm,
    CheckInForm,
    CheckOutForm,
    FacilityForm,
    FacilityImportForm,
    FacilityStaffForm,
    FacilityStatusForm,
    ReadinessForm,
    RoomsAddForm,
    StayForm,
)
from .models import Bed, Facility, FacilityStaff, Room, Stay
from .tables import STATUS_BADGE, FacilityStaffTable, FacilityTable, StayTable

PERSON_RESULTS = 20


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields and not form.fields[name].widget.is_hidden else None, errors)
    else:
        form.add_error(None, exc.messages)


# ---- facility ------------------------------------------------------------------------------------------


def facility_grid(facility: Facility) -> list[dict]:
    """Floors → rooms → beds with status and the current occupant (name and ID number masked)."""
    rooms = list(
        Room.objects.filter(facility=facility, archived_at__isnull=True)
        .order_by("floor", "number")
        .prefetch_related("beds")
    )
    occupants = {
        stay.bed_id: stay
        for stay in selectors.open_stays(Stay.objects.filter(facility=facility)).select_related("person")
    }
    floors: dict[int, list] = {}
    for room in rooms:
        beds = []
        for bed in sorted((b for b in room.beds.all() if b.archived_at is None), key=lambda b: b.label):
            stay = occupants.get(bed.pk)
            beds.append(
                {
                    "bed": bed,
                    "badge": STATUS_BADGE.get(bed.status, ""),
                    "stay": stay,
                    "occupant": mask_name(stay.person.name) if stay else "",
                    "occupant_id": mask_id_number(stay.person.id_number) if stay else "",
                    "leaves": stay.planned_check_out if stay else None,
                    "transitions": [(s, BedStatus(s).label) for s in rules.MANUAL_BED_TRANSITIONS.get(bed.status, ())],
                }
            )
        floors.setdefault(room.floor, []).append({"room": room, "beds": beds})
    return [{"floor": floor, "rooms": rooms} for floor, rooms in sorted(floors.items())]


class FacilityArchiveView(ObjectArchiveView):
    """Archive a facility, refused while persons are checked in."""

    def post(self, request, *args, **kwargs):
        facility = self.get_object()
        try:
            services.facility_archive(
                actor=request.user, facility=facility, reason=request.POST.get("reason", "")[:100]
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Archived %(object)s.") % {"object": facility})
        return HttpResponseRedirect(facility.get_absolute_url())


class FacilityViews(ObjectViews):
    model = Facility
    table = FacilityTable
    filterset = FacilityFilterSet
    form = FacilityForm
    import_form = FacilityImportForm
    select_related = ("region",)
    masked_fields = {"manager_phone": "phone"}
    detail_template = "quarantine/facility_detail.html"
    view_classes = {"archive": FacilityArchiveView}
    detail_fields = [
        "name",
        "kind",
        "status",
        "status_reason",
        "region",
        "address",
        "latitude",
        "longitude",
        "designed_capacity",
        "manager",
        "manager_phone",
        "notes",
    ]
    empty_hint = gettext_lazy("No quarantine facilities in your area yet. Add them or import the list.")

    @classmethod
    def base_queryset(cls):
        """With the free ready beds and the bed count of each facility (one grouped query with the list)."""
        active = Q(rooms__beds__archived_at__isnull=True, rooms__archived_at__isnull=True)
        return (
            super()
            .base_queryset()
            .annotate(
                bed_count=Count("rooms__beds", filter=active),
                free_beds=Count("rooms__beds", filter=active & Q(rooms__beds__status=BedStatus.READY)),
            )
        )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        counts = selectors.bed_counts_by_facility([obj.pk])[obj.pk]
        persons = selectors.open_stays(obj.stays.all()).count()
        can_change = request.user.has_perm("quarantine.change_facility") and obj.archived_at is None
        staff = obj.staff.filter(archived_at__isnull=True).order_by("role", "name")
        return {
            "grid": facility_grid(obj),
            "counts": counts,
            "free": 0 if obj.status == FacilityStatus.SUSPENDED else counts[BedStatus.READY],
            "persons": persons,
            "readiness": selectors.readiness_of(obj),
            "max_age": rules.READINESS_MAX_AGE_DAYS,
            "staff": [(s, mask_phone(s.phone)) for s in staff],
            "can_act": can_change,
            "can_check_in": can_change and request.user.has_perm("quarantine.add_stay"),
            "status_badge": STATUS_BADGE.get(obj.status, ""),
            "status_form": FacilityStatusForm(user=request.user, initial={"status": obj.status}),
            "bed_statuses": BedStatus.choices,
            "recent_stays": obj.stays.select_related("person", "bed__room").order_by("-checked_in_at")[:10],
        }

    @classmethod
    def urls(cls) -> list:
        # The generated routes say "facilitys/"; spell the plural properly.
        generated = [
            path(str(p.pattern).replace("facilitys/", "facilities/", 1), p.callback, name=p.name)
            for p in super().urls()
        ]
        return [
            *generated,
            path("facilities/<int:pk>/check-in/", CheckInView.as_view(config=cls), name="facility_check_in"),
            path("facilities/<int:pk>/rooms/", RoomsAddView.as_view(config=cls), name="facility_rooms_add"),
            path("facilities/<int:pk>/readiness/", ReadinessView.as_view(config=cls), name="facility_readiness"),
            path("facilities/<int:pk>/status/", FacilityStatusView.as_view(config=cls), name="facility_status"),
            path("facilities/<int:pk>/beds/<int:bed>/", BedActionView.as_view(config=cls), name="facility_bed"),
            path("board/", board, name="board"),
            path("map/", facility_map, name="map"),
        ]


def search_persons(user, query: str):
    """Persons the user may see matching a name, a phone, a full identity number or its last digits."""
    from safecity.epidemic.models import Person

    query = query.strip()
    if not query:
        return []
    people = Person.objects.restrict(user, "view").filter(merged_into__isnull=True, archived_at__isnull=True)
    condition = Q(name__icontains=query)
    digits = query.upper()
    if len(digits) == 18:
        condition |= Q(id_number=digits)
    elif len(digits) >= 4 and digits.rstrip("X").isdigit():
        condition |= Q(id_number__endswith=digits)
    with contextlib.suppress(ValidationError):
        condition |= Q(phone=normalize_phone(query))
    found = list(people.filter(condition).select_related("region").order_by("name", "pk")[:PERSON_RESULTS])
    current = {
        s.person_id: s
        for s in selectors.open_stays(Stay.objects.filter(person__in=found)).select_related("facility", "bed__room")
    }
    return [
        {
            "person": p,
            "name": p.name,
            "id_number": mask_id_number(p.id_number),
            "phone": mask_phone(p.phone),
            "stay": current.get(p.pk),
        }
        for p in found
    ]


class CheckInView(ObjectView):
    """Check a person in: search the person index, pick the person (and a bed, or the first ready one).

    Mounted at a facility (``facility_check_in``) or as the stays' "add" page, where the facility is chosen."""

    action = "change"
    template_name = "quarantine/check_in.html"

    def facility(self):
        if "pk" not in self.kwargs:
            if not self.request.user.has_perm("quarantine.add_stay"):
                raise PermissionDenied
            return None
        facility = get_object_or_404(
            Facility.objects.restrict(self.request.user, "change").select_related("region"), pk=self.kwargs["pk"]
        )
        if not self.request.user.has_perm("quarantine.add_stay"):
            raise PermissionDenied
        return facility

    def get(self, request, *args, **kwargs):
        facility = self.facility()
        initial = {k: request.GET[k] for k in ("person", "plan", "reason", "planned_check_out") if k in request.GET}
        form = CheckInForm(user=request.user, facility=facility, initial=initial)
        return self.render_page(facility, form)

    def post(self, request, *args, **kwargs):
        facility = self.facility()
        if "_search" in request.POST:  # searched by POST: identity numbers and phones stay out of URLs and logs
            form = CheckInForm(user=request.user, facility=facility)
            return self.render_page(facility, form)
        data = request.POST.copy()
        if facility is not None:
            data["facility"] = str(facility.pk)
        form = CheckInForm(data=data, user=request.user, facility=facility)
        if form.is_valid():
            values = form.cleaned_data
            try:
                stay = services.check_in(
                    actor=request.user,
                    person=values["person"],
                    facility=values["facility"],
                    bed=values.get("bed"),
                    plan=values.get("plan"),
                    at=values.get("checked_in_at") or None,
                    planned_check_out=values.get("planned_check_out"),
                    reason=values["reason"],
                    note=values.get("note", ""),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(person)s checked in to %(facility)s, bed %(bed)s.")
                    % {"person": mask_name(stay.person.name), "facility": stay.facility, "bed": stay.bed},
                )
                return HttpResponseRedirect(stay.facility.get_absolute_url())
        return self.render_page(facility, form, status=400)

    def render_page(self, facility, form, status=200):
        query = self.request.GET.get("q", "") or self.request.POST.get("q", "")
        chosen = form["person"].value()
        chosen_person = None
        if chosen:
            chosen_person = next((r for r in search_persons_by_pk(self.request.user, chosen)), None)
        chosen_plan = None
        if "plan" in form.fields and form["plan"].value() and chosen_person is not None:
            chosen_plan = CheckInForm._pick(form.fields["plan"].queryset, form["plan"].value())
            if chosen_plan is not None and chosen_plan.person_id != chosen_person["person"].pk:
                chosen_plan = None
        counts = selectors.bed_counts_by_facility([facility.pk])[facility.pk] if facility else None
        ctx = self.base_context(
            object=facility,
            facility=facility,
            form=form,
            query=query,
            results=search_persons(self.request.user, query) if query else [],
            chosen=chosen_person,
            chosen_plan=chosen_plan,
            counts=counts,
            cancel_url=facility.get_absolute_url() if facility else reverse("quarantine:stay_list"),
        )
        return render(self.request, self.template_name, ctx, status=status)


def search_persons_by_pk(user, pk) -> list[dict]:
    from safecity.epidemic.models import Person

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return []
    if not 0 < pk < 2**63:
        return []
    person = Person.objects.restrict(user, "view").filter(pk=pk).first()
    if person is None:
        return []
    return [
        {
            "person": person,
            "name": person.name,
            "id_number": mask_id_number(person.id_number),
            "stay": selectors.current_stay(person),
        }
    ]


class RoomsAddView(ObjectView):
    """Add a run of rooms on a floor, each with its beds."""

    action = "change"
    template_name = "quarantine/action_form.html"

    def get(self, request, *args, **kwargs):
        facility = self.get_object("change")
        return self.render_form(facility, RoomsAddForm(user=request.user))

    def post(self, request, *args, **kwargs):
        facility = self.get_object("change")
        form = RoomsAddForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                rooms = services.rooms_add(actor=request.user, facility=facility, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Added %(count)s rooms.") % {"count": len(rooms)})
                return HttpResponseRedirect(facility.get_absolute_url())
        return self.render_form(facility, form, status=400)

    def render_form(self, facility, form, status=200):
        ctx = self.base_context(object=facility, form=form, title=_("Add rooms and beds"))
        return render(self.request, self.template_name, ctx, status=status)


class ReadinessView(ObjectView):
    """Record a round of the readiness checklist."""

    action = "change"
    template_name = "quarantine/readiness_form.html"

    def get(self, request, *args, **kwargs):
        facility = self.get_object("change")
        return self.render_form(facility, ReadinessForm(user=request.user))

    def post(self, request, *args, **kwargs):
        facility = self.get_object("change")
        form = ReadinessForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                services.readiness_record(
                    actor=request.user, facility=facility, results=form.results(), on=form.cleaned_data["checked_on"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Readiness check recorded."))
                return HttpResponseRedirect(facility.get_absolute_url() + "#readiness")
        return self.render_form(facility, form, status=400)

    def render_form(self, facility, form, status=200):
        ctx = self.base_context(
            object=facility, form=form, readiness=selectors.readiness_of(facility), max_age=rules.READINESS_MAX_AGE_DAYS
        )
        return render(self.request, self.template_name, ctx, status=status)


class FacilityStatusView(ObjectView):
    action = "change"

    def post(self, request, *args, **kwargs):
        facility = self.get_object("change")
        form = FacilityStatusForm(data=request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.facility_set_status(actor=request.user, facility=facility, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Status changed."))
        return HttpResponseRedirect(facility.get_absolute_url())


class BedActionView(ObjectView):
    """A bed's buttons on the facility page: cleaned, out of service, back in service."""

    action = "change"

    def post(self, request, *args, **kwargs):
        facility = self.get_object("change")
        bed = get_object_or_404(Bed.objects.filter(room__facility=facility), pk=kwargs["bed"])
        form = BedStatusForm(data=request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            if form.cleaned_data["status"] == BedStatus.READY and bed.status == BedStatus.CLEANING:
                services.bed_cleaned(actor=request.user, bed=bed)
            else:
                services.bed_set_status(actor=request.user, bed=bed, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Bed %(bed)s: status changed.") % {"bed": bed})
        return HttpResponseRedirect(facility.get_absolute_url() + f"#bed-{bed.pk}")


# ---- staff ---------------------------------------------------------------------------------------------


class FacilityStaffViews(ObjectViews):
    model = FacilityStaff
    table = FacilityStaffTable
    filterset = FacilityStaffFilterSet
    form = FacilityStaffForm
    select_related = ("facility__region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    masked_fields = {"phone": "phone"}
    detail_fields = ["name", "role", "facility", "phone", "trained_on", "certificate"]
    empty_hint = gettext_lazy("No facility staff recorded yet.")

    @classmethod
    def urls(cls) -> list:
        return [
            path(str(p.pattern).replace("facilitystaffs/", "facility-staff/", 1), p.callback, name=p.name)
            for p in super().urls()
        ]


# ---- stays ---------------------------------------------------------------------------------------------


class StayCheckOutView(ObjectView):
    """Check a person out (GET: the form; POST: the service)."""

    action = "change"
    template_name = "quarantine/action_form.html"

    def get(self, request, *args, **kwargs):
        stay = self.get_object("change")
        return self.render_form(stay, CheckOutForm(user=request.user))

    def post(self, request, *args, **kwargs):
        stay = self.get_object("change")
        form = CheckOutForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                services.check_out(
                    actor=request.user,
                    stay=stay,
                    at=form.cleaned_data.get("checked_out_at") or None,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Checked out; bed %(bed)s is to be cleaned.") % {"bed": stay.bed})
                return HttpResponseRedirect(stay.facility.get_absolute_url())
        return self.render_form(stay, form, status=400)

    def render_form(self, stay, form, status=200):
        ctx = self.base_context(object=stay, form=form, title=_("Check out"))
        return render(self.request, self.template_name, ctx, status=status)


class StayCancelView(ObjectView):
    """ "Archive" of a stay: cancel a stay recorded in error (an open one frees its bed to cleaning)."""

    action = "delete"
    template_name = "core/object_archive.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.base_context(object=self.get_object()))

    def post(self, request, *args, **kwargs):
        stay = self.get_object()
        try:
            services.stay_cancel(actor=request.user, stay=stay, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Archived %(object)s.") % {"object": stay})
        return HttpResponseRedirect(stay.get_absolute_url())


class StayViews(ObjectViews):
    model = Stay
    table = StayTable
    filterset = StayFilterSet
    form = StayForm
    select_related = ("person", "facility__region", "bed__room")
    actions = ("list", "detail", "history", "add", "edit", "archive")
    view_classes = {"add": CheckInView, "archive": StayCancelView}
    detail_template = "quarantine/stay_detail.html"
    detail_fields = [
        "facility",
        "bed",
        "reason",
        "checked_in_at",
        "planned_check_out",
        "checked_out_at",
        "outcome",
        "note",
    ]
    empty_hint = gettext_lazy("Nobody has been checked in yet. Open a facility and check a person in.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return {
            "person_name": obj.person.name,
            "person_id_number": mask_id_number(obj.person.id_number),
            "person_phone": mask_phone(obj.person.phone),
            "person_url": obj.person.get_absolute_url(),
            "plan": getattr(obj, "plan", None),
            "can_check_out": obj.is_open and request.user.has_perm("quarantine.change_stay"),
            "check_out_form": CheckOutForm(user=request.user),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("stays/<int:pk>/check-out/", StayCheckOutView.as_view(config=cls), name="stay_check_out"),
        ]


# ---- board and map -------------------------------------------------------------------------------------


@login_required
def board(request):
    """Capacity by county — facilities, beds by status, persons in, ready-to-open facilities — and the
    expected free beds for the next days from the planned check-outs."""
    if not request.user.has_perm("quarantine.view_facility"):
        raise PermissionDenied
    facilities = Facility.objects.restrict(request.user, "view").filter(archived_at__isnull=True)
    today = timezone.localdate()
    forecast = selectors.free_bed_forecast(facilities, today=today)
    return render(
        request,
        "quarantine/board.html",
        {
            "board": selectors.capacity_board(facilities, today=today),
            "forecast": forecast,
            "chart": selectors.svg_forecast(forecast),
            "cleaning_days": rules.CLEANING_DAYS,
            "max_age": rules.READINESS_MAX_AGE_DAYS,
            "today": today,
        },
    )


@login_required
def facility_map(request):
    """The facilities on the map, one layer per status, with free beds in the popup; county boundaries."""
    from safecity.core import maps

    if not request.user.has_perm("quarantine.view_facility"):
        raise PermissionDenied
    facilities = Facility.objects.restrict(request.user, "view").filter(archived_at__isnull=True)
    counts = selectors.bed_counts_by_facility(list(facilities.values_list("pk", flat=True)))

    def details(facility):
        beds = counts[facility.pk]
        return [
            facility.get_status_display(),
            _("%(free)s free of %(total)s beds") % {"free": beds[BedStatus.READY], "total": beds["total"]},
            facility.address,
        ]

    colours = {
        FacilityStatus.READY: maps.COLOURS["green"],
        FacilityStatus.STANDBY: maps.COLOURS["blue"],
        FacilityStatus.IN_USE: maps.COLOURS["orange"],
        FacilityStatus.SUSPENDED: maps.COLOURS["grey"],
    }
    layers = [
        maps.point_layer(facilities.filter(status=status), name=status.label, colour=colours[status], details=details)
        for status in FacilityStatus
    ]
    layers.append(maps.region_layer(maps.counties_in_scope(request.user), name=_("County boundaries")))
    if request.GET.get("_format") == "json":
        return JsonResponse(maps.geojson(layers))
    return render(
        request,
        "quarantine/map.html",
        {"map": maps.map_context(layers, empty_text=_("No facility has coordinates yet: add latitude and longitude."))},
    )
