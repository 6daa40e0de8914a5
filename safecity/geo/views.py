from django.utils.translation import gettext_lazy as _

from safecity.core.views import ObjectViews

from .filtersets import RegionFilterSet
from .forms import RegionForm, RegionImportForm
from .models import Region
from .tables import RegionTable


class RegionViews(ObjectViews):
    model = Region
    table = RegionTable
    filterset = RegionFilterSet
    form = RegionForm
    import_form = RegionImportForm
    import_bulk = False  # rows may be the parents of later rows
    select_related = ("parent",)
    detail_fields = ["code", "name", "level", "parent", "population", "latitude", "longitude"]
    related = [(_("Subordinate regions"), "children", RegionTable)]
