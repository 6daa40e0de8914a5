"""The four earlies: intervals per case, median and 90th percentile per county and ISO week (hand-computed),
limits at their boundary, missing and inconsistent times, breaches listed, the county's own cases only,
the XLSX export and the dashboard number."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safecity.epidemic.models import Case, Disease
from safecity.quarantine.factories import make_person
from safecity.surveillance import rules, selectors

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
# Monday 2026-05-04 is the first day of ISO week 2026-W19.
MONDAY = datetime(2026, 5, 4, 10, 0, tzinfo=SHANGHAI)
_numbers = iter(range(1, 100_000))


@pytest.fixture
def flu(db):
    return Disease.objects.create(code="influenza-t", name="流感（测试）", notifiable_class="C")


def case(region, disease, *, detected=None, report_after=None, isolate_after=None, onset=None, treat_after=None,
         classification="confirmed"):  # fmt: skip
    """A case whose times are given as hours after detection / report / onset."""
    n = next(_numbers)
    detected = detected or MONDAY
    reported = detected + timedelta(hours=report_after) if report_after is not None else None
    isolated = reported + timedelta(hours=isolate_after) if reported is not None and isolate_after is not None else None
    treated = onset + timedelta(hours=treat_after) if onset is not None and treat_after is not None else None
    return Case.objects.create(
        number=f"T{n:05d}",
        person=make_person(region, sequence=n),
        disease=disease,
        classification=classification,
        source="fever_clinic",
        region=region,
        detected_at=detected,
        reported_at=reported,
        isolated_at=isolated,
        onset_at=onset,
        treated_at=treated,
    )


def test_percentile_interpolates_between_closest_ranks_like_percentile_cont():
    assert selectors.percentile([], 0.5) is None
    assert selectors.percentile([5.0], 0.5) == 5.0 and selectors.percentile([5.0], 0.9) == 5.0
    assert selectors.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert selectors.percentile([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)
    assert selectors.percentile([0.0, 10.0], 0.9) == pytest.approx(9.0)
    assert selectors.percentile([float(x) for x in range(1, 11)], 0.5) == 5.5
    assert selectors.percentile([float(x) for x in range(1, 11)], 0.9) == pytest.approx(9.1)


def test_median_and_p90_per_county_and_week_are_the_hand_computed_figures(city, flu):
    for hours in (1, 2, 3, 4):  # detection → report, Xinhui, week 19
        case(city["dazhe"], flu, report_after=hours, isolate_after=hours * 2)
    case(city["dajiang"], flu, report_after=10, isolate_after=1)  # Taishan, week 19
    case(city["dazhe"], flu, detected=MONDAY + timedelta(days=7), report_after=0.5)  # Xinhui, week 20
    result = selectors.four_earlies(
        Case.objects.all(), start=MONDAY.date() - timedelta(days=1), end=MONDAY.date() + timedelta(days=13)
    )
    rows = {(g.county, g.week): g for g in result.rows}
    xinhui = rows[("440705000000", "2026-W19")]
    assert xinhui.cases == 4
    assert xinhui.stats["report"].median == 2.5
    assert xinhui.stats["report"].p90 == pytest.approx(3.7)
    assert xinhui.stats["isolation"].median == 5.0  # 2, 4, 6, 8
    assert xinhui.stats["isolation"].p90 == pytest.approx(7.4)
    assert xinhui.stats["report"].breaches == 2  # 3 h and 4 h > 2 h; 2 h is within the limit
    assert xinhui.stats["treatment"].missing == 4  # no onset or treatment recorded
    assert rows[("440781000000", "2026-W19")].stats["report"].median == 10.0
    assert rows[("440705000000", "2026-W20")].stats["report"].median == 0.5
    assert [g.week for g in result.weeks] == ["2026-W19", "2026-W20"]
    assert result.weeks[0].stats["report"].median == 3.0  # 1, 2, 3, 4, 10
    assert result.total.cases == 6


def test_a_limit_is_kept_at_exactly_its_value_and_breached_one_minute_after(city, flu):
    limit = rules.limits()["report"]
    on_time = case(city["dazhe"], flu, report_after=limit)
    late = case(city["dazhe"], flu, report_after=limit + 1 / 60)
    result = selectors.four_earlies(Case.objects.all(), start=MONDAY.date(), end=MONDAY.date())
    assert [c.pk for c in result.breaches] == [late.pk]
    assert on_time.pk not in {c.pk for c in result.breaches}
    assert result.breaches[0].breaches == ["report"]


def test_the_week_is_the_iso_week_of_the_report_in_shanghai_time(city, flu):
    sunday_night = datetime(2026, 5, 10, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, still week 19 locally
    case(city["dazhe"], flu, detected=sunday_night - timedelta(hours=1), report_after=1)
    case(city["dazhe"], flu, detected=sunday_night, report_after=1)  # reported Monday 00:30 → week 20
    result = selectors.four_earlies(Case.objects.all(), start=MONDAY.date(), end=MONDAY.date() + timedelta(days=7))
    assert {(g.week, g.cases) for g in result.rows} == {("2026-W19", 1), ("2026-W20", 1)}


def test_missing_times_are_not_recorded_and_a_report_before_detection_is_inconsistent(city, flu):
    case(city["dazhe"], flu)  # detected only
    case(city["dazhe"], flu, report_after=-3, isolate_after=1)  # reported 3 h before detection
    case(city["dazhe"], flu, report_after=1, onset=MONDAY - timedelta(days=2), treat_after=60)
    result = selectors.four_earlies(Case.objects.all(), start=MONDAY.date() - timedelta(days=3), end=MONDAY.date())
    stats = result.total.stats
    assert (stats["report"].recorded, stats["report"].missing, stats["report"].inconsistent) == (1, 1, 1)
    assert stats["report"].median == 1.0
    assert (stats["treatment"].recorded, stats["treatment"].breaches) == (1, 1)  # 60 h > 48 h
    assert (stats["isolation"].recorded, stats["isolation"].missing) == (1, 2)


def test_ruled_out_cases_other_diseases_and_other_periods_are_left_out(city, flu):
    dengue = Disease.objects.create(code="dengue-t", name="登革热（测试）")
    case(city["dazhe"], flu, report_after=5)
    case(city["dazhe"], flu, report_after=5, classification="excluded")
    case(city["dazhe"], dengue, report_after=5)
    case(city["dazhe"], flu, detected=MONDAY - timedelta(days=30), report_after=5)
    result = selectors.four_earlies(Case.objects.all(), disease=flu, start=MONDAY.date(), end=MONDAY.date())
    assert result.total.cases == 1


def test_limits_are_configurable_in_settings_globally_and_per_disease(settings, city, flu):
    settings.SAFECITY = {**settings.SAFECITY, "FOUR_EARLIES_HOURS": {"report": 4, "influenza-t": {"report": 6}}}
    assert rules.limits()["report"] == 4.0
    assert rules.limits("influenza-t")["report"] == 6.0
    assert rules.limits("other")["isolation"] == 12.0
    case(city["dazhe"], flu, report_after=5)
    assert selectors.four_earlies(Case.objects.all(), start=MONDAY.date(), end=MONDAY.date()).breaches == []


def test_the_database_breach_count_agrees_with_the_computed_list(city, flu):
    for hours in (0.5, 2, 2.5, 30):
        case(city["dazhe"], flu, report_after=1, isolate_after=hours)
    case(city["dazhe"], flu, report_after=3, onset=MONDAY - timedelta(days=1), treat_after=10)
    case(city["dazhe"], flu, report_after=-1)
    computed = selectors.four_earlies(Case.objects.all(), start=MONDAY.date(), end=MONDAY.date()).breaches
    assert len(computed) == 2
    assert selectors.breach_count(Case.objects.all(), since=MONDAY.date()) == 2


def test_a_county_user_sees_only_their_countys_cases_on_the_page_and_in_the_export(xinhui_client, city, flu):
    mine = case(city["dazhe"], flu, report_after=9)
    theirs = case(city["dajiang"], flu, report_after=9)
    query = {"start": "2026-05-01", "end": "2026-05-31"}
    page = xinhui_client.get("/surveillance/four-earlies/", query)
    assert page.status_code == 200
    body = page.content.decode()
    assert mine.number in body and theirs.number not in body
    assert f'href="{mine.get_absolute_url()}"' in body  # the breach links to the case page
    assert [r["county"] for r in page.context["rows"]] == ["新会区"]
    assert 'data-testid="chart-report"' in body
    export = xinhui_client.get("/surveillance/four-earlies/", {**query, "_export": "xlsx"})
    workbook = load_workbook(io.BytesIO(export.content))
    text = "\n".join(
        " ".join(str(c) for c in row if c is not None)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
    )
    assert mine.number in text and theirs.number not in text
    assert mine.person.name not in text and mine.person.id_number not in text


def test_the_page_refuses_an_end_before_the_start_and_needs_the_case_permission(client, xinhui_client, city):
    response = xinhui_client.get("/surveillance/four-earlies/", {"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    from safecity.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x-Pass-2026!")
    client.force_login(nobody)
    assert client.get("/surveillance/four-earlies/").status_code == 403


def test_the_dashboard_counts_breaches_of_the_last_weeks(xinhui_user, city, flu):
    from safecity.core.dashboard import stats_for

    now = timezone.now()
    case(city["dazhe"], flu, detected=now - timedelta(days=2), report_after=5)
    case(city["dajiang"], flu, detected=now - timedelta(days=2), report_after=5)
    values = [s.value for g in stats_for(xinhui_user) for s in g["stats"] if "four-earlies" in s.url]
    assert values == [1]


def test_ten_thousand_cases_are_computed_in_well_under_a_second(city, flu):
    import time

    from safecity.epidemic.models import Person

    region = city["dazhe"]
    people = Person.objects.bulk_create(
        [Person(region=region, name=f"批量{i}", id_number="") for i in range(10_000)], batch_size=2000
    )
    Case.objects.bulk_create(
        [
            Case(
                number=f"B{i:05d}",
                person=p,
                disease=flu,
                classification="confirmed",
                source="screening",
                region=region,
                detected_at=MONDAY + timedelta(minutes=i),
                reported_at=MONDAY + timedelta(minutes=i + i % 300),
                isolated_at=MONDAY + timedelta(minutes=i + i % 300 + 600),
                onset_at=MONDAY - timedelta(hours=30),
                treated_at=MONDAY + timedelta(minutes=i),
            )
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    result = selectors.four_earlies(Case.objects.all(), start=MONDAY.date(), end=MONDAY.date() + timedelta(days=14))
    elapsed = time.perf_counter() - started
    assert result.total.cases == 10_000
    assert elapsed < 3.0, elapsed  # about 0.1 s on an idle laptop; generous for a loaded CI machine
