from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseForm, BaseModelForm, ImportChoiceField
from safecity.core.validators import normalize_id_number, normalize_phone
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region
from safecity.incidents.models import Incident

from .choices import Readiness
from .models import Depot, Equipment, Expert, Item, Lot, RescueTeam, ReserveStandard, TeamMember


class DepotForm(BaseModelForm):
    fieldsets = [
        (_("Depot"), ["name", "kind", "keepers"]),
        (_("Location"), ["region", "address", "latitude", "longitude"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Depot
        fields = ["name", "kind", "keepers", "region", "address", "latitude", "longitude", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}


class ReserveStandardForm(BaseModelForm):
    class Meta:
        model = ReserveStandard
        fields = ["item", "region", "minimum", "basis"]
        field_classes = {"region": RegionChoiceField}


class MovementForm(BaseForm):
    """A movement form: one group of fields, rendered by ``includes/form_fields.html``."""


class ReceiptForm(MovementForm):
    item = forms.ModelChoiceField(Item.objects.filter(archived_at__isnull=True), label=_("item"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    lot_number = forms.CharField(label=_("lot number"), max_length=50, required=False)
    production_date = forms.DateField(
        label=_("production date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_date = forms.DateField(
        label=_("expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Left empty: production date plus the item's shelf life."),
    )
    recipient = forms.CharField(label=_("supplier"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class IssueForm(MovementForm):
    item = forms.ModelChoiceField(Item.objects.filter(archived_at__isnull=True), label=_("item"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    incident = forms.ModelChoiceField(Incident.objects.all(), label=_("incident"), required=False)
    recipient = forms.CharField(label=_("issued to"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class TransferForm(MovementForm):
    item = forms.ModelChoiceField(Item.objects.filter(archived_at__isnull=True), label=_("item"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    target = forms.ModelChoiceField(Depot.objects.all(), label=_("to depot"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class AdjustForm(MovementForm):
    lot = forms.ModelChoiceField(Lot.objects.all(), label=_("lot"))
    counted = forms.IntegerField(label=_("counted quantity"), min_value=0)
    note = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, depot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if depot is not None:
            self.fields["lot"].queryset = self.fields["lot"].queryset.filter(depot=depot).select_related("item")


class EquipmentForm(BaseModelForm):
    fieldsets = [
        (_("Equipment"), ["name", "model", "serial_number", "depot", "condition"]),
        (_("Maintenance"), ["commissioned_on", "last_maintained_on", "maintenance_interval_days"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Equipment
        fields = [
            "name",
            "model",
            "serial_number",
            "depot",
            "condition",
            "commissioned_on",
            "last_maintained_on",
            "maintenance_interval_days",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "commissioned_on": forms.DateInput(attrs={"type": "date"}),
            "last_maintained_on": forms.DateInput(attrs={"type": "date"}),
        }


class DepotImportForm(DepotForm):
    """One row of a depot import: the region is given by its code."""

    header_aliases = {"储备库名称": "name", "名称": "name", "类型": "kind", "区划代码": "region", "地址": "address"}

    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )

    class Meta(DepotForm.Meta):
        field_classes = {}
        fields = ["name", "kind", "region", "address", "latitude", "longitude", "notes"]


class ExpertForm(BaseModelForm):
    fieldsets = [
        (_("Expert"), ["name", "specialties", "title", "employer", "source", "availability"]),
        (_("Contacts"), ["region", "phone"]),
        (_("Certificates"), ["certificates", "certificates_expire_on"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Expert
        fields = [
            "name",
            "specialties",
            "title",
            "employer",
            "source",
            "availability",
            "region",
            "phone",
            "certificates",
            "certificates_expire_on",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "certificates": forms.Textarea(attrs={"rows": 3}),
            "certificates_expire_on": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {"region": RegionChoiceField}

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class CallUpForm(MovementForm):
    incident = forms.ModelChoiceField(Incident.objects.all(), label=_("incident"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class RescueTeamForm(BaseModelForm):
    fieldsets = [
        (_("Rescue team"), ["name", "kind", "is_reserve", "specialties", "members"]),
        (_("Contacts"), ["leader", "leader_phone"]),
        (_("Location"), ["region", "base_address", "latitude", "longitude"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = RescueTeam
        fields = [
            "name",
            "kind",
            "is_reserve",
            "specialties",
            "members",
            "leader",
            "leader_phone",
            "region",
            "base_address",
            "latitude",
            "longitude",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}

    def clean_leader_phone(self):
        value = self.cleaned_data["leader_phone"]
        return normalize_phone(value) if value else value


class ReadinessForm(MovementForm):
    readiness = forms.ChoiceField(choices=Readiness.choices, label=_("readiness"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class DispatchForm(MovementForm):
    incident = forms.ModelChoiceField(Incident.objects.all(), label=_("incident"))


class TeamMemberForm(BaseModelForm):
    fieldsets = [
        (_("Team member"), ["team", "name", "role", "specialty"]),
        (_("Contacts"), ["phone", "id_number"]),
        (_("Membership"), ["joined_on", "left_on"]),
    ]

    class Meta:
        model = TeamMember
        fields = ["team", "name", "role", "specialty", "phone", "id_number", "joined_on", "left_on"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_phone(value) if value else value

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        return normalize_id_number(value) if value else value
