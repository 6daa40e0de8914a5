from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.accounts.models import User
from safecity.core.forms import BaseForm, BaseModelForm
from safecity.core.validators import normalize_phone
from safecity.geo.choices import RegionLevel
from safecity.geo.fields import RegionChoiceField

from .choices import SwapStatus
from .models import DutyLogEntry, DutyPost, Handover, Shift, ShiftSwap
from .selectors import user_posts


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker (also on phones)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _normalize_phone_field(form: forms.Form, cleaned: dict, name: str, *, strict: bool = True) -> None:
    value = cleaned.get(name)
    if not value:
        return
    try:
        cleaned[name] = normalize_phone(value)
    except ValidationError as exc:
        if strict:
            form.add_error(name, exc)


class DutyPostForm(BaseModelForm):
    fieldsets = [
        (_("Duty post"), ["name", "kind", "region", "organization"]),
        (_("Contacts"), ["phone", "notes"]),
    ]

    class Meta:
        model = DutyPost
        fields = ["name", "kind", "region", "organization", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level__lte=RegionLevel.TOWN)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(kind="government")

    def clean(self):
        cleaned = super().clean()
        _normalize_phone_field(self, cleaned, "phone")
        return cleaned


class ShiftForm(BaseModelForm):
    """A shift of the roster. The officers are saved through :meth:`Shift.set_officers` (one history version)."""

    fieldsets = [
        (_("Shift"), ["post", "starts_at", "ends_at"]),
        (_("On duty"), ["leader", "officers"]),
        (_("Other"), ["phone", "notes"]),
    ]

    class Meta:
        model = Shift
        fields = ["post", "starts_at", "ends_at", "leader", "officers", "phone", "notes"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "officers": forms.SelectMultiple(attrs={"size": 8}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # People already on the shift stay choosable even when outside the editor's area (e.g. a city
            # leader on shift on a county roster): editing the notes must not silently drop them.
            on_it = [self.instance.leader_id, *self.instance.officers.values_list("pk", flat=True)]
            present = User.objects.filter(pk__in=[pk for pk in on_it if pk])
            for name in ("leader", "officers"):
                self.fields[name].queryset = self.fields[name].queryset | present
        elif not self.is_bound and not self.initial.get("post") and self.user is not None:
            posts = user_posts(self.user)
            if posts:
                self.initial["post"] = posts[0].pk

    def clean(self):
        cleaned = super().clean()
        leader, officers = cleaned.get("leader"), cleaned.get("officers") or []
        if leader is not None and leader in officers:
            self.add_error(
                "officers",
                _("%(person)s is the leader on shift; list the duty officers besides them.") % {"person": leader},
            )
        _normalize_phone_field(self, cleaned, "phone")
        return cleaned

    def _save_m2m(self):
        self.instance.set_officers(self.cleaned_data.get("officers") or [])


class ShiftSwapRequestForm(BaseModelForm):
    """Ask for a swap: whose place on which shift goes to whom."""

    class Meta:
        model = ShiftSwap
        fields = ["shift", "from_user", "to_user", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = (
            self.fields["shift"]
            .queryset.filter(ends_at__gt=timezone.now())
            .select_related("post")
            .order_by("starts_at")
        )
        if not self.is_bound and self.user is not None:
            self.initial["from_user"] = self.initial.get("from_user") or self.user.pk


class ShiftSwapForm(BaseModelForm):
    """Edit a swap while it awaits approval: only the reason."""

    class Meta:
        model = ShiftSwap
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status != SwapStatus.REQUESTED:
            raise ValidationError(_("This swap has been decided and can no longer be changed."))
        return cleaned


class SwapDecisionForm(BaseForm):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class DutyLogEntryForm(BaseModelForm):
    """A duty log entry, grouped as the paper log is: the call, what happened, who was informed, the caller."""

    fieldsets = [
        (_("Call or event"), ["post", "occurred_at", "place"]),
        (_("What happened"), ["summary", "details"]),
        (_("Informed"), ["informed"]),
        (_("Caller"), ["caller_unit", "caller_name", "caller_title", "caller_phone"]),
    ]

    class Meta:
        model = DutyLogEntry
        fields = [
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
        ]
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "details": forms.Textarea(attrs={"rows": 6}),
            "informed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and not self.initial.get("post") and self.user is not None:
            posts = user_posts(self.user)
            if posts:
                self.initial["post"] = posts[0].pk

    def clean(self):
        cleaned = super().clean()
        # Callers ring from any number (short service numbers too): keep what was typed when it is not a
        # mainland mobile or landline, normalise it when it is.
        _normalize_phone_field(self, cleaned, "caller_phone", strict=False)
        return cleaned

    def save(self, commit: bool = True):
        instance = super().save(commit=False)
        if instance.pk is None and instance.recorded_by_id is None and self.user is not None:
            instance.recorded_by = self.user
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class HandoverForm(BaseModelForm):
    """A handover: the outgoing officer lists the open matters in writing."""

    fieldsets = [
        (_("Handover"), ["post", "handed_over_at", "outgoing", "incoming"]),
        (_("Open matters"), ["open_matters"]),
    ]

    class Meta:
        model = Handover
        fields = ["post", "handed_over_at", "outgoing", "incoming", "open_matters"]
        widgets = {"handed_over_at": DateTimeLocalInput(), "open_matters": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and self.user is not None:
            self.initial["outgoing"] = self.initial.get("outgoing") or self.user.pk
            if not self.initial.get("post"):
                posts = user_posts(self.user)
                if posts:
                    self.initial["post"] = posts[0].pk

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.acknowledged_at is not None:
            raise ValidationError(_("This handover has been acknowledged and can no longer be changed."))
        return cleaned


class RosterImportForm(BaseForm):
    file = forms.FileField(label=_("XLSX or CSV file (first row: column headers)"))
    replace = forms.BooleanField(
        label=_("Replace existing shifts on the same days"),
        required=False,
        help_text=_("The replaced shifts are archived, not deleted."),
    )
