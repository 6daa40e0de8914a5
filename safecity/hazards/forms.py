from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.core.validators import normalize_phone
from safecity.geo.choices import RegionLevel
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from .choices import HazardLevel, TargetCategory
from .models import (
    Campaign,
    Checklist,
    ChecklistItem,
    Hazard,
    Inspection,
    InspectionTarget,
    InspectionTeam,
    common_region,
)

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InspectionTargetForm(BaseModelForm):
    fieldsets = [
        (_("Inspection target"), ["name", "category", "risk_grade"]),
        (_("Location"), ["region", "address", "latitude", "longitude"]),
        (_("Responsibility"), ["responsible_unit", "responsible_person", "responsible_phone"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = InspectionTarget
        fields = [
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
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("responsible_phone")
        if value:
            try:
                cleaned["responsible_phone"] = normalize_phone(value)
            except forms.ValidationError as exc:
                self.add_error("responsible_phone", exc)
        return cleaned


class InspectionTargetImportForm(InspectionTargetForm):
    """One row of a target import: the region by its code, the responsible unit by its name."""

    header_aliases = {
        "名称": "name",
        "场所名称": "name",
        "检查对象": "name",
        "类别": "category",
        "区划": "region",
        "所在区划代码": "region",
        "风险等级": "risk_grade",
        "地址": "address",
        "纬度": "latitude",
        "经度": "longitude",
        "负责人": "responsible_person",
        "负责人电话": "responsible_phone",
    }

    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )

    class Meta(InspectionTargetForm.Meta):
        field_classes = {}
        fields = [
            "name",
            "category",
            "risk_grade",
            "region",
            "address",
            "latitude",
            "longitude",
            "responsible_person",
            "responsible_phone",
            "notes",
        ]


class HazardForm(BaseModelForm):
    folded_fieldsets = (_("Major hazard"),)
    fieldsets = [
        (_("Hazard"), ["target", "title", "description", "level", "found_at"]),
        (
            _("Major hazard"),
            [
                "supervision_level",
                "plan_goals",
                "plan_methods",
                "plan_funds",
                "plan_people",
                "plan_deadline",
                "plan_safety",
            ],
        ),
    ]

    class Meta:
        model = Hazard
        fields = [
            "target",
            "title",
            "description",
            "level",
            "found_at",
            "supervision_level",
            "plan_goals",
            "plan_methods",
            "plan_funds",
            "plan_people",
            "plan_deadline",
            "plan_safety",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "found_at": DATETIME,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("plan_goals", "plan_methods", "plan_funds", "plan_people", "plan_deadline", "plan_safety")
            },
        }

    def fieldset_open(self, legend, fields) -> bool:
        """The remediation plan is open for a major hazard, folded for an ordinary one left empty."""
        return self["level"].value() == HazardLevel.MAJOR or super().fieldset_open(legend, fields)


class AssignForm(BaseForm):
    responsible_unit = forms.ModelChoiceField(Organization.objects.all(), label=_("responsible unit"), required=False)
    responsible_person = forms.ModelChoiceField(
        get_user_model().objects.all(), label=_("responsible person"), required=False
    )
    deadline = forms.DateField(label=_("rectification deadline"), widget=DATE)
    measures = forms.CharField(label=_("rectification measures"), widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(BaseForm):
    note = forms.CharField(label=_("rectification evidence"), widget=forms.Textarea(attrs={"rows": 3}))


class ReinspectForm(BaseForm):
    passed = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("passed")), ("0", _("failed: re-open"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("re-inspection remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionTeamForm(BaseModelForm):
    class Meta:
        model = InspectionTeam
        fields = ["name", "region", "members"]
        field_classes = {"region": RegionChoiceField}
        labels = {"region": _("home county")}


class CampaignForm(BaseModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories"), choices=TargetCategory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.filter(level__lte=RegionLevel.TOWN),
        label=_("area"),
        help_text=_("One or more counties or towns; each with everything below it."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    fieldsets = [
        (_("Campaign"), ["name", "regions", "starts_on", "ends_on", "categories"]),
        (_("Cross-inspection"), ["teams", "blind_spot_days"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Campaign
        fields = ["name", "regions", "starts_on", "ends_on", "categories", "teams", "blind_spot_days", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        regions = cleaned.get("regions")
        if regions:
            # The organising region: the lowest region holding the whole area (its scope may change the campaign).
            self.instance.region = common_region(regions)
        return cleaned


class InspectionForm(BaseModelForm):
    """The head of the inspection form; the checklist items are read from the POST by item. The hidden
    submission key, generated when the form opens, makes a resubmission of the same form harmless."""

    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Inspection
        fields = ["campaign", "inspected_at", "latitude", "longitude", "notes"]
        widgets = {
            "inspected_at": DATETIME,
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class ChecklistForm(BaseModelForm):
    class Meta:
        model = Checklist
        fields = ["name", "standard"]


class ChecklistItemForm(BaseModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["order", "text", "clause", "hazard_when", "major"]
        widgets = {
            "order": forms.NumberInput(attrs={"min": 0, "style": "width: 5rem"}),
            "text": forms.Textarea(attrs={"rows": 2}),
            "hazard_when": forms.Textarea(attrs={"rows": 2}),
        }


ChecklistItemFormSet = forms.inlineformset_factory(
    Checklist, ChecklistItem, form=ChecklistItemForm, extra=3, can_delete=True, min_num=1, validate_min=True
)
