from django.utils.translation import gettext_lazy as _

from safecity.core.views import ObjectViews

from .filtersets import OrganizationFilterSet
from .forms import OrganizationForm, OrganizationImportForm
from .models import Organization
from .tables import OrganizationTable


class OrganizationViews(ObjectViews):
    model = Organization
    table = OrganizationTable
    filterset = OrganizationFilterSet
    form = OrganizationForm
    import_form = OrganizationImportForm
    select_related = ("region",)
    masked_fields = {"phone": "phone", "contact_phone": "phone", "responsible_phone": "phone"}
    detail_fields = [
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
    related = [(_("Subordinate organizations"), "children", OrganizationTable)]
