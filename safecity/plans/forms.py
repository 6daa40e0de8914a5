from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region
from safecity.incidents.choices import Category
from safecity.orgs.models import Organization
from safecity.tasks.choices import TaskPriority
from safecity.tasks.forms import UserChoiceField

from .choices import IMPORT_ALIASES, PlanStatus, PlanType, ProblemSeverity
from .models import ContingencyPlan, Drill
from .rules import setting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContingencyPlanForm(BaseModelForm):
    fieldsets = [
        (_("Contingency plan"), ["title", "plan_type", "category", "region", "owner"]),
        (_("Version and review"), ["version", "approved_on", "next_review_on", "status"]),
        (_("Content"), ["summary"]),
        (_("Activation by warnings"), ["trigger_kind", "trigger_colour"]),
    ]

    class Meta:
        model = ContingencyPlan
        fields = [
            "title",
            "plan_type",
            "category",
            "region",
            "owner",
            "version",
            "approved_on",
            "next_review_on",
            "status",
            "summary",
            "trigger_kind",
            "trigger_colour",
        ]
        widgets = {"approved_on": DATE, "next_review_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"region": RegionChoiceField}
        labels = {"region": _("level and area")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .models import PLAN_LEVELS

        if "region" in self.fields:
            self.fields["region"].queryset = self.fields["region"].queryset.filter(level__in=PLAN_LEVELS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each one's content."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else single(data, initial)


class DocumentForm(BaseForm):
    files = MultipleFileField(label=_("files (PDF or Word)"))
    description = forms.CharField(label=_("description"), required=False, max_length=200)


class DrillForm(BaseModelForm):
    fieldsets = [
        (_("Drill"), ["title", "plan", "kind", "held_on", "region", "place"]),
        (_("Participants"), ["organiser", "participants", "headcount"]),
        (_("Scenario and evaluation"), ["scenario", "rating", "evaluation"]),
    ]

    class Meta:
        model = Drill
        fields = [
            "title",
            "plan",
            "kind",
            "held_on",
            "region",
            "place",
            "organiser",
            "participants",
            "headcount",
            "scenario",
            "rating",
            "evaluation",
        ]
        widgets = {
            "held_on": DATE,
            "scenario": forms.Textarea(attrs={"rows": 3}),
            "evaluation": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"region": RegionChoiceField}


class ProblemForm(BaseForm):
    """A problem found in the drill; saving it creates the follow-up task."""

    description = forms.CharField(label=_("problem found"), widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("severity"), choices=ProblemSeverity.choices, initial=ProblemSeverity.MINOR)
    responsible_organization = forms.ModelChoiceField(Organization.objects.all(), label=_("responsible unit"))
    responsible_person = UserChoiceField(get_user_model().objects.all(), label=_("responsible person"), required=False)
    deadline = forms.DateField(label=_("deadline"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = setting("PROBLEM_DAYS").get(ProblemSeverity.MINOR, 30)
        self.fields["deadline"].initial = timezone.localdate() + timedelta(days=days)


class PlanActionForm(BaseForm):
    """A task the plan hands out when it is activated."""

    description = forms.CharField(label=_("task"), max_length=200)
    responsible_organization = forms.ModelChoiceField(Organization.objects.all(), label=_("responsible unit"))
    days = forms.IntegerField(label=_("days to complete"), min_value=0, max_value=365, initial=0)
    priority = forms.ChoiceField(label=_("priority"), choices=TaskPriority.choices, initial=TaskPriority.URGENT)


class ActivateForm(BaseForm):
    reason = forms.CharField(label=_("reason for activating"), max_length=300)


class UniqueNameChoiceField(ImportChoiceField):
    """An organization by its name, among those the importing user may see; a name that several units
    in the user's area share is refused (say which unit by its exact name) rather than guessed."""

    AMBIGUOUS = object()

    def _lookup(self):
        if self.cache is None:
            self.cache = {}
        if not self.cache:
            for obj in self.queryset:
                key = str(getattr(obj, self.to_field_name))
                self.cache[key] = self.AMBIGUOUS if key in self.cache else obj
            self.cache.setdefault("\x00loaded", None)
        return self.cache

    def to_python(self, value):
        obj = super().to_python(value)
        if obj is self.AMBIGUOUS:
            raise forms.ValidationError(
                _("Several units in your area are named %(value)s."), code="ambiguous", params={"value": value}
            )
        return obj


def _choice_by_label(value, choices, aliases: dict) -> str:
    """Accept a choice's code, its label (Chinese or English) or a name the offices use for it."""
    from django.utils import translation

    text = str(value or "").strip()
    if text in aliases:
        return str(aliases[text])
    for code, label in choices:
        if text == code:
            return code
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        if text in (chinese, english):
            return code
    return text


class ContingencyPlanImportForm(ContingencyPlanForm):
    """One row of a plan register: the area by its region code, the owner unit by its name; types,
    categories and statuses by code or by their label."""

    header_aliases = {
        "预案名称": "title",
        "名称": "title",
        "预案类型": "plan_type",
        "类型": "plan_type",
        "事件类别": "category",
        "类别": "category",
        "区划代码": "region",
        "编制单位": "owner",
        "版本": "version",
        "版本号": "version",
        "批准日期": "approved_on",
        "印发日期": "approved_on",
        "下次评估日期": "next_review_on",
        "状态": "status",
        "适用范围": "summary",
    }

    region = ImportChoiceField(
        Region.objects.filter(level__in=(2, 3, 4)),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )
    status = forms.ChoiceField(label=_("status"), choices=PlanStatus.choices, required=False)
    owner = UniqueNameChoiceField(
        Organization.objects.all(),
        to_field_name="name",
        label=_("owner unit"),
        error_messages={"invalid_choice": _("No unit named %(value)s in your area.")},
    )

    class Meta(ContingencyPlanForm.Meta):
        field_classes = {}

    def __init__(self, *args, data=None, **kwargs) -> None:
        if data is not None:
            data = dict(data)
            for name, choices in (
                ("plan_type", PlanType.choices),
                ("category", Category.choices),
                ("status", PlanStatus.choices),
            ):
                if name in data:
                    data[name] = _choice_by_label(data[name], choices, IMPORT_ALIASES[name])
            if not data.get("status"):
                data["status"] = PlanStatus.IN_FORCE  # a register lists the plans in force
        super().__init__(*args, data=data, **kwargs)
