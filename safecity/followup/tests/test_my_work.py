"""The grid worker's "My work" counts are the today page's and the overdue page's, in one query."""

from datetime import timedelta

from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.followup import selectors, services
from safecity.followup.choices import FollowUpResult
from safecity.followup.factories import make_plan, system_actor
from safecity.followup.models import ManagementPlan


def test_my_followup_counts_agree_with_the_today_page_and_the_overdue_flags(city, django_assert_num_queries):
    worker = make_user("gw-wuhe", Role.GRID_WORKER, city["village"].code)
    other = make_user("gw-taishan", Role.GRID_WORKER, city["taishan_village"].code)
    today = timezone.localdate()
    fresh = make_plan(region=city["village"], start=today)
    behind = make_plan(region=city["village"], start=today - timedelta(days=3))
    caught_up = make_plan(region=city["village"], start=today - timedelta(days=1))
    ended = make_plan(region=city["village"], start=today - timedelta(days=40))  # past its last day, days missed
    make_plan(region=city["taishan_village"], start=today)  # another worker's, another county
    actor = system_actor()
    services.followup_record(actor=actor, plan=fresh, result=FollowUpResult.WELL)
    services.followup_record(actor=actor, plan=caught_up, day=today - timedelta(days=1), result=FollowUpResult.WELL)
    services.followup_record(actor=actor, plan=behind, day=today - timedelta(days=2), result=FollowUpResult.WELL)
    assert {p.assigned_to for p in (fresh, behind, caught_up, ended)} == {worker}

    selectors.my_followup_counts(worker)  # the user's permissions and scopes are read once per request
    with django_assert_num_queries(1):
        due, late = selectors.my_followup_counts(worker)
    rows = selectors.due_today(worker)
    assert due == sum(1 for r in rows if r.followup is None) == 2  # behind and caught_up
    flagged = {
        f.plan.pk
        for f in selectors.flags(ManagementPlan.objects.restrict(worker, "view").filter(assigned_to=worker))
        if f.kind == "followup"
    }
    assert late == len(flagged) == 2 and flagged == {behind.pk, ended.pk}
    assert selectors.my_followup_counts(other) == (1, 0)
