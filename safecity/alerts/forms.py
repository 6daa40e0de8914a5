from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm
from safecity.geo.choices import RegionLevel

from .models import WarningSignal
from .selectors import common_region

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WarningSignalForm(BaseModelForm):
    """Correcting a received warning by hand: the areas it covers (when the message named them in a way we
    did not recognise), its colour or kind, its end — and lifting it when the cancel never arrived."""

    fieldsets = [
        (_("Warning"), ["headline", "colour", "kind", "regions"]),
        (_("Time"), ["expires", "lifted_at"]),
        (_("Instruction"), ["instruction"]),
    ]

    class Meta:
        model = WarningSignal
        fields = ["headline", "colour", "kind", "regions", "expires", "lifted_at", "instruction"]
        widgets = {"expires": _DATETIME, "lifted_at": _DATETIME, "instruction": forms.Textarea(attrs={"rows": 4})}
        labels = {"regions": _("areas covered")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions = self.fields["regions"]
        regions.queryset = regions.queryset.filter(level__lte=RegionLevel.TOWN).order_by("code")
        regions.required = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("regions"):
            self.instance.region = common_region(list(cleaned["regions"]))
        return cleaned


class ReceiveForm(BaseForm):
    """A CAP message as a file (.cap, .xml) or pasted."""

    file = forms.FileField(label=_("CAP file"), required=False, help_text=_("A .cap or .xml file as published."))
    text = forms.CharField(
        label=_("or paste the message"), required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("Give the message once: a file or pasted text, not both."))
        if not upload and not text:
            raise forms.ValidationError(_("Choose a CAP file or paste the message."))
        cleaned["data"] = upload.read() if upload else text.encode("utf-8")
        return cleaned
