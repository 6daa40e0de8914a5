import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.core.pickers import use_picker
from safecity.core.validators import normalize_id_number, normalize_phone
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from . import rules, services
from .choices import MembershipRole, VolunteerStatus
from .models import Deployment, Skill, Volunteer, VolunteerTeam

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonFieldsMixin:
    """Normalise the identity number (15 → 18 digits, x → X) and the phone before they are stored."""

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return normalize_id_number(value) if value else value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return normalize_phone(value) if value else value


class VolunteerForm(PersonFieldsMixin, BaseModelForm):
    """Registration (with the consent box) and later edits of a volunteer."""

    consent = forms.BooleanField(label=_("The volunteer has read and agreed to the consent text"), required=False)

    fieldsets = [
        (_("Volunteer"), ["name", "id_number", "sex", "birth_date", "phone", "employer"]),
        (_("Area and skills"), ["region", "address", "skills", "joined_on"]),
        (_("Consent"), ["consent"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Volunteer
        fields = [
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "employer",
            "region",
            "address",
            "skills",
            "joined_on",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "birth_date": DATE,
            "joined_on": DATE,
        }
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["consent"]  # given at registration; the version is kept on the record
        else:
            self.fields["consent"].help_text = rules.CONSENT_TEXT
            self.fields["consent"].widget.attrs["data-testid"] = "consent"

    def clean(self):
        cleaned = super().clean()
        if "consent" in self.fields:
            try:
                services.give_consent(self.instance, consent=cleaned.get("consent", False))
            except forms.ValidationError as exc:
                self.add_error("consent", exc.message_dict["consent"])
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model refuses a record without consent too; say it once, next to the box.
        if self.has_error("consent") and NON_FIELD_ERRORS in self._errors:
            wanted = set(self._errors["consent"])
            self._errors[NON_FIELD_ERRORS] = self.error_class(
                [e for e in self._errors[NON_FIELD_ERRORS] if e not in wanted]
            )
            if not self._errors[NON_FIELD_ERRORS]:
                del self._errors[NON_FIELD_ERRORS]


class ConsentField(forms.CharField):
    """An import column saying whether the signed consent form is on file: 是/否, yes/no, 1/0."""

    def clean(self, value):
        text = str(value or "").strip().lower()
        if text in rules.CONSENT_YES:
            return True
        if text in rules.CONSENT_NO:
            raise forms.ValidationError(
                _(
                    "Without the volunteer's consent the row cannot be imported "
                    "(write 是 when the signed form is on file)."
                )
            )
        raise forms.ValidationError(_("Write 是 or 否."))


class SkillNamesField(forms.CharField):
    """Skills by name or code, separated by 、 , ; / or spaces (as county lists write them).

    The taxonomy is read once per import (``cache``, shared by every row's form), not once per row.
    """

    cache: dict | None = None

    def _known(self) -> dict:
        if self.cache is None:
            self.cache = {}
        if not self.cache:
            for skill in Skill.objects.all():
                self.cache[skill.name] = self.cache[skill.code] = skill
        return self.cache

    def clean(self, value):
        names = [n for n in re.split(r"[、,，;；/\s]+", str(value or "").strip()) if n]
        if not names:
            return []
        known = self._known()
        unknown = [n for n in names if n not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown skill: %(names)s. Known skills: %(known)s.")
                % {"names": "、".join(unknown), "known": "、".join(sorted({s.name for s in known.values()}))}
            )
        return list(dict.fromkeys(known[n] for n in names))


class VolunteerImportForm(PersonFieldsMixin, BaseModelForm):
    """One row of a county's volunteer list: region by code, consent column, skills by name."""

    header_aliases = {
        "姓名": "name",
        "身份证号": "id_number",
        "身份证号码": "id_number",
        "公民身份号码": "id_number",
        "手机": "phone",
        "手机号": "phone",
        "联系电话": "phone",
        "区划代码": "region",
        "住址": "address",
        "技能": "skills",
        "专长": "skills",
        "工作单位": "employer",
        "是否同意": "consent",
        "同意书": "consent",
        "入队日期": "joined_on",
    }

    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )
    skills = SkillNamesField(label=_("skills"), required=False)
    consent = ConsentField(label=_("consent given"))
    joined_on = forms.DateField(label=_("joined on"), required=False, help_text=_("Left empty: today."))

    class Meta:
        model = Volunteer
        fields = ["name", "id_number", "phone", "region", "address", "employer", "skills", "joined_on", "notes"]

    def __init__(self, *args, import_cache: dict | None = None, **kwargs):
        super().__init__(*args, import_cache=import_cache, **kwargs)
        self.fields["skills"].cache = import_cache.setdefault("skills", {}) if import_cache is not None else None

    def clean_joined_on(self):
        from django.utils import timezone

        return self.cleaned_data.get("joined_on") or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent"):
            services.give_consent(self.instance, consent=True)
        return cleaned


class StatusForm(BaseForm):
    status = forms.ChoiceField(choices=VolunteerStatus.choices, label=_("status"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class VolunteerTeamForm(BaseModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["name", "specialty", "region", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "")
        return normalize_phone(value) if value else value


class MembershipForm(BaseForm):
    """A new team member: the volunteer is picked by search among the active volunteers of the user's area."""

    volunteer = forms.ModelChoiceField(Volunteer.objects.filter(status=VolunteerStatus.ACTIVE), label=_("volunteer"))
    role = forms.ChoiceField(choices=MembershipRole.choices, label=_("role"), initial=MembershipRole.MEMBER)
    joined_on = forms.DateField(label=_("joined on"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "volunteer", "volunteers.active_volunteer")


class DeploymentForm(BaseModelForm):
    fieldsets = [
        (_("Deployment"), ["title", "kind", "incident", "team"]),
        (_("When and where"), ["starts_at", "ends_at", "region", "place"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Deployment
        fields = ["title", "kind", "incident", "team", "starts_at", "ends_at", "region", "place", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "starts_at": DATETIME, "ends_at": DATETIME}
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ParticipantsForm(BaseForm):
    """Volunteers sent on a deployment: picked by search (any number), or a whole team."""

    volunteers = forms.ModelMultipleChoiceField(
        Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).select_related("region"),
        label=_("volunteers"),
        required=False,
    )
    team = forms.ModelChoiceField(VolunteerTeam.objects.all(), label=_("whole team"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "volunteers", "volunteers.active_volunteer", multiple=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("volunteers") and not cleaned.get("team"):
            raise forms.ValidationError(_("Choose volunteers or a team."))
        return cleaned


class HoursForm(BaseForm):
    checked_in_at = forms.DateTimeField(
        label=_("checked in at"), required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    checked_out_at = forms.DateTimeField(
        label=_("checked out at"), required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    hours = forms.DecimalField(label=_("service hours"), required=False, max_digits=5, decimal_places=1)


class HoursReportForm(BaseForm):
    start = forms.DateField(label=_("from"), required=False, widget=DATE)
    end = forms.DateField(label=_("to"), required=False, widget=DATE)
    region = RegionChoiceField(Region.objects.all(), label=_("region"), required=False)
    team = forms.ModelChoiceField(VolunteerTeam.objects.all(), label=_("volunteer team"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return cleaned
