import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .models import Organization


class OrganizationTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    responsible_phone = MaskedColumn(verbose_name=_("responsible person's phone"))
    contact_phone = MaskedColumn(verbose_name=_("contact phone"))

    class Meta(BaseTable.Meta):
        model = Organization
        fields = (
            "name",
            "kind",
            "sector",
            "region",
            "address",
            "responsible_person",
            "responsible_phone",
            "contact_name",
            "contact_phone",
            "status",
        )
