import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .models import User


class UserTable(BaseTable):
    username = tables.Column(linkify=True)
    full_name = tables.Column()
    phone = MaskedColumn()
    roles = tables.Column(verbose_name=_("roles"), accessor="pk", orderable=False)
    scopes = tables.Column(verbose_name=_("regions of responsibility"), accessor="pk", orderable=False)
    department = tables.Column()

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "title", "phone", "department", "roles", "scopes", "is_active", "status")

    def render_roles(self, record):
        return "、".join(str(r) for r in record.roles)

    def value_roles(self, record):
        return self.render_roles(record)

    def render_scopes(self, record):
        return "、".join(s.region.name for s in record.scopes.all())

    def value_scopes(self, record):
        return self.render_scopes(record)
