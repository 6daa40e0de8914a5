from django.utils import timezone

from safecity.core.testing import ScopedModelTests
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.views import HazardViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestHazard(ScopedModelTests):
    views = HazardViews
    api_url = "/api/hazards/"
    edit_change = ("title", "改过的隐患")

    def _target(self, city, region_key):
        return InspectionTargetFactory(region=city[TOWN_OF[region_key]])

    def make(self, city, region_key):
        return HazardFactory(target=self._target(city, region_key))

    def form_data(self, city, region_key):
        return {
            "target": self._target(city, region_key).pk,
            "title": "住人区域与仓储区域未防火分隔",
            "level": "ordinary",
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    def api_data(self, city, region_key):
        return {"target": self._target(city, region_key).pk, "title": "渡船救生衣不足", "level": "ordinary"}


def test_a_hazard_recorded_through_the_page_takes_its_targets_region_and_finder(xinhui_client, xinhui_user, city):
    from django.urls import reverse

    target = InspectionTargetFactory(region=city["village"])
    response = xinhui_client.post(
        reverse("hazards:hazard_add"),
        {
            "target": target.pk,
            "title": "灭火器过期",
            "level": "ordinary",
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    hazard = target.hazards.get()
    assert hazard.region == city["village"]
    assert hazard.found_by == xinhui_user
    assert hazard.status == "found"


def test_the_list_says_overdue_in_words_next_to_the_red_and_next_to_the_deadline(xinhui_client, city):
    """ui.md: never colour alone — an overdue rectification reads "整改中 · 超时", not only red."""
    from datetime import timedelta

    target = InspectionTargetFactory(region=city["dazhe"])
    late = HazardFactory(target=target, status="rectifying", deadline=timezone.localdate() - timedelta(days=2))
    on_time = HazardFactory(target=target, status="rectifying", deadline=timezone.localdate() + timedelta(days=2))
    html = xinhui_client.get("/hazards/hazards/").content.decode()
    late_row = html[html.index(late.title) : html.index("</tr>", html.index(late.title))]
    on_time_row = html[html.index(on_time.title) : html.index("</tr>", html.index(on_time.title))]
    assert 'data-status="overdue">整改中 · 超时<' in late_row
    assert "超时" not in on_time_row and "text-bg-danger" not in on_time_row
    assert late_row.index('data-status="overdue"') < late_row.index(late.deadline.isoformat())


def test_the_major_hazard_plan_is_folded_on_a_new_ordinary_hazard_and_open_when_filled_or_major(city):
    """The remediation plan (six elements) is for major hazards: one line on the phone form until needed,
    never hidden once something is typed in it."""
    import re

    from django.template.loader import render_to_string

    from safecity.hazards.forms import HazardForm

    def plan_group(form):
        html = render_to_string("includes/form_fields.html", {"form": form})
        return re.search(r'<details class="mb-3 sc-folded"( open)? data-testid="folded-fieldset">', html)

    assert plan_group(HazardForm()).group(1) is None  # folded and closed
    target = InspectionTargetFactory(region=city["dazhe"])
    base = {"target": target.pk, "title": "灭火器过期", "found_at": "2026-03-01T09:00"}
    assert plan_group(HazardForm(data={**base, "level": "ordinary"})).group(1) is None
    assert plan_group(HazardForm(data={**base, "level": "major"})).group(1) == " open"
    assert plan_group(HazardForm(data={**base, "level": "ordinary", "plan_goals": "三日内清理"})).group(1) == " open"
    major = HazardFactory(target=target, level="major", plan_goals="拆除违建")
    assert plan_group(HazardForm(instance=major)).group(1) == " open"
