from safecity.core.testing import ScopedModelTests
from safecity.duty.views import ShiftViews

from .factories import future_start, person, post_in, shift


class TestShift(ScopedModelTests):
    views = ShiftViews
    api_url = "/api/duty-shifts/"
    edit_change = ("notes", "改过的备注")

    def make(self, city, region_key):
        region = city[region_key]
        officer = person(f"officer-{region_key}", region, full_name=f"{region.name}值班员")
        return shift(post_in(region), future_start(), officers=[officer])

    def marker(self, obj):
        return obj.post.name

    def form_data(self, city, region_key):
        region = city[region_key]
        return {
            "post": post_in(region).pk,
            "starts_at": "2031-06-01 08:30",
            "ends_at": "2031-06-02 08:30",
            "leader": person(f"leader-{region_key}", region, full_name="带班领导甲").pk,
            "officers": [person(f"officer-{region_key}", region).pk],
            "notes": "备注",
        }

    def api_data(self, city, region_key):
        region = city[region_key]
        return {
            "post": post_in(region).pk,
            "starts_at": "2031-07-01T08:30:00+08:00",
            "ends_at": "2031-07-02T08:30:00+08:00",
            "leader": person(f"leader-{region_key}", region).pk,
            "officers": [person(f"officer-{region_key}", region).pk],
        }
