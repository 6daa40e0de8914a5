"""Opening balances from XLSX: checked and previewed first, then every row a receipt, all or nothing,
errors by row and column; large files as a background job with the same rules."""

import io
from datetime import date

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from safecity.core.models import ImportJob, ImportJobStatus
from safecity.core.testing import upload, xlsx_bytes
from safecity.resources import services
from safecity.resources.factories import DepotFactory, ItemFactory
from safecity.resources.models import Lot, Movement

URL = "/resources/stock/import/"
HEADERS = ["储备库名称", "物资名称", "批号", "生产日期", "有效期至", "数量"]


@pytest.fixture
def stock_city(city):
    return {
        "dazhe": DepotFactory(name="大泽镇储备点", region=city["dazhe"]),
        "taishan": DepotFactory(name="台山储备库", region=city["dajiang"]),
        "quilts": ItemFactory(name="棉被", unit="床", shelf_life_days=1825),
        "jackets": ItemFactory(name="救生衣", unit="件"),
    }


def post_file(client, rows, headers=HEADERS, name="stock.xlsx"):
    return client.post(URL, {"file": upload(name, xlsx_bytes(headers, rows))})


def test_a_valid_file_is_previewed_row_by_row_and_nothing_is_written_before_confirmation(xinhui_client, stock_city):
    rows = [
        ["大泽镇储备点", "棉被", "MB-01", "2026-01-01", "", 200],
        ["大泽镇储备点", "救生衣", "JSY-01", "", "2030-05-01", 80],
        ["大泽镇储备点", "棉被", "MB-01", "", "", 50],
    ]
    response = post_file(xinhui_client, rows)
    assert response.status_code == 200
    assert not Movement.objects.exists() and not Lot.objects.exists()
    result = response.context["result"]
    assert result.ok and response.context["token"]
    lines = [(e["row"], e["line"].item.name, e["line"].quantity, e["line"].new_lot) for e in result.entries]
    assert lines == [(2, "棉被", 200, True), (3, "救生衣", 80, True), (4, "棉被", 50, False)]
    quilts = result.entries[0]["line"]
    assert (quilts.lot_expiry, quilts.expiry_computed) == (date(2030, 12, 31), True)  # 2026-01-01 + 1825 days
    assert [(e["line"].balance_before, e["line"].balance_after) for e in result.entries] == [
        (0, 200),
        (0, 80),
        (200, 250),
    ]
    page = response.content.decode()
    assert 'data-testid="confirm-import"' in page and "200 → 250" in page


def test_confirming_the_preview_writes_one_receipt_per_row_equal_to_the_file(xinhui_client, xinhui_user, stock_city):
    rows = [
        ["大泽镇储备点", "棉被", "MB-01", "2026-01-01", "", 200],
        ["大泽镇储备点", "救生衣", "JSY-01", "", "2030-05-01", 80],
        ["大泽镇储备点", "棉被", "MB-01", "", "", 50],
    ]
    token = post_file(xinhui_client, rows).context["token"]
    response = xinhui_client.post(URL, {"token": token})
    assert response.status_code == 302
    ledger = Movement.objects.order_by("pk")
    assert [(m.kind, m.lot.item.name, m.lot.lot_number, m.quantity, m.balance) for m in ledger] == [
        ("receipt", "棉被", "MB-01", 200, 200),
        ("receipt", "救生衣", "JSY-01", 80, 80),
        ("receipt", "棉被", "MB-01", 50, 250),
    ]
    assert all(m.created_by == xinhui_user for m in ledger)
    assert Lot.objects.get(lot_number="MB-01").expiry_date == date(2030, 12, 31)
    assert Lot.objects.aggregate(s=Sum("quantity"))["s"] == 330 == Movement.objects.aggregate(s=Sum("quantity"))["s"]
    # The token is spent: a second confirmation writes nothing more.
    xinhui_client.post(URL, {"token": token})
    assert Movement.objects.count() == 3


def test_one_bad_row_names_row_and_column_and_imports_nothing(xinhui_client, stock_city):
    rows = [
        ["大泽镇储备点", "棉被", "MB-01", "", "", 200],
        ["台山储备库", "棉被", "MB-02", "", "", 10],  # another county's depot
        ["大泽镇储备点", "不存在的物资", "", "", "", 5],
        ["大泽镇储备点", "救生衣", "", "", "", 0],
        ["大泽镇储备点", "救生衣", "", "2026-05-01", "2026-01-01", 3],  # expires before it was made
    ]
    response = post_file(xinhui_client, rows)
    assert response.status_code == 400
    result = response.context["result"]
    errors = {(e.row, e.field) for e in result.errors}
    assert errors == {(3, "储备库"), (4, "物资"), (5, "数量"), (6, "有效期至")}, errors
    assert "token" not in response.context and 'data-testid="confirm-import"' not in response.content.decode()
    # The preview still lists every row, with its check result.
    assert [(e["row"], e["line"] is not None) for e in result.entries] == [
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, False),
    ]
    assert not Movement.objects.exists() and not Lot.objects.exists()


def test_a_lot_already_in_the_depot_with_another_expiry_date_is_refused_before_anything_is_written(
    xinhui_client, xinhui_user, stock_city
):
    services.receive(
        actor=xinhui_user, depot=stock_city["dazhe"], item=stock_city["jackets"], quantity=5, lot_number="J1",
        expiry_date=date(2029, 1, 1),
    )  # fmt: skip
    rows = [
        ["大泽镇储备点", "救生衣", "J1", "", "2029-01-01", 10],  # same lot, same date: adds to it
        ["大泽镇储备点", "救生衣", "J1", "", "2031-01-01", 10],  # same lot number, other date
    ]
    response = post_file(xinhui_client, rows)
    assert response.status_code == 400
    assert [(e.row, e.field) for e in response.context["result"].errors] == [(3, "有效期至")]
    first = response.context["result"].entries[0]["line"]
    assert (first.new_lot, first.balance_before, first.balance_after) == (False, 5, 15)
    assert Movement.objects.count() == 1


def test_stock_that_changed_between_preview_and_confirmation_is_checked_again_and_nothing_is_written(
    xinhui_client, xinhui_user, stock_city
):
    token = post_file(xinhui_client, [["大泽镇储备点", "救生衣", "J9", "", "2030-01-01", 10]]).context["token"]
    services.receive(
        actor=xinhui_user, depot=stock_city["dazhe"], item=stock_city["jackets"], quantity=1, lot_number="J9",
        expiry_date=date(2028, 1, 1),
    )  # fmt: skip
    response = xinhui_client.post(URL, {"token": token})
    assert response.status_code == 400
    assert [(e.row, e.field) for e in response.context["result"].errors] == [(2, "有效期至")]
    assert Movement.objects.count() == 1


def test_two_depots_of_the_same_name_need_the_region_code_column(xinhui_client, city, stock_city):
    DepotFactory(name="大泽镇储备点", region=city["xinhui"])
    rows = [["大泽镇储备点", "救生衣", "", "", "", 10]]
    response = post_file(xinhui_client, rows)
    assert [(e.row, e.field) for e in response.context["result"].errors] == [(2, "储备库")]
    response = post_file(xinhui_client, [[*rows[0], city["dazhe"].code]], headers=[*HEADERS, "区划代码"])
    assert response.status_code == 200
    assert response.context["result"].entries[0]["line"].depot == stock_city["dazhe"]


def test_someone_elses_preview_cannot_be_confirmed(client, xinhui_client, hq_user, stock_city):
    token = post_file(xinhui_client, [["大泽镇储备点", "救生衣", "", "", "", 10]]).context["token"]
    client.force_login(hq_user)
    assert client.post(URL, {"token": token}).status_code == 302
    assert not Movement.objects.exists()


def test_the_template_lists_the_columns_with_the_required_ones_marked(xinhui_client, stock_city):
    response = xinhui_client.get(URL + "?template=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in next(sheet.iter_rows())]
    assert headers[:3] == ["储备库*", "区划代码", "物资*"] and "数量*" in headers


@pytest.fixture
def eager(settings):
    from safecity.celery import app

    settings.SAFECITY = {**settings.SAFECITY, "IMPORT_SYNC_ROWS": 10}
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_large_file_is_checked_in_the_background_and_received_after_confirmation(
    xinhui_client, stock_city, eager, django_capture_on_commit_callbacks
):
    rows = [["大泽镇储备点", "救生衣", f"J{i:02d}", "", "2030-01-01", i + 1] for i in range(25)]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(xinhui_client, rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert (job.model, job.status, job.total_rows, job.error_count) == (
        "resources.stock",
        ImportJobStatus.CHECKED,
        25,
        0,
    )
    assert not Movement.objects.exists()
    page = xinhui_client.get(f"/imports/{job.pk}/").content.decode()
    assert 'href="/resources/stock/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        xinhui_client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 25)
    assert sorted(Movement.objects.values_list("quantity", flat=True)) == list(range(1, 26))
    assert set(Movement.objects.values_list("kind", flat=True)) == {"receipt"}


def test_a_large_file_with_a_bad_row_names_it_and_receives_nothing(
    xinhui_client, stock_city, eager, django_capture_on_commit_callbacks
):
    rows = [["大泽镇储备点", "救生衣", f"J{i:02d}", "", "", 5] for i in range(20)]
    rows[13][0] = "台山储备库"  # row 15: another county's depot
    with django_capture_on_commit_callbacks(execute=True):
        post_file(xinhui_client, rows)
    job = ImportJob.objects.get()
    assert job.error_count == 1 and job.errors[0][:2] == [15, "储备库"]
    xinhui_client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED and not Movement.objects.exists()
