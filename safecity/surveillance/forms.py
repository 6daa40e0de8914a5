from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm

DATE = {"type": "date"}


class FourEarliesFilterForm(BaseForm):
    disease = forms.ModelChoiceField(queryset=None, label=_("disease"), required=False, empty_label=_("all diseases"))
    start = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        from safecity.epidemic.models import Disease

        super().__init__(*args, **kwargs)
        self.fields["disease"].queryset = Disease.objects.order_by("code")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data
