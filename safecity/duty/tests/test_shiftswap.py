from safecity.core.testing import ScopedModelTests
from safecity.duty.models import ShiftSwap
from safecity.duty.views import ShiftSwapViews

from .factories import future_start, person, post_in, shift


def _swap_parts(city, region_key):
    region = city[region_key]
    first = person(f"officer-{region_key}", region, full_name=f"{region.name}值班员甲")
    second = person(f"officer2-{region_key}", region, full_name=f"{region.name}值班员乙")
    return shift(post_in(region), future_start(), officers=[first]), first, second


class TestShiftSwap(ScopedModelTests):
    views = ShiftSwapViews
    api_url = "/api/duty-shift-swaps/"
    edit_change = ("reason", "改过的理由")

    def make(self, city, region_key):
        on_shift, first, second = _swap_parts(city, region_key)
        return ShiftSwap.objects.create(shift=on_shift, from_user=first, to_user=second, reason="家中有事")

    def marker(self, obj):
        return obj.shift.post.name

    def form_data(self, city, region_key):
        on_shift, first, second = _swap_parts(city, region_key)
        return {"shift": on_shift.pk, "from_user": first.pk, "to_user": second.pk, "reason": "出差"}

    def api_data(self, city, region_key):
        return self.form_data(city, region_key)
