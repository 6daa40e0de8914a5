import django_tables2 as tables

from safecity.core.tables import BaseTable, MaskedColumn

from .models import Organization


class OrganizationTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True, order_by=("region__code",))
    responsible_phone = MaskedColumn()
    contact_phone = MaskedColumn()

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
