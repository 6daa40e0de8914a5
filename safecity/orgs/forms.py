from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseModelForm, ImportChoiceField
from safecity.core.validators import normalize_phone
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region

from .models import Organization

PHONE_FIELDS = ("phone", "contact_phone", "responsible_phone")


class OrganizationForm(BaseModelForm):
    fieldsets = [
        (_("Organization"), ["name", "short_name", "kind", "sector", "parent", "credit_code"]),
        (_("Location"), ["region", "address"]),
        (_("Contacts"), ["phone", "contact_name", "contact_phone", "responsible_person", "responsible_phone"]),
        (_("Other"), ["notes"]),
    ]

    class Meta:
        model = Organization
        fields = [
            "name",
            "short_name",
            "kind",
            "sector",
            "parent",
            "credit_code",
            "region",
            "address",
            "phone",
            "contact_name",
            "contact_phone",
            "responsible_person",
            "responsible_phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region": RegionChoiceField}

    def clean(self):
        cleaned = super().clean()
        for name in PHONE_FIELDS:
            value = cleaned.get(name)
            if value:
                try:
                    cleaned[name] = normalize_phone(value)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        if cleaned.get("credit_code"):
            cleaned["credit_code"] = cleaned["credit_code"].strip().upper()
        return cleaned


class OrganizationImportForm(OrganizationForm):
    """One row of an organization import: the region is given by its code."""

    header_aliases = {"单位名称": "name", "企业名称": "name", "区划": "region", "所在区划代码": "region"}

    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )

    class Meta(OrganizationForm.Meta):
        field_classes = {}
        fields = [
            "name",
            "short_name",
            "kind",
            "sector",
            "credit_code",
            "region",
            "address",
            "phone",
            "contact_name",
            "contact_phone",
            "responsible_person",
            "responsible_phone",
            "notes",
        ]
