from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.geo.fields import RegionChoiceField

from .models import Incident, IncidentReport, ReportDeadline

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(BaseModelForm):
    """What happened where and when — the incident part of an initial report."""

    fieldsets = [
        (_("Event"), ["title", "category", "subtype", "unit"]),
        (_("Time and place"), ["occurred_at", "learned_at", "region", "address", "latitude", "longitude"]),
    ]

    class Meta:
        model = Incident
        fields = [
            "title",
            "category",
            "subtype",
            "unit",
            "occurred_at",
            "learned_at",
            "region",
            "address",
            "latitude",
            "longitude",
            "duty_log_entry",
        ]
        field_classes = {"region": RegionChoiceField}
        widgets = {"occurred_at": DATETIME, "learned_at": DATETIME, "duty_log_entry": forms.HiddenInput}


class IncidentEditForm(BaseModelForm):
    """Corrections that do not change figures or level (those come only through reports)."""

    class Meta:
        model = Incident
        fields = ["title", "subtype", "unit", "address", "latitude", "longitude"]


class ReportForm(BaseModelForm):
    """The content of one report: course of events, casualties, loss, measures (Decree 493 Art. 12)."""

    fieldsets = [
        (_("Report"), ["summary"]),
        (_("Casualties and loss"), ["dead", "missing", "seriously_injured", "injured", "direct_loss", "judged_level"]),
        (_("Response"), ["measures", "trend", "leaders_on_site", "requests", "other"]),
    ]

    class Meta:
        model = IncidentReport
        fields = [
            "summary",
            "dead",
            "missing",
            "seriously_injured",
            "injured",
            "direct_loss",
            "judged_level",
            "measures",
            "trend",
            "leaders_on_site",
            "requests",
            "other",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "trend": forms.Textarea(attrs={"rows": 2}),
            "requests": forms.Textarea(attrs={"rows": 2}),
            "other": forms.Textarea(attrs={"rows": 2}),
        }


class DeadlineCompleteForm(BaseForm):
    done_at = forms.DateTimeField(label=_("made at"), required=False, widget=DATETIME)
    note = forms.CharField(label=_("how (phone, document no. …)"), required=False, max_length=255)


__all__ = ["DeadlineCompleteForm", "IncidentEditForm", "IncidentForm", "ReportDeadline", "ReportForm"]
