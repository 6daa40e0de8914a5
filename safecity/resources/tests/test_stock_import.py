"""Opening balances from XLSX: every row a receipt, all or nothing, errors by row and column."""

from django.db.models import Sum

from safecity.core.testing import upload, xlsx_bytes
from safecity.resources.factories import DepotFactory, ItemFactory
from safecity.resources.models import Lot, Movement

URL = "/resources/stock/import/"
HEADERS = ["储备库名称", "物资名称", "批号", "生产日期", "有效期至", "数量"]


def setup(city):
    DepotFactory(name="大泽镇储备点", region=city["dazhe"])
    DepotFactory(name="台山储备库", region=city["dajiang"])
    ItemFactory(name="棉被", unit="床", shelf_life_days=1825)
    ItemFactory(name="救生衣", unit="件")


def test_a_valid_file_becomes_receipts_and_the_ledger_explains_the_stock(xinhui_client, city):
    setup(city)
    rows = [
        ["大泽镇储备点", "棉被", "MB-01", "2026-01-01", "", 200],
        ["大泽镇储备点", "救生衣", "JSY-01", "", "2030-05-01", 80],
    ]
    response = xinhui_client.post(URL, {"file": upload("stock.xlsx", xlsx_bytes(HEADERS, rows))})
    assert response.status_code == 302, response.context and response.context.get("result")
    assert Movement.objects.filter(kind="receipt").count() == 2
    assert Lot.objects.get(lot_number="MB-01").expiry_date.isoformat() == "2030-12-31"
    assert Lot.objects.aggregate(s=Sum("quantity"))["s"] == 280 == Movement.objects.aggregate(s=Sum("quantity"))["s"]


def test_one_bad_row_names_row_and_column_and_imports_nothing(xinhui_client, city):
    setup(city)
    rows = [
        ["大泽镇储备点", "棉被", "MB-01", "", "", 200],
        ["台山储备库", "棉被", "MB-02", "", "", 10],  # another county's depot
        ["大泽镇储备点", "不存在的物资", "", "", "", 5],
        ["大泽镇储备点", "救生衣", "", "", "", 0],
    ]
    response = xinhui_client.post(URL, {"file": upload("stock.xlsx", xlsx_bytes(HEADERS, rows))})
    assert response.status_code == 400
    errors = {(e.row, e.field) for e in response.context["result"].errors}
    assert {(3, "储备库"), (4, "物资"), (5, "数量")} <= errors, errors
    assert not Movement.objects.exists() and not Lot.objects.exists()
