from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.core.masking import mask_id_number
from safecity.epidemic.choices import Classification
from safecity.epidemic.models import Contact, Disease, Person
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from .choices import PERSON_CLASS_CHOICES, FollowUpResult, ItemResult, PlanStatus, TestOutcome
from .models import AssistRequest, FollowUp, ManagementPlan, TestResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanCreateForm(BaseForm):
    """Start a management plan: the person, the contact row (if any) or the class, the start date."""

    # Numbers, not drop-downs: the person index holds a city's population. The person's and the
    # contact's pages link here with both filled in (?person=…&contact=…).
    person = forms.ModelChoiceField(
        Person.objects.all(),
        label=_("person (number in the person index)"),
        widget=forms.NumberInput,
        error_messages={"invalid_choice": _("No person with this number in your area.")},
    )
    contact = forms.ModelChoiceField(
        Contact.objects.select_related("case"),
        label=_("contact record (number)"),
        required=False,
        widget=forms.NumberInput,
        help_text=_("For a close or secondary contact: the class and the disease come from it."),
        error_messages={"invalid_choice": _("No contact record with this number in your area.")},
    )
    person_class = forms.ChoiceField(
        choices=[("", "---------"), *PERSON_CLASS_CHOICES], label=_("managed as"), required=False
    )
    disease = forms.ModelChoiceField(Disease.objects.all(), label=_("disease"), required=False)
    start_date = forms.DateField(label=_("start date"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = self.fields["person"].queryset.filter(merged_into__isnull=True)
        chosen = self.data.get("person") or self.initial.get("person")
        if chosen and str(chosen).isdigit():
            person = self.fields["person"].queryset.filter(pk=chosen).select_related("region").first()
            if person is not None:
                self.fields[
                    "person"
                ].help_text = f"{person.name} · {person.region} · {mask_id_number(person.id_number) or '—'}"

    def clean(self):
        cleaned = super().clean()
        contact = cleaned.get("contact")
        if contact is None and not cleaned.get("person_class"):
            self.add_error("person_class", _("Choose whom the person is managed as, or the contact record."))
        if contact is None and not cleaned.get("disease"):
            self.add_error("disease", _("Choose the disease, or the contact record."))
        return cleaned


class PlanForm(BaseModelForm):
    """What may change on a plan after it is made: the grid worker and the notes (the steps are the protocol's)."""

    class Meta:
        model = ManagementPlan
        fields = ["assigned_to", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PlanEndForm(BaseForm):
    reason = forms.CharField(label=_("reason for ending"), max_length=300)


class ConvertForm(BaseForm):
    classification = forms.ChoiceField(
        choices=[c for c in Classification.choices if c[0] != Classification.EXCLUDED], label=_("classification")
    )
    onset_at = forms.DateTimeField(label=_("symptom onset"), required=False, widget=DATETIME)
    place = forms.CharField(label=_("where found"), required=False, max_length=255)


class FollowUpForm(BaseModelForm):
    fieldsets = [(_("Follow-up"), ["plan", "day", "result", "temperature", "note"])]

    class Meta:
        model = FollowUp
        fields = ["plan", "day", "result", "temperature", "note"]
        widgets = {"day": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["plan"].disabled = True
            self.fields["day"].disabled = True
        else:
            self.fields["plan"].queryset = (
                self.fields["plan"].queryset.filter(status=PlanStatus.ACTIVE).select_related("person")
            )


class QuickFollowUpForm(BaseForm):
    """The one-tap record of the grid worker's page."""

    result = forms.ChoiceField(choices=FollowUpResult.choices, label=_("result"))
    temperature = forms.DecimalField(label=_("temperature (°C)"), required=False, max_digits=3, decimal_places=1)
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class TestResultForm(BaseModelForm):
    class Meta:
        model = TestResult
        fields = ["plan", "sampled_on", "result", "note"]
        widgets = {"sampled_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["plan"].disabled = True
        else:
            self.fields["plan"].queryset = (
                self.fields["plan"].queryset.filter(status=PlanStatus.ACTIVE).select_related("person")
            )


class QuickTestForm(BaseForm):
    sampled_on = forms.DateField(label=_("sampled on"), widget=DATE, initial=timezone.localdate)
    result = forms.ChoiceField(choices=TestOutcome.choices, label=_("result"), initial=TestOutcome.PENDING)
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class AssistRequestForm(BaseModelForm):
    fieldsets = [
        (_("Request"), ["direction", "counterpart", "reference_number", "disease", "person_class"]),
        (_("Handling"), ["region", "received_at", "deadline", "notes"]),
    ]

    class Meta:
        model = AssistRequest
        fields = [
            "direction",
            "counterpart",
            "reference_number",
            "disease",
            "person_class",
            "region",
            "received_at",
            "deadline",
            "notes",
        ]
        widgets = {"received_at": DATETIME, "deadline": DATETIME, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}


class ItemUploadForm(BaseForm):
    file = forms.FileField(label=_("list of persons (XLSX or CSV)"))


class ItemProcessForm(BaseForm):
    result = forms.ChoiceField(choices=[c for c in ItemResult.choices if c[0] != ItemResult.PENDING], label=_("result"))
    region = RegionChoiceField(
        Region.objects.all(),
        label=_("lives in"),
        required=False,
        help_text=_("For a person found: the grid or village they live in (default: the handling county)."),
    )
    left_for = forms.CharField(label=_("left for"), required=False, max_length=200)
    measures = forms.CharField(label=_("measures taken"), required=False, max_length=500)
    start_plan = forms.BooleanField(label=_("start the management plan now"), required=False)
