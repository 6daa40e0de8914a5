"""Forms of epidemic investigation. Writes go through :mod:`safecity.epidemic.services` in the views."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.geo.choices import RegionLevel
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from .choices import Classification, Outcome
from .models import Case, Cluster, Exposure, ExposureSite, Person
from .widgets import PersonPickWidget

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_CASE_TIMES = ("onset_at", "sampled_at", "detected_at", "reported_at", "isolated_at", "treated_at")
_PERSON_REGIONS = Region.objects.filter(level__gte=RegionLevel.TOWN)


class PersonForm(BaseModelForm):
    """The person index card. Sex and birth date are taken from the identity number when it is given."""

    fieldsets = [
        (_("Person"), ["name", "id_number", "phone", "sex", "birth_date"]),
        (_("Residence"), ["region", "address"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Person
        fields = ["name", "id_number", "phone", "sex", "birth_date", "region", "address", "notes"]
        widgets = {"birth_date": _DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}
        help_texts = {
            "id_number": _("Resident identity number (18 characters, or 15 digits for the old format)."),
            "region": _("Finest known place of residence: town, village or grid."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level__gte=RegionLevel.TOWN)
        # Normalisation and the ID check run in the service (it also derives sex and birth date).
        self.fields["id_number"].validators = []
        self.fields["phone"].validators = []
        if self.instance.pk and self.instance.id_number:
            self.fields["id_number"].widget.attrs["placeholder"] = _("unchanged unless you type a new one")
            self.initial["id_number"] = ""
            self.fields["id_number"].help_text = _("Shown masked; leave empty to keep the recorded number.")
        if self.instance.pk and self.instance.phone:
            self.initial["phone"] = ""
            self.fields["phone"].help_text = _("Shown masked; leave empty to keep the recorded number.")

    def clean(self):
        data = super().clean()
        # Editing: an empty ID/phone keeps the stored value (the page never sends it in full).
        if self.instance.pk:
            for field in ("id_number", "phone"):
                if not data.get(field):
                    data[field] = getattr(Person.objects.get(pk=self.instance.pk), field)
                    setattr(self.instance, field, data[field])
        return data

    def _post_clean(self):
        # The model validators of id_number/phone would reject un-normalised input; the service
        # normalises and validates (field errors come back from it).
        self._validate_unique = False
        opts = self._meta
        from django.forms.models import construct_instance

        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


class CaseForm(BaseModelForm):
    """A new case: the person is picked by search (or created inline from the person page)."""

    fieldsets = [
        (_("Case"), ["person", "disease", "classification", "source", "region", "place"]),
        (_("Times"), ["onset_at", "sampled_at", "detected_at", "reported_at", "isolated_at", "treated_at"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Case
        fields = [
            "person",
            "disease",
            "classification",
            "source",
            "region",
            "place",
            "onset_at",
            "sampled_at",
            "detected_at",
            "reported_at",
            "isolated_at",
            "treated_at",
            "notes",
        ]
        widgets = dict.fromkeys(
            ("onset_at", "sampled_at", "detected_at", "reported_at", "isolated_at", "treated_at"), _DATETIME
        )
        widgets["notes"] = forms.Textarea(attrs={"rows": 3})
        field_classes = {"region": RegionChoiceField}
        help_texts = {"region": _("Managing region; empty: the person's region.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["classification"].choices = [
            c for c in self.fields["classification"].choices if c[0] != Classification.EXCLUDED
        ]
        self.fields["person"].queryset = self.fields["person"].queryset.filter(merged_into__isnull=True)
        self.fields["person"].widget = PersonPickWidget(attrs={"class": "form-control"}, user=self.user)
        self.fields["person"].help_text = _("Search the person index, or type the person number.")
        if not self.initial.get("reported_at") and not self.instance.pk:
            self.initial["reported_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if self.instance.pk:  # editing: who and what is fixed; classification has its own action
            for name in ("person", "disease", "classification"):
                self.fields.pop(name)

    def _post_clean(self):
        opts = self._meta
        from django.forms.models import construct_instance

        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


class ClassifyForm(BaseForm):
    classification = forms.ChoiceField(label=_("new classification"), choices=Classification.choices)
    reason = forms.CharField(label=_("reason"), max_length=100)


class CloseCaseForm(BaseForm):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[c for c in Outcome.choices if c[0] != Outcome.UNDER_TREATMENT]
    )
    outcome_at = forms.DateTimeField(label=_("outcome at"), required=False, widget=_DATETIME)


class ExposureSiteForm(BaseModelForm):
    fieldsets = [
        (_("Exposure site"), ["kind", "name", "started_at", "ended_at"]),
        (_("Location"), ["region", "address", "latitude", "longitude"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = ExposureSite
        fields = ["kind", "name", "started_at", "ended_at", "region", "address", "latitude", "longitude", "notes"]
        widgets = {"started_at": _DATETIME, "ended_at": _DATETIME, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}


class ExposureForm(BaseModelForm):
    """Who was exposed to whom (or where): pick both ends by person number from a search, or type a new
    exposed person's details (found or created through the person index's dedupe)."""

    fieldsets = [
        (_("Exposed person"), ["person", "new_name", "new_id_number", "new_phone", "new_region"]),
        (_("Exposed to"), ["source_person", "source_site"]),
        (_("Exposure"), ["exposed_on", "last_exposed_on", "setting", "proximity", "source", "note"]),
    ]

    new_name = forms.CharField(label=_("or a new person: name"), max_length=50, required=False)
    new_id_number = forms.CharField(label=_("identity number"), max_length=30, required=False)
    new_phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    new_region = RegionChoiceField(_PERSON_REGIONS, label=_("residence"), required=False)

    class Meta:
        model = Exposure
        fields = [
            "person",
            "source_person",
            "source_site",
            "exposed_on",
            "last_exposed_on",
            "setting",
            "proximity",
            "source",
            "note",
        ]
        widgets = {"exposed_on": _DATE, "last_exposed_on": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].required = False
        for name in ("person", "source_person"):
            self.fields[name].queryset = self.fields[name].queryset.filter(merged_into__isnull=True)
            self.fields[name].widget = PersonPickWidget(attrs={"class": "form-control"}, user=self.user)
        self.fields["person"].help_text = _("Search the person index, or type the person number.")
        self.fields["source_person"].help_text = _("The case or contact this person was exposed to (person number).")
        self.fields["source_person"].queryset = Person.objects.filter(merged_into__isnull=True)
        if self.instance.pk:  # an exposure's ends are fixed: archive it and record a new one instead
            for name in (
                "person",
                "source_person",
                "source_site",
                "new_name",
                "new_id_number",
                "new_phone",
                "new_region",
            ):
                self.fields.pop(name)

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("person") and not data.get("new_name"):
            self.add_error("person", _("Choose the exposed person, or enter a new person's name."))
        if data.get("new_name") and not data.get("new_region") and not data.get("person"):
            self.add_error("new_region", _("Choose where the new person lives."))
        return data

    def _post_clean(self):
        opts = self._meta
        from django.forms.models import construct_instance

        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


class ClusterForm(BaseModelForm):
    """Only the chain's name and notes are typed; everything else is maintained on write."""

    class Meta:
        model = Cluster
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class MergeForm(BaseForm):
    duplicate = forms.ModelChoiceField(
        Person.objects.filter(merged_into__isnull=True), label=_("merge this person into the one shown")
    )
