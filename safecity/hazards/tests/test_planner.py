"""The cross-inspection planner: never a team's own county, every target assigned or reported."""

from hypothesis import given, settings
from hypothesis import strategies as st

from safecity.hazards.planner import (
    NO_COUNTY,
    NO_TEAM_FROM_ANOTHER_COUNTY,
    PlanTarget,
    PlanTeam,
    balance_limit,
    plan_cross_inspection,
)

COUNTIES = ["440703", "440704", "440705", "440781", "440783"]

targets_strategy = st.lists(st.tuples(st.sampled_from([*COUNTIES, ""]), st.integers(0, 3)), max_size=60).map(
    lambda rows: [PlanTarget(id=i, county=c, town=f"{c}{t:03d}" if c else "") for i, (c, t) in enumerate(rows)]
)
teams_strategy = st.lists(st.sampled_from(COUNTIES), max_size=6).map(
    lambda rows: [PlanTeam(id=100 + i, county=c) for i, c in enumerate(rows)]
)


@settings(max_examples=300, deadline=None)
@given(targets=targets_strategy, teams=teams_strategy, data=st.data())
def test_never_own_county_and_every_target_assigned_or_reported(targets, teams, data):
    keep = {}
    if targets and teams:
        keep = data.draw(
            st.dictionaries(st.sampled_from([t.id for t in targets]), st.sampled_from([t.id for t in teams]))
        )
    plan = plan_cross_inspection(targets, teams, keep=keep)
    team_county = {t.id: t.county for t in teams}
    by_id = {t.id: t for t in targets}
    # Never a team from the target's own county.
    for target_id, team_id in plan.assignments.items():
        assert team_county[team_id] != by_id[target_id].county
    # Every target is either assigned or reported, never both.
    assert set(plan.assignments) | set(plan.unassigned) == set(by_id)
    assert not set(plan.assignments) & set(plan.unassigned)
    # Whatever is reported really had no team from another county (or no county at all).
    for target_id, reason in plan.unassigned.items():
        county = by_id[target_id].county
        if reason == NO_COUNTY:
            assert county == ""
        else:
            assert reason == NO_TEAM_FROM_ANOTHER_COUNTY
            assert all(team.county == county for team in teams)
    # Valid kept assignments are kept (re-planning keeps inspections already done).
    for target_id, team_id in keep.items():
        if by_id[target_id].county and team_county[team_id] != by_id[target_id].county:
            assert plan.assignments[target_id] == team_id


@settings(max_examples=200, deadline=None)
@given(targets=targets_strategy)
def test_with_a_team_from_every_county_the_load_is_balanced(targets):
    teams = [PlanTeam(id=100 + i, county=c) for i, c in enumerate(COUNTIES)]
    plan = plan_cross_inspection(targets, teams)
    load = plan.load()
    # Each target has every team but its own county's to choose from.
    limit = balance_limit(len(plan.assignments), len(teams) - 1)
    assert all(n <= limit for n in load.values()), load


def test_a_town_stays_with_one_team_when_the_balance_allows():
    targets = [PlanTarget(id=i, county="440705", town="440705101") for i in range(4)]
    targets += [PlanTarget(id=10 + i, county="440781", town="440781100") for i in range(4)]
    teams = [PlanTeam(id=1, county="440705"), PlanTeam(id=2, county="440781"), PlanTeam(id=3, county="440783")]
    plan = plan_cross_inspection(targets, teams)
    assert len({plan.assignments[i] for i in range(4)}) == 1
    assert len({plan.assignments[10 + i] for i in range(4)}) == 1
    assert plan.assignments[0] != 1 and plan.assignments[10] != 2


def test_the_only_teams_from_the_targets_own_county_leave_it_reported():
    plan = plan_cross_inspection([PlanTarget(id=1, county="440705")], [PlanTeam(id=9, county="440705")])
    assert plan.assignments == {} and plan.unassigned == {1: NO_TEAM_FROM_ANOTHER_COUNTY}
