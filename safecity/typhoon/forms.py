from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.core.validators import normalize_phone
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from .choices import KIND_ALIASES, Position, VesselKind
from .models import TyphoonResponse, Vessel
from .rules import RESPONSE_LEVELS, VESSEL_LEVELS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VesselForm(BaseModelForm):
    fieldsets = [
        (_("Vessel"), ["name", "registration_number", "kind", "region", "home_port", "length_m", "crew_count"]),
        (_("Owner"), ["owner_name", "owner_phone"]),
    ]

    class Meta:
        model = Vessel
        fields = [
            "name",
            "registration_number",
            "kind",
            "region",
            "home_port",
            "length_m",
            "crew_count",
            "owner_name",
            "owner_phone",
        ]
        field_classes = {"region": RegionChoiceField}
        labels = {"region": _("town or village")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.fields.get("region"), RegionChoiceField):
            self.fields["region"].queryset = self.fields["region"].queryset.filter(level__in=VESSEL_LEVELS)

    def clean_owner_phone(self):
        value = self.cleaned_data.get("owner_phone", "")
        return normalize_phone(value) if value else value


def _kind_by_label(value) -> str:
    """A vessel kind by its code, its label (Chinese or English) or a name the registers use."""
    from django.utils import translation

    text = str(value or "").strip()
    if text in KIND_ALIASES:
        return str(KIND_ALIASES[text])
    for code, label in VesselKind.choices:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if text == str(label):
                    return code
    return text


class VesselImportForm(VesselForm):
    """One row of a town's vessel register: the town or village by its region code, the kind by name."""

    header_aliases = {
        "船名": "name",
        "船舶名称": "name",
        "船名号": "registration_number",
        "船舶登记号": "registration_number",
        "船舶类型": "kind",
        "船型": "kind",
        "船籍港": "home_port",
        "船长": "length_m",
        "船长(米)": "length_m",
        "船员人数": "crew_count",
        "船员": "crew_count",
        "船东": "owner_name",
        "船东姓名": "owner_name",
        "船东电话": "owner_phone",
        "联系电话": "owner_phone",
        "区划代码": "region",
    }

    region = ImportChoiceField(
        Region.objects.filter(level__in=VESSEL_LEVELS),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s is not a town or village in your area.")},
    )

    class Meta(VesselForm.Meta):
        field_classes = {}
        labels = {}

    def __init__(self, *args, data=None, **kwargs) -> None:
        if data is not None:
            data = dict(data)
            if "kind" in data:
                data["kind"] = _kind_by_label(data["kind"])
            if not data.get("crew_count"):
                data["crew_count"] = 0
        super().__init__(*args, data=data, **kwargs)


class TyphoonResponseForm(BaseModelForm):
    """Start (or correct) a response: empty deadlines are filled from the warning's colour when it starts."""

    fieldsets = [
        (_("Typhoon response"), ["title", "warning", "region", "started_at"]),
        (_("Deadlines"), ["port_deadline", "ashore_deadline"]),
    ]

    class Meta:
        model = TyphoonResponse
        fields = ["title", "warning", "region", "started_at", "port_deadline", "ashore_deadline"]
        field_classes = {"region": RegionChoiceField}
        labels = {"region": _("city or county")}
        widgets = {"started_at": DATETIME, "port_deadline": DATETIME, "ashore_deadline": DATETIME}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level__in=RESPONSE_LEVELS)
        warnings = self.fields["warning"].queryset.filter(exercise=False).order_by("-sent")
        self.fields["warning"].queryset = warnings
        self.fields["started_at"].required = False
        self.fields["started_at"].help_text = _("Left empty: now.")
        for name in ("started_at", "port_deadline", "ashore_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def clean_started_at(self):
        from django.utils import timezone

        return self.cleaned_data.get("started_at") or (self.instance.started_at if self.instance.pk else timezone.now())


class CheckForm(BaseForm):
    """A vessel's check: where it is, whether its crew is ashore, when (empty: now)."""

    status = forms.ChoiceField(label=_("position"), choices=Position.choices)
    crew_ashore = forms.BooleanField(label=_("crew ashore"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    checked_at = forms.DateTimeField(
        label=_("checked at"),
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Left empty: now."),
    )
