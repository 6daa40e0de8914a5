from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.core.pickers import use_picker
from safecity.core.validators import normalize_id_number, normalize_phone
from safecity.geo.fields import RegionChoiceField

from . import rules
from .choices import HolderKind
from .models import Attendance, Certificate, Course

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: The holder fields picked by search, and their pick sources (see ``safecity.core.pickers``).
HOLDER_PICKERS = {
    "volunteer": "volunteers.volunteer",
    "expert": "resources.expert",
    "team_member": "resources.teammember",
}
HOLDER_FIELDS = ["holder_kind", "volunteer", "expert", "team_member", "person_name", "person_id_number", "person_phone"]


class HolderFormMixin:
    """The holder: one search picker per kind (scoped), or a person by name, identity number and phone."""

    def setup_holder(self):
        for name, source in HOLDER_PICKERS.items():
            field = self.fields[name]
            field.queryset = field.queryset.select_related(*(("team",) if name == "team_member" else ("region",)))
            use_picker(self, name, source)
        self.fields["holder_kind"].widget.attrs["data-testid"] = "holder-kind"

    def clean_person_id_number(self):
        value = self.cleaned_data.get("person_id_number", "")
        return normalize_id_number(value) if value else value

    def clean_person_phone(self):
        value = self.cleaned_data.get("person_phone", "")
        return normalize_phone(value) if value else value


class CourseForm(BaseModelForm):
    fieldsets = [
        (_("Course"), ["title", "topic", "organiser", "region"]),
        (_("When and where"), ["starts_on", "ends_on", "hours", "place"]),
        (_("Certificate"), ["issues_certificate", "validity_months", "issuing_body"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Course
        fields = [
            "title",
            "topic",
            "organiser",
            "region",
            "starts_on",
            "ends_on",
            "hours",
            "place",
            "issues_certificate",
            "validity_months",
            "issuing_body",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "starts_on": DATE, "ends_on": DATE}
        field_classes = {"region": RegionChoiceField}


class AttendanceForm(HolderFormMixin, BaseModelForm):
    fieldsets = [(_("Attendee"), HOLDER_FIELDS)]

    class Meta:
        model = Attendance
        fields = HOLDER_FIELDS

    def __init__(self, *args, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        if course is not None:
            self.instance.course = course
        self.setup_holder()


class ResultForm(BaseForm):
    passed = forms.TypedChoiceField(
        choices=[("1", _("passed")), ("0", _("not passed"))], coerce=lambda v: v == "1", label=_("result")
    )
    score = forms.DecimalField(label=_("score"), required=False, max_digits=5, decimal_places=1)
    issued_on = forms.DateField(
        label=_("issued on"), required=False, widget=DATE, help_text=_("Left empty: the last day of the course.")
    )


class CertificateForm(HolderFormMixin, BaseModelForm):
    """A certificate recorded by hand (earned elsewhere, or before SafeCity): the region follows the holder."""

    fieldsets = [
        (_("Holder"), [*HOLDER_FIELDS, "region"]),
        (_("Certificate"), ["number", "topic", "course", "issued_on", "expires_on", "issuing_body"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Certificate
        fields = [
            *HOLDER_FIELDS,
            "region",
            "number",
            "topic",
            "course",
            "issued_on",
            "expires_on",
            "issuing_body",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "issued_on": DATE, "expires_on": DATE}
        field_classes = {"region": RegionChoiceField}
        help_texts = {
            "region": _(
                "Only for another person; a volunteer's, expert's or team member's certificate is kept by their region."
            ),
            "expires_on": _("Left empty: the topic's validity from the issue date."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_holder()
        self.fields["region"].required = False

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("holder_kind")
        holder = {
            HolderKind.VOLUNTEER: cleaned.get("volunteer"),
            HolderKind.EXPERT: cleaned.get("expert"),
            HolderKind.TEAM_MEMBER: cleaned.get("team_member"),
        }.get(kind)
        if holder is not None:
            cleaned["region"] = holder.team.region if kind == HolderKind.TEAM_MEMBER else holder.region
        elif kind == HolderKind.PERSON and not cleaned.get("region"):
            self.add_error("region", _("Choose the region that keeps this person's certificate."))
        topic, issued_on = cleaned.get("topic"), cleaned.get("issued_on")
        if not cleaned.get("expires_on") and topic and issued_on:
            cleaned["expires_on"] = rules.expiry_date(issued_on, topic.validity_months)
        return cleaned
