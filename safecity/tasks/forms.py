from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.orgs.models import Organization

from .models import Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class TaskForm(BaseModelForm):
    """New task: what, who, by when. Editing changes the wording; responsibility and deadline change by *assign*."""

    fieldsets = [
        (_("Task"), ["title", "detail", "priority"]),
        (_("Responsibility"), ["responsible_organization", "responsible_person", "deadline", "supervisor"]),
    ]

    class Meta:
        model = Task
        fields = [
            "title",
            "detail",
            "priority",
            "responsible_organization",
            "responsible_person",
            "deadline",
            "supervisor",
        ]
        widgets = {"detail": forms.Textarea(attrs={"rows": 4}), "deadline": DATE}
        field_classes = {"responsible_person": UserChoiceField, "supervisor": UserChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            for name in ("responsible_organization", "responsible_person", "deadline"):
                self.fields.pop(name, None)


class AssignForm(BaseForm):
    responsible_organization = forms.ModelChoiceField(Organization.objects.all(), label=_("responsible unit"))
    responsible_person = UserChoiceField(get_user_model().objects.all(), label=_("responsible person"), required=False)
    deadline = forms.DateField(label=_("deadline"), widget=DATE, required=False)


class FeedbackForm(BaseForm):
    text = forms.CharField(label=_("progress report"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)


class CompleteForm(BaseForm):
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(
        label=_("evidence file (PDF, Word, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
    )


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
