import django_tables2 as tables

from safecity.core.tables import BaseTable

from .models import Region


class RegionTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    level = tables.Column()
    parent = tables.Column(linkify=True)
    population = tables.Column()

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "level", "parent", "population", "latitude", "longitude", "status")
        order_by = ("code",)
