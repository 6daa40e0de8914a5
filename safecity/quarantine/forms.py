from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from . import rules
from .choices import BedStatus, FacilityStatus, RoomType, StayOutcome, StayReason
from .models import Bed, Facility, FacilityStaff, Stay

DATE = {"type": "date"}


class FacilityForm(BaseModelForm):
    fieldsets = [
        (_("Facility"), ["name", "kind", "designed_capacity"]),
        (_("Location"), ["region", "address", "latitude", "longitude"]),
        (_("Manager"), ["manager", "manager_phone"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "designed_capacity",
            "region",
            "address",
            "latitude",
            "longitude",
            "manager",
            "manager_phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}


class FacilityImportForm(FacilityForm):
    """One row of a facility import (the list of requisitioned hotels): the region is given by its code."""

    header_aliases = {
        "隔离场所名称": "name",
        "场所名称": "name",
        "名称": "name",
        "类型": "kind",
        "区划代码": "region",
        "地址": "address",
        "设计床位": "designed_capacity",
        "负责人": "manager",
        "负责人电话": "manager_phone",
    }

    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )

    class Meta(FacilityForm.Meta):
        field_classes = {}


class FacilityStaffForm(BaseModelForm):
    class Meta:
        model = FacilityStaff
        fields = ["facility", "name", "role", "phone", "trained_on", "certificate"]
        widgets = {"trained_on": forms.DateInput(attrs=DATE)}


class StayForm(BaseModelForm):
    """What may be corrected on a stay afterwards: the planned check-out, the reason, the note.
    Check-in, bed and check-out change only through their services."""

    class Meta:
        model = Stay
        fields = ["planned_check_out", "reason", "note"]
        widgets = {"planned_check_out": forms.DateInput(attrs=DATE)}


class FlatForm(BaseForm):
    """A small action form: one group of fields."""


class PersonField(forms.ModelChoiceField):
    """A person chosen from the search results (radio buttons on the page), never a select of every person."""

    widget = forms.HiddenInput


class CheckInForm(FlatForm):
    """Check a person in. With ``facility`` given (the facility's page) the bed list is that facility's ready
    beds; otherwise the facility is chosen and the first ready bed is assigned."""

    facility = forms.ModelChoiceField(Facility.objects.exclude(status=FacilityStatus.SUSPENDED), label=_("facility"))
    person = PersonField(queryset=None, label=_("person"))
    bed = forms.ModelChoiceField(
        Bed.objects.none(),
        label=_("bed"),
        required=False,
        empty_label=_("first ready bed"),
        help_text=_("Left empty: the first ready bed (lowest floor and room number)."),
    )
    reason = forms.ChoiceField(label=_("reason"), choices=StayReason.choices, initial=StayReason.CLOSE_CONTACT)
    checked_in_at = forms.DateTimeField(
        label=_("checked in at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Left empty: now."),
    )
    planned_check_out = forms.DateField(
        label=_("planned check-out"),
        required=False,
        widget=forms.DateInput(attrs=DATE),
        help_text=_("Left empty: the end of the facility quarantine in the person's management plan, if linked."),
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, facility=None, **kwargs):
        from safecity.epidemic.models import Person

        super().__init__(*args, **kwargs)
        people = Person.objects.filter(merged_into__isnull=True, archived_at__isnull=True)
        self.fields["person"].queryset = people.restrict(self.user, "view") if self.user else people.none()
        self.fixed_facility = facility
        if facility is not None:
            self.fields["facility"].widget = forms.HiddenInput()
            self.fields["facility"].initial = facility.pk
            self.fields["bed"].queryset = (
                Bed.objects.filter(room__facility=facility, status=BedStatus.READY, archived_at__isnull=True)
                .select_related("room")
                .order_by("room__floor", "room__number", "label")
            )
        else:
            del self.fields["bed"]
        plan_model = _plan_model()
        if plan_model is not None:
            self.fields["plan"] = forms.ModelChoiceField(
                plan_model._default_manager.all(), label=_("management plan"), required=False, widget=forms.HiddenInput
            )
            if hasattr(plan_model._default_manager, "restrict") and self.user is not None:
                self.fields["plan"].queryset = plan_model._default_manager.restrict(self.user, "view")
        if not self.is_bound:
            self.initial = self._checked_initial(self.initial)

    def _checked_initial(self, initial: dict) -> dict:
        """Values a link pre-fills (``?person=…&plan=…&reason=…``) kept only when valid: the person and the
        plan through the user's scoped querysets (one outside the user's area is dropped, never shown), the
        plan only when it is the person's (without a person, the plan's person is taken), the reason only
        when it is one of the choices."""
        initial = dict(initial)
        asked_person = initial.pop("person", None)
        person = self._pick(self.fields["person"].queryset, asked_person)
        plan = None
        if "plan" in self.fields:
            plan = self._pick(self.fields["plan"].queryset, initial.pop("plan", None))
            if plan is not None and asked_person in (None, ""):
                person = self._pick(self.fields["person"].queryset, plan.person_id)
            if plan is not None and (person is None or plan.person_id != person.pk):
                plan = None
        else:
            initial.pop("plan", None)
        if person is not None:
            initial["person"] = person.pk
        if plan is not None:
            initial["plan"] = plan.pk
        if "reason" in initial and initial["reason"] not in StayReason.values:
            del initial["reason"]
        if "planned_check_out" in initial:
            try:
                initial["planned_check_out"] = forms.DateField().clean(initial["planned_check_out"])
            except forms.ValidationError:
                del initial["planned_check_out"]
        return initial

    @staticmethod
    def _pick(queryset, value):
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        if not 0 < pk < 2**63:
            return None
        return queryset.filter(pk=pk).first()

    def clean_facility(self):
        facility = self.cleaned_data["facility"]
        if self.fixed_facility is not None and facility.pk != self.fixed_facility.pk:
            raise forms.ValidationError(_("Check-in is for this facility only."))
        return facility

    def clean_checked_in_at(self):
        at = self.cleaned_data.get("checked_in_at")
        if at is not None and at > timezone.now():
            raise forms.ValidationError(_("The check-in time cannot be in the future."))
        return at


def _plan_model():
    """``followup.ManagementPlan`` when the follow-up app is installed and stays link to plans."""
    if not hasattr(Stay, "plan"):
        return None
    return Stay._meta.get_field("plan").related_model


class CheckOutForm(FlatForm):
    outcome = forms.ChoiceField(label=_("outcome"), choices=StayOutcome.choices, initial=StayOutcome.COMPLETED)
    checked_out_at = forms.DateTimeField(
        label=_("checked out at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Left empty: now."),
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def clean_checked_out_at(self):
        at = self.cleaned_data.get("checked_out_at")
        if at is not None and at > timezone.now():
            raise forms.ValidationError(_("The check-out time cannot be in the future."))
        return at


class BedStatusForm(FlatForm):
    status = forms.ChoiceField(label=_("status"), choices=[c for c in BedStatus.choices if c[0] != BedStatus.OCCUPIED])
    reason = forms.CharField(label=_("reason"), max_length=100, required=False)


class FacilityStatusForm(FlatForm):
    status = forms.ChoiceField(label=_("status"), choices=FacilityStatus.choices)
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("reason (required to suspend)")}),
    )


class RoomsAddForm(FlatForm):
    floor = forms.IntegerField(label=_("floor"), min_value=-5, max_value=200, initial=1)
    first_number = forms.IntegerField(label=_("first room number"), min_value=1, max_value=99999)
    last_number = forms.IntegerField(label=_("last room number"), min_value=1, max_value=99999)
    room_type = forms.ChoiceField(label=_("room type"), choices=RoomType.choices)
    beds_per_room = forms.IntegerField(label=_("beds per room"), min_value=1, max_value=8, initial=1)


class ReadinessForm(BaseForm):
    """One round of the readiness checklist: for each item ok / not ok / not checked now, and a note."""

    checked_on = forms.DateField(label=_("checked on"), widget=forms.DateInput(attrs=DATE))

    RESULT_CHOICES = [("", _("not checked now")), ("ok", _("ok")), ("not_ok", _("not ok"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()
        for item in rules.READINESS_ITEMS:
            self.fields[item.code] = forms.ChoiceField(
                label=item.label, choices=self.RESULT_CHOICES, required=False, help_text=item.guidance
            )
            self.fields[f"{item.code}_note"] = forms.CharField(label=_("note"), max_length=500, required=False)
        self._apply_bootstrap()

    def rows(self):
        return [(item, self[item.code], self[f"{item.code}_note"]) for item in rules.READINESS_ITEMS]

    def results(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {
            item.code: (data[item.code] == "ok", data.get(f"{item.code}_note", ""))
            for item in rules.READINESS_ITEMS
            if data.get(item.code)
        }
