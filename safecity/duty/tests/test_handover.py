from safecity.core.testing import ScopedModelTests
from safecity.duty.models import Handover
from safecity.duty.views import HandoverViews

from .factories import at, person, post_in


class TestHandover(ScopedModelTests):
    views = HandoverViews
    api_url = "/api/duty-handovers/"
    edit_change = ("open_matters", "改过的未结事项")

    def people(self, city, region_key):
        region = city[region_key]
        return person(f"officer-{region_key}", region), person(f"officer2-{region_key}", region)

    def make(self, city, region_key):
        outgoing, incoming = self.people(city, region_key)
        return Handover.objects.create(
            post=post_in(city[region_key]),
            outgoing=outgoing,
            incoming=incoming,
            open_matters="广告牌待拆除",
            handed_over_at=at("2026-12-03 08:30"),
        )

    def marker(self, obj):
        return obj.post.name

    def form_data(self, city, region_key):
        outgoing, incoming = self.people(city, region_key)
        return {
            "post": post_in(city[region_key]).pk,
            "handed_over_at": "2026-12-03 08:30",
            "outgoing": outgoing.pk,
            "incoming": incoming.pk,
            "open_matters": "1. 广告牌待拆除",
        }

    def api_data(self, city, region_key):
        data = self.form_data(city, region_key)
        data["handed_over_at"] = "2026-12-03T08:30:00+08:00"
        return data
