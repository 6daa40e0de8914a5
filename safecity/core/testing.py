"""Shared test mixins: a model's test class inherits CRUD, export, import, history and scope tests.

Usage (see ``safecity/orgs/tests/test_organization.py``)::

    class TestOrganization(ScopedModelTests):
        views = OrganizationViews
        api_url = "/api/organizations/"

        def make(self, city, region_key): ...          # one saved record in city[region_key]
        def form_data(self, city, region_key): ...     # valid page-form data placing it there
        def api_data(self, city, region_key): ...      # valid API payload placing it there
        def import_table(self, city): ...              # (headers, rows) of a valid import
        def import_table_with_bad_row(self, city): ... # (headers, rows, row_number, column label)

The acting user works in Xinhui (``440705``); Taishan (``440781``) is "another county".
A meta-test fails when an ``ObjectViews`` bundle has no test class here.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safecity.accounts.roles import Role

from .factories import make_user
from .views import ObjectViews

IN_SCOPE = "xinhui"
OUT_OF_SCOPE = "taishan"


def xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


class ScopedModelTests:
    """Behaviour every scoped model guarantees. Subclasses declare how to make records."""

    views: type[ObjectViews]
    api_url: str = ""
    api_writable: bool = True
    actor_role: str = Role.COUNTY_STAFF
    #: Field whose change the history test looks for: (form field name, new value).
    edit_change: tuple[str, str] = ("name", "改过的名称")

    # ---- to implement -------------------------------------------------------------------------
    def make(self, city, region_key: str):
        raise NotImplementedError

    def form_data(self, city, region_key: str) -> dict:
        raise NotImplementedError

    def api_data(self, city, region_key: str) -> dict:
        raise NotImplementedError

    def import_table(self, city) -> tuple[list[str], list[list]]:
        raise NotImplementedError

    def import_table_with_bad_row(self, city) -> tuple[list[str], list[list], int, str]:
        raise NotImplementedError

    def marker(self, obj) -> str:
        """Text that identifies ``obj`` in an export (default: ``str(obj)``)."""
        return str(obj)

    # ---- helpers -------------------------------------------------------------------------------
    @pytest.fixture
    def actor(self, city):
        return make_user("actor", self.actor_role, city[IN_SCOPE].code, full_name="测试员")

    @pytest.fixture
    def actor_client(self, client, actor):
        client.force_login(actor)
        return client

    def url(self, action: str, **kwargs) -> str:
        opts = self.views.model._meta
        return reverse(f"{opts.app_label}:{opts.model_name}_{action}", kwargs=kwargs or None)

    def count(self) -> int:
        return self.views.model._default_manager.count()

    # ---- reads ---------------------------------------------------------------------------------
    def test_list_shows_only_records_in_the_users_scope(self, actor_client, city):
        mine, theirs = self.make(city, IN_SCOPE), self.make(city, OUT_OF_SCOPE)
        response = actor_client.get(self.url("list"), {"per_page": 200})
        assert response.status_code == 200
        pks = {row.record.pk for row in response.context["table"].paginated_rows}
        assert mine.pk in pks
        assert theirs.pk not in pks

    def test_detail_in_scope_opens_and_another_countys_record_is_404(self, actor_client, city):
        mine, theirs = self.make(city, IN_SCOPE), self.make(city, OUT_OF_SCOPE)
        assert actor_client.get(self.url("detail", pk=mine.pk)).status_code == 200
        for action in ("detail", "history", "edit", "archive"):
            if action in self.views.actions:
                assert actor_client.get(self.url(action, pk=theirs.pk)).status_code == 404, action

    def test_list_query_count_does_not_grow_with_rows(self, actor_client, city):
        self.make(city, IN_SCOPE)
        with CaptureQueriesContext(connection) as few:
            actor_client.get(self.url("list"))
        for _ in range(12):
            self.make(city, IN_SCOPE)
        with CaptureQueriesContext(connection) as many:
            actor_client.get(self.url("list"))
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

    # ---- writes through pages ------------------------------------------------------------------
    def test_create_through_the_page_is_saved_with_author_and_history(self, actor_client, actor, city):
        if "add" not in self.views.actions:
            pytest.skip("no add page")
        before = self.count()
        response = actor_client.post(self.url("add"), self.form_data(city, IN_SCOPE))
        assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].errors
        assert self.count() == before + 1
        obj = self.views.model._default_manager.order_by("-pk").first()
        assert obj.history.count() == 1
        assert obj.history.first().history_user == actor

    def test_create_through_the_page_outside_scope_is_refused_and_writes_nothing(self, actor_client, city):
        if "add" not in self.views.actions:
            pytest.skip("no add page")
        before = self.count()
        response = actor_client.post(self.url("add"), self.form_data(city, OUT_OF_SCOPE))
        assert response.status_code == 400
        forms = response.context.get("forms") or [response.context["form"]]
        assert any(form.errors for form in forms)
        assert self.count() == before

    def test_edit_is_recorded_in_history_with_old_and_new_value(self, actor_client, city):
        obj = self.make(city, IN_SCOPE)
        data = self.form_data(city, IN_SCOPE)
        field, value = self.edit_change
        data[field] = value
        response = actor_client.post(self.url("edit", pk=obj.pk), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        page = actor_client.get(self.url("history", pk=obj.pk))
        assert page.status_code == 200
        changes = [c for entry in page.context["entries"] for c in entry["changes"]]
        assert any(new == value for _label, _old, new in changes), changes

    def test_archive_hides_from_the_list_but_keeps_the_record(self, actor_client, city):
        obj = self.make(city, IN_SCOPE)
        response = actor_client.post(self.url("archive", pk=obj.pk), {"reason": "测试"})
        assert response.status_code == 302
        obj.refresh_from_db()
        assert obj.archived_at is not None
        listed = actor_client.get(self.url("list"), {"per_page": 200})
        assert obj.pk not in {row.record.pk for row in listed.context["table"].paginated_rows}
        assert actor_client.get(self.url("detail", pk=obj.pk)).status_code == 200

    # ---- export ----------------------------------------------------------------------------------
    def test_xlsx_export_contains_only_records_in_scope(self, actor_client, city):
        mine, theirs = self.make(city, IN_SCOPE), self.make(city, OUT_OF_SCOPE)
        response = actor_client.get(self.url("list"), {"_export": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
        assert self.marker(mine) in text
        assert self.marker(theirs) not in text

    def test_csv_export_has_a_header_and_one_line_per_record(self, actor_client, city):
        self.make(city, IN_SCOPE)
        self.make(city, IN_SCOPE)
        response = actor_client.get(self.url("list"), {"_export": "csv"})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        visible = self.views.model._default_manager.restrict(response.wsgi_request.user, "view")
        if hasattr(self.views.model, "archived_at"):
            visible = visible.filter(archived_at__isnull=True)
        assert len(rows) == 1 + visible.count()

    # ---- import ----------------------------------------------------------------------------------
    def test_import_of_a_valid_file_creates_every_row_after_preview(self, actor_client, city):
        if self.views.import_form is None:
            pytest.skip("no import")
        headers, rows = self.import_table(city)
        before = self.count()
        preview = actor_client.post(self.url("import"), {"file": upload("rows.xlsx", xlsx_bytes(headers, rows))})
        assert preview.status_code == 200, [(e.row, e.field, e.message) for e in preview.context["result"].errors]
        assert self.count() == before, "the preview must not write"
        done = actor_client.post(self.url("import"), {"token": preview.context["token"]})
        assert done.status_code == 302
        assert self.count() == before + len(rows)

    def test_import_with_one_bad_row_names_row_and_column_and_imports_nothing(self, actor_client, city):
        if self.views.import_form is None:
            pytest.skip("no import")
        headers, rows, bad_row, bad_column = self.import_table_with_bad_row(city)
        before = self.count()
        response = actor_client.post(self.url("import"), {"file": upload("rows.xlsx", xlsx_bytes(headers, rows))})
        assert response.status_code == 400
        errors = response.context["result"].errors
        assert (bad_row, bad_column) in {(e.row, e.field) for e in errors}, errors
        assert "token" not in response.context
        assert self.count() == before

    # ---- API -------------------------------------------------------------------------------------
    def test_api_lists_only_records_in_scope_and_another_countys_is_404(self, actor_client, city):
        if not self.api_url:
            pytest.skip("no API")
        mine, theirs = self.make(city, IN_SCOPE), self.make(city, OUT_OF_SCOPE)
        listed = actor_client.get(self.api_url, {"page_size": 1000}).json()
        ids = {row["id"] for row in listed["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert actor_client.get(f"{self.api_url}{mine.pk}/").status_code == 200
        assert actor_client.get(f"{self.api_url}{theirs.pk}/").status_code == 404

    def test_api_list_query_count_does_not_grow_with_rows(self, actor_client, city):
        if not self.api_url:
            pytest.skip("no API")
        self.make(city, IN_SCOPE)
        with CaptureQueriesContext(connection) as few:
            actor_client.get(self.api_url)
        for _ in range(12):
            self.make(city, IN_SCOPE)
        with CaptureQueriesContext(connection) as many:
            actor_client.get(self.api_url)
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

    def test_api_create_in_scope_is_201_and_outside_scope_is_400_and_writes_nothing(self, actor_client, city):
        if not self.api_url or not self.api_writable:
            pytest.skip("read-only API")
        before = self.count()
        refused = actor_client.post(self.api_url, self.api_data(city, OUT_OF_SCOPE), content_type="application/json")
        assert refused.status_code == 400, refused.content
        assert self.count() == before
        created = actor_client.post(self.api_url, self.api_data(city, IN_SCOPE), content_type="application/json")
        assert created.status_code == 201, created.content
        assert self.count() == before + 1

    def test_api_delete_archives_instead_of_deleting(self, actor_client, city):
        if not self.api_url or not self.api_writable:
            pytest.skip("read-only API")
        obj = self.make(city, IN_SCOPE)
        response = actor_client.delete(f"{self.api_url}{obj.pk}/")
        assert response.status_code == 204
        obj.refresh_from_db()
        assert obj.archived_at is not None
