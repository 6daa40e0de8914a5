from datetime import date, timedelta

import pytest
from django.utils import timezone

from safecity.core.factories import OrganizationFactory
from safecity.core.testing import ScopedModelTests
from safecity.plans.choices import PlanStatus, PlanType
from safecity.plans.factories import ContingencyPlanFactory, DrillFactory
from safecity.plans.models import ContingencyPlan, add_months
from safecity.plans.views import ContingencyPlanViews


class TestContingencyPlan(ScopedModelTests):
    views = ContingencyPlanViews
    api_url = "/api/contingency-plans/"
    edit_change = ("title", "改过的预案")

    def marker(self, obj):
        return obj.title

    def make(self, city, region_key):
        return ContingencyPlanFactory(region=city[region_key])

    def form_data(self, city, region_key):
        return {
            "title": "防御台风应急预案",
            "plan_type": "special",
            "category": "natural_disaster",
            "region": city[region_key].pk,
            "owner": OrganizationFactory(region=city[region_key]).pk,
            "version": "2026版",
            "approved_on": "2026-04-01",
            "status": "in_force",
        }

    def import_table(self, city):
        OrganizationFactory(name="新会区应急管理局", region=city["xinhui"])
        OrganizationFactory(name="大泽镇人民政府", region=city["dazhe"])
        headers = ["预案名称", "预案类型", "事件类别", "区划代码", "编制单位", "版本", "批准日期", "状态"]
        rows = [
            [
                "新会区防御台风应急预案",
                "special",
                "natural_disaster",
                "440705000000",
                "新会区应急管理局",
                "2025版",
                "2025-05-01",
                "in_force",
            ],
            [
                "新会区突发事件总体应急预案",
                "总体应急预案",
                "",
                "440705",
                "新会区应急管理局",
                "2024版",
                "2024-03-15",
                "现行有效",
            ],
            [
                "大泽镇森林火灾应急预案",
                "special plan",
                "自然灾害",
                "440705101000",
                "大泽镇人民政府",
                "",
                "2023-10-09",
                "",
            ],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        from safecity.plans.forms import ContingencyPlanImportForm

        headers, rows = self.import_table(city)
        rows[1][4] = "台山市应急管理局"  # no such unit in a Xinhui user's area
        return headers, rows, 3, str(ContingencyPlanImportForm.base_fields["owner"].label)

    def api_data(self, city, region_key):
        return {
            "title": "森林火灾应急预案",
            "plan_type": "special",
            "category": "natural_disaster",
            "region": city[region_key].code,
            "owner": OrganizationFactory(region=city[region_key]).pk,
            "approved_on": "2025-01-10",
        }


def test_the_next_review_is_three_years_after_approval_unless_given(city):
    plan = ContingencyPlanFactory.build(region=city["xinhui"], approved_on=date(2024, 2, 29), next_review_on=None)
    plan.owner = OrganizationFactory(region=city["xinhui"])
    plan.full_clean()
    assert plan.next_review_on == date(2027, 2, 28)


def test_a_plan_is_made_at_city_county_or_town_level(city):
    plan = ContingencyPlanFactory.build(region=city["village"], owner=OrganizationFactory(region=city["village"]))
    with pytest.raises(Exception) as exc:
        plan.full_clean()
    assert "region" in exc.value.message_dict


def test_review_due_within_the_alert_window_and_only_in_force(city):
    today = timezone.localdate()
    due = ContingencyPlanFactory(
        region=city["xinhui"], next_review_on=today + timedelta(days=30), approved_on=today - timedelta(days=900)
    )
    later = ContingencyPlanFactory(
        region=city["xinhui"], next_review_on=today + timedelta(days=200), approved_on=today - timedelta(days=900)
    )
    retired = ContingencyPlanFactory(
        region=city["xinhui"], next_review_on=today, approved_on=today - timedelta(days=900), status=PlanStatus.RETIRED
    )
    assert due.review_due() and not later.review_due() and not retired.review_due()
    from safecity.plans.selectors import review_due_q

    assert list(ContingencyPlan.objects.filter(review_due_q())) == [due]


@pytest.mark.parametrize(
    ("plan_type", "months_ago", "flagged"),
    [
        (PlanType.SPECIAL, 30, False),  # special plans: at least once every 3 years
        (PlanType.SPECIAL, 37, True),
        (PlanType.ENTERPRISE, 11, False),  # enterprises: at least once a year
        (PlanType.ENTERPRISE, 13, True),
        (PlanType.ON_SITE, 7, True),  # on-site response plans: every six months
    ],
)
def test_a_plan_without_a_drill_within_its_interval_is_flagged(city, plan_type, months_ago, flagged):
    from safecity.plans.selectors import drill_overdue_q, with_last_drill

    today = timezone.localdate()
    plan = ContingencyPlanFactory(region=city["xinhui"], plan_type=plan_type, approved_on=add_months(today, -48))
    DrillFactory(region=city["xinhui"], plan=plan, held_on=add_months(today, -months_ago))
    annotated = with_last_drill(ContingencyPlan.objects.all()).get(pk=plan.pk)
    assert annotated.drill_overdue(annotated.last_drill_on) is flagged
    assert with_last_drill(ContingencyPlan.objects.all()).filter(drill_overdue_q()).exists() is flagged


def test_a_plan_never_drilled_but_approved_recently_is_not_flagged(city):
    plan = ContingencyPlanFactory(region=city["xinhui"], approved_on=timezone.localdate() - timedelta(days=30))
    assert not plan.drill_overdue(None)


def test_the_plan_page_shows_its_drills_and_the_last_drill_date(xinhui_client, city):
    plan = ContingencyPlanFactory(region=city["xinhui"], approved_on=date(2020, 1, 1), next_review_on=date(2030, 1, 1))
    DrillFactory(region=city["dazhe"], plan=plan, held_on=date(2025, 9, 1))
    DrillFactory(region=city["xinhui"], plan=plan, held_on=date(2026, 3, 1))
    page = xinhui_client.get(plan.get_absolute_url())
    assert page.context["last_drill_on"] == date(2026, 3, 1)
    assert page.context["drills"].paginator.count == 2


def test_the_plan_list_filters_plans_due_for_review(xinhui_client, city):
    today = timezone.localdate()
    due = ContingencyPlanFactory(region=city["xinhui"], approved_on=today - timedelta(days=1000), next_review_on=today)
    ContingencyPlanFactory(region=city["xinhui"], approved_on=today, next_review_on=today + timedelta(days=1000))
    page = xinhui_client.get("/plans/contingencyplans/", {"review_due": "true"})
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [due.pk]
    assert xinhui_client.get("/plans/review-due/").status_code == 302


def test_the_level_filter_starts_empty_and_filters_by_the_plans_region_level(xinhui_client, city):
    county_plan = ContingencyPlanFactory(region=city["xinhui"])
    town_plan = ContingencyPlanFactory(region=city["dazhe"])
    page = xinhui_client.get("/plans/contingencyplans/")
    assert page.context["filterset"].form["level"].value() in (None, "")
    assert page.context["table"].paginator.count == 2
    page = xinhui_client.get("/plans/contingencyplans/", {"level": "4"})
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [town_plan.pk]
    assert county_plan.level and town_plan.level != county_plan.level


def test_an_import_row_naming_a_unit_that_two_in_the_area_share_is_refused(xinhui_client, city):
    from safecity.core.testing import upload, xlsx_bytes

    OrganizationFactory(name="应急办", region=city["dazhe"])
    OrganizationFactory(name="应急办", region=city["huicheng"])
    headers = ["预案名称", "预案类型", "区划代码", "编制单位", "批准日期"]
    rows = [["镇级总体预案", "overall", "440705101000", "应急办", "2025-01-01"]]
    response = xinhui_client.post(
        "/plans/contingencyplans/import/", {"file": upload("p.xlsx", xlsx_bytes(headers, rows))}
    )
    assert response.status_code == 400
    assert any("应急办" in e.message for e in response.context["result"].errors)
    assert not ContingencyPlan.objects.exists()
