"""Imports: every row validated with the model's form, errors named by row and column, all or nothing."""

import pytest

from safecity.core.importers import ImportFileError, read_table
from safecity.core.testing import upload, xlsx_bytes
from safecity.orgs.models import Organization

URL = "/orgs/organizations/import/"
HEADERS = ["名称", "类型", "区划代码", "负责人电话"]


def test_csv_written_by_chinese_excel_in_gb18030_is_read():
    data = "名称,类型,区划代码\n大泽五金厂,enterprise,440705101000\n".encode("gb18030")
    headers, rows = read_table(data, "单位.csv")
    assert headers == ["名称", "类型", "区划代码"]
    assert rows == [["大泽五金厂", "enterprise", "440705101000"]]


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="xlsx"):
        read_table(b"%PDF-1.4", "list.pdf")


def test_a_broken_xlsx_is_refused_with_a_message():
    with pytest.raises(ImportFileError, match="Excel"):
        read_table(b"not a zip file", "list.xlsx")


def test_region_codes_typed_as_numbers_in_excel_are_read_as_codes():
    _headers, rows = read_table(xlsx_bytes(["区划代码"], [[440705101000]]), "a.xlsx")
    assert rows == [["440705101000"]]


def test_missing_required_column_is_reported_and_nothing_imported(xinhui_client):
    data = xlsx_bytes(["名称", "负责人电话"], [["甲单位", "13800138000"]])
    response = xinhui_client.post(URL, {"file": upload("a.xlsx", data)})
    assert response.status_code == 400
    assert "区划代码" in response.context["result"].missing_columns
    assert Organization.objects.count() == 0


def test_the_same_record_twice_in_one_file_names_the_repeated_row(xinhui_client):
    rows = [["甲单位", "enterprise", "440705101000", ""], ["甲单位", "enterprise", "440705101000", ""]]
    response = xinhui_client.post(URL, {"file": upload("a.xlsx", xlsx_bytes(HEADERS, rows))})
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.row, e.message) for e in errors] == [(3, "与第 2 行重复")]
    assert Organization.objects.count() == 0


def test_bad_phone_and_unknown_region_are_both_reported_with_row_and_column(xinhui_client):
    rows = [
        ["甲单位", "enterprise", "440705101000", "12345"],
        ["乙单位", "enterprise", "440799999000", ""],
    ]
    response = xinhui_client.post(URL, {"file": upload("a.xlsx", xlsx_bytes(HEADERS, rows))})
    found = {(e.row, e.field) for e in response.context["result"].errors}
    assert found == {(2, "负责人电话"), (3, "区划代码")}
    assert "440799999000" in response.content.decode()
    assert Organization.objects.count() == 0


def test_an_oversized_file_is_refused_before_reading(xinhui_client, settings):
    settings.SAFECITY = {**settings.SAFECITY, "IMPORT_MAX_BYTES": 100}
    response = xinhui_client.post(URL, {"file": upload("a.csv", b"x" * 200)})
    assert response.status_code == 400
    assert response.context["file_error"]


def test_the_import_template_lists_the_columns(xinhui_client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = xinhui_client.get(URL, {"template": "1"})
    header = next(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "名称*" in header and "区划代码*" in header


def test_a_preview_token_cannot_be_used_by_another_user(client, xinhui_user, city):
    from safecity.accounts.roles import Role
    from safecity.core.factories import make_user

    client.force_login(xinhui_user)
    rows = [["甲单位", "enterprise", "440705101000", ""]]
    preview = client.post(URL, {"file": upload("a.xlsx", xlsx_bytes(HEADERS, rows))})
    token = preview.context["token"]
    other = make_user("other-xinhui", Role.COUNTY_STAFF, city["xinhui"].code)
    client.force_login(other)
    response = client.post(URL, {"token": token})
    assert response.status_code == 302
    assert Organization.objects.count() == 0


def test_an_import_records_history_and_the_importing_user(xinhui_client, xinhui_user):
    rows = [["甲单位", "enterprise", "440705101000", ""], ["乙单位", "enterprise", "440705101201", ""]]
    preview = xinhui_client.post(URL, {"file": upload("a.xlsx", xlsx_bytes(HEADERS, rows))})
    xinhui_client.post(URL, {"token": preview.context["token"]})
    for org in Organization.objects.all():
        assert org.created_by == xinhui_user
        assert org.history.get().history_user == xinhui_user


def test_the_import_command_checks_then_commits_with_the_same_rules(tmp_path, xinhui_user, city):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "units.xlsx"
    good.write_bytes(xlsx_bytes(HEADERS, [["甲单位", "enterprise", "440705101000", ""]]))
    call_command("import_records", "orgs.organization", str(good), "--user", "county-xinhui")
    assert Organization.objects.count() == 0
    call_command("import_records", "orgs.organization", str(good), "--user", "county-xinhui", "--commit")
    assert Organization.objects.get().created_by == xinhui_user
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(HEADERS, [["乙单位", "enterprise", "440781100000", ""]]))
    with pytest.raises(CommandError, match="1 errors"):
        call_command("import_records", "orgs.organization", str(bad), "--user", "county-xinhui", "--commit")
    assert Organization.objects.count() == 1


def test_a_row_that_already_exists_in_the_database_is_named_without_a_query_per_row(xinhui_client, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safecity.core.factories import OrganizationFactory

    OrganizationFactory(region=city["dazhe"], name="已有单位")
    rows = [[f"新单位{i}", "enterprise", "440705101000", ""] for i in range(40)] + [
        ["已有单位", "enterprise", "440705101000", ""]
    ]
    with CaptureQueriesContext(connection) as queries:
        response = xinhui_client.post(URL, {"file": upload("a.xlsx", xlsx_bytes(HEADERS, rows))})
    assert [(e.row, e.message) for e in response.context["result"].errors] == [(42, "已存在")]
    assert len(queries) < 30, len(queries)
    assert Organization.objects.count() == 1
