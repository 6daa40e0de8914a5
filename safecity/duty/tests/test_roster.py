"""Monthly roster import and export in the shape offices use: 日期, 带班领导, 值班人员, 值班电话."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from safecity.core.testing import upload, xlsx_bytes
from safecity.duty.models import Shift
from safecity.duty.roster import parse_date

from .factories import at, person, post_in, shift

HEADERS = ["日期", "带班领导", "值班人员", "值班电话"]


@pytest.fixture
def people(city):
    xinhui = city["xinhui"]
    return {
        "leader": person("wang-leader", xinhui, full_name="王建国"),
        "a": person("li-duty", xinhui, full_name="李明"),
        "b": person("zhao-duty", xinhui, full_name="赵丽"),
        "c": person("chen-duty", xinhui, full_name="陈刚"),
    }


def _import(client, post, rows, headers=HEADERS, **extra):
    url = f"/duty/dutyposts/{post.pk}/roster/import/"
    return client.post(url, {"file": upload("roster.xlsx", xlsx_bytes(headers, rows)), **extra})


def test_a_valid_month_is_previewed_then_imported_as_standard_shifts(xinhui_client, post, people):
    rows = [
        ["2026-12-01", "王建国", "李明、赵丽", "0750-6601234"],
        ["2026/12/2", "王建国", "陈刚,李明", ""],
        ["2026年12月3日（星期四）", "", "赵丽，陈刚", ""],
    ]
    preview = _import(xinhui_client, post, rows)
    assert preview.status_code == 200, [(e.row, e.field, e.message) for e in preview.context["result"].errors]
    assert Shift.objects.count() == 0, "the preview must not write"
    done = xinhui_client.post(f"/duty/dutyposts/{post.pk}/roster/import/", {"token": preview.context["token"]})
    assert done.status_code == 302 and done.url.endswith("?month=2026-12")
    shifts = list(Shift.objects.order_by("starts_at"))
    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (at("2026-12-01 08:30"), at("2026-12-02 08:30")),
        (at("2026-12-02 08:30"), at("2026-12-03 08:30")),
        (at("2026-12-03 08:30"), at("2026-12-04 08:30")),
    ]
    assert shifts[0].leader == people["leader"] and shifts[2].leader is None
    assert set(shifts[0].officers.all()) == {people["a"], people["b"]}
    assert set(shifts[1].officers.all()) == {people["c"], people["a"]}
    assert shifts[0].phone == "0750-6601234"
    assert shifts[0].history.get().history_change_reason == "import"
    assert set(shifts[0].history.get().officers.values_list("user_id", flat=True)) == {people["a"].pk, people["b"].pk}


def test_a_bad_date_is_rejected_naming_the_row_and_nothing_is_imported(xinhui_client, post, people):
    rows = [
        ["2026-12-01", "王建国", "李明", ""],
        ["2026-12-32", "王建国", "赵丽", ""],
        ["2026-12-03", "王建国", "陈刚", ""],
    ]
    response = _import(xinhui_client, post, rows)
    assert response.status_code == 400
    errors = {(e.row, e.field) for e in response.context["result"].errors}
    assert errors == {(3, "日期")}
    assert "token" not in response.context
    assert Shift.objects.count() == 0
    assert "第 3 行" in response.content.decode() or "Row 3" in response.content.decode()


def test_an_unknown_person_is_rejected_naming_the_row_and_column_and_nothing_is_imported(xinhui_client, post, people):
    rows = [
        ["2026-12-01", "王建国", "李明", ""],
        ["2026-12-02", "王建国", "李明、张无名", ""],
    ]
    response = _import(xinhui_client, post, rows)
    assert response.status_code == 400
    [error] = response.context["result"].errors
    assert (error.row, error.field) == (3, "值班人员")
    assert "张无名" in error.message
    assert Shift.objects.count() == 0


def test_someone_outside_the_importers_area_is_unknown(xinhui_client, post, people, city):
    person("taishan-duty", city["taishan"], full_name="台山人")
    response = _import(xinhui_client, post, [["2026-12-01", "台山人", "李明", ""]])
    assert [(e.row, e.field) for e in response.context["result"].errors] == [(2, "带班领导")]


def test_a_shared_name_is_ambiguous_until_the_username_is_given(xinhui_client, post, people, city):
    person("li-duty-2", city["xinhui"], full_name="李明")
    response = _import(xinhui_client, post, [["2026-12-01", "王建国", "李明", ""]])
    [error] = response.context["result"].errors
    assert "li-duty" in error.message and "li-duty-2" in error.message
    response = _import(xinhui_client, post, [["2026-12-01", "王建国", "李明（li-duty-2）", ""]])
    assert response.status_code == 200
    assert response.context["result"].rows[0].officers == [person("li-duty-2", city["xinhui"])]


def test_a_day_already_on_the_roster_is_an_error_unless_replacing(xinhui_client, post, people):
    old = shift(post, at("2026-12-01 08:30"), leader=people["leader"], officers=[people["a"]])
    rows = [["2026-12-01", "王建国", "赵丽", ""]]
    refused = _import(xinhui_client, post, rows)
    assert [(e.row, e.field) for e in refused.context["result"].errors] == [(2, "日期")]
    preview = _import(xinhui_client, post, rows, replace="on")
    assert preview.status_code == 200
    xinhui_client.post(f"/duty/dutyposts/{post.pk}/roster/import/", {"token": preview.context["token"]})
    old.refresh_from_db()
    assert old.archived_at is not None
    current = Shift.objects.get(archived_at__isnull=True)
    assert list(current.officers.all()) == [people["b"]]


def test_missing_columns_are_named(xinhui_client, post, people):
    response = _import(xinhui_client, post, [["2026-12-01", "李明"]], headers=["日期", "值班人员"])
    assert response.status_code == 400
    assert response.context["result"].missing_columns == ["带班领导"]


def test_another_countys_roster_cannot_be_imported(client, taishan_user, post):
    client.force_login(taishan_user)
    assert client.get(f"/duty/dutyposts/{post.pk}/roster/import/").status_code == 404
    assert _import(client, post, [["2026-12-01", "", "x", ""]]).status_code == 404


def test_the_export_has_the_same_shape_and_imports_again(xinhui_client, post, people, city):
    shift(post, at("2026-12-01 08:30"), leader=people["leader"], officers=[people["a"], people["b"]])
    shift(post, at("2026-12-02 08:30"), officers=[people["c"]])
    shift(post, at("2027-01-01 08:30"), officers=[people["c"]])  # next month: not in December's file
    response = xinhui_client.get(f"/duty/dutyposts/{post.pk}/roster/export/", {"month": "2026-12"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert [r[0].date() for r in rows[1:]] == [date(2026, 12, 1), date(2026, 12, 2)]
    assert rows[1][1:3] == ["王建国", "李明、赵丽"]
    other = post_in(city["xinhui"], name="新会区第二值班室")
    again = xinhui_client.post(
        f"/duty/dutyposts/{other.pk}/roster/import/", {"file": upload("r.xlsx", response.content)}
    )
    assert again.status_code == 200, again.context["result"].errors
    assert [set(r.officers) for r in again.context["result"].rows] == [{people["a"], people["b"]}, {people["c"]}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("2026-12-01（星期二）", date(2026, 12, 1)),
        ("20261201", date(2026, 12, 1)),
        ("46357", date(2026, 12, 1)),
    ],
)
def test_dates_are_read_as_offices_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "12月1日", "明天", "2026-13-01"])
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
