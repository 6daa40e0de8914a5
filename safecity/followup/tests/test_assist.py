"""Assist-investigation requests: the incoming list is checked whole, each person is processed, and the
reply sent back is pseudonymised (no identity number or phone in clear)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from safecity.core.testing import upload, xlsx_bytes
from safecity.epidemic.factories import make_id_number
from safecity.epidemic.models import Person
from safecity.followup import assist
from safecity.followup.choices import ItemResult, RequestStatus
from safecity.followup.factories import default_protocol
from safecity.followup.models import AssistRequest, AssistRequestItem, ManagementPlan

HEADERS = ["姓名", "身份证号", "手机号", "人员类别", "协查原因", "住址"]
ID_1 = "11010519491231002X"
ID_2 = "440524188001010014"


@pytest.fixture
def request_(city):
    return AssistRequest.objects.create(
        direction="incoming",
        counterpart="广州市白云区疫情防控指挥部",
        reference_number="穗云协〔2026〕12号",
        region=city["xinhui"],
        person_class="close",
        disease=default_protocol().disease,
    )


def _rows():
    return [
        ["张伟", ID_1, "13800138000", "密接", "11月25日同乘K1234次列车", "会城街道xx路1号"],
        ["李娜", ID_2, "13900139000", "次密接", "与密接者同住", "大泽镇五和村"],
    ]


def test_a_valid_list_adds_every_person(xinhui_client, request_):
    response = xinhui_client.post(
        reverse("followup:assistrequest_import_items", args=[request_.pk]),
        {"file": upload("list.xlsx", xlsx_bytes(HEADERS, _rows()))},
    )
    assert response.status_code == 302
    items = list(request_.items.order_by("pk"))
    assert [(i.name, i.person_class) for i in items] == [("张伟", "close"), ("李娜", "secondary")]


def test_a_list_with_a_bad_row_names_the_row_and_column_and_adds_nobody(xinhui_client, request_):
    rows = _rows()
    rows[1][1] = "440524188001010015"  # wrong check character
    rows.append(["王五", "", "12345", "密接", "", ""])
    response = xinhui_client.post(
        reverse("followup:assistrequest_import_items", args=[request_.pk]),
        {"file": upload("list.xlsx", xlsx_bytes(HEADERS, rows))},
    )
    assert response.status_code == 400
    errors = {(e.row, e.field) for e in response.context["result"].errors}
    assert (3, "identity number") in errors or any(row == 3 for row, _f in errors)
    assert any(row == 4 for row, _f in errors)
    assert not AssistRequestItem.objects.exists()


def test_processing_a_found_person_matches_the_person_index_and_can_start_the_plan(xinhui_user, request_, city):
    existing = Person.objects.create(name="张伟", id_number=ID_1, region=city["village"])
    item = AssistRequestItem.objects.create(request=request_, name="张伟", id_number=ID_1, person_class="close")
    assist.item_process(
        actor=xinhui_user, item=item, result=ItemResult.CONTROLLED, measures="已转运集中隔离", start_plan=True
    )
    item.refresh_from_db()
    assert item.person == existing
    assert ManagementPlan.objects.get(person=existing).person_class == "close"
    request_.refresh_from_db()
    assert request_.status == RequestStatus.DONE and request_.done_at is not None


def test_a_person_who_left_needs_the_destination(xinhui_user, request_):
    item = AssistRequestItem.objects.create(request=request_, name="李娜", person_class="close")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        assist.item_process(actor=xinhui_user, item=item, result=ItemResult.LEFT)
    assist.item_process(actor=xinhui_user, item=item, result=ItemResult.LEFT, left_for="广东省佛山市")
    request_.refresh_from_db()
    assert request_.status == RequestStatus.DONE


def test_the_reply_has_no_identity_number_or_phone_in_clear_and_a_stable_reference(xinhui_client, request_):
    phone = "13800138000"
    AssistRequestItem.objects.create(
        request=request_, name="张伟", id_number=ID_1, phone=phone, address="会城街道xx路1号"
    )
    other = make_id_number()
    AssistRequestItem.objects.create(request=request_, name="欧阳娜娜", id_number=other, phone="13900139000")
    response = xinhui_client.get(reverse("followup:assistrequest_export", args=[request_.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    text = "\n".join(cells)
    for secret in (ID_1, other, phone, "13900139000", "张伟", "欧阳娜娜", "会城街道xx路1号", ID_1[-8:], phone[-8:]):
        assert secret not in text
    assert "张*" in text and "欧阳**" in text
    assert assist.reference(ID_1) in text
    assert assist.reference(ID_1) == assist.reference(ID_1.lower())
    assert len(assist.reference(ID_1)) == 20


def test_the_reference_is_a_keyed_hash_the_other_side_can_reproduce_with_the_shared_key(settings):
    import hashlib
    import hmac

    settings.SAFECITY_ASSIST_EXCHANGE_KEY = "shared-secret-of-both-sides"
    expected = hmac.new(b"shared-secret-of-both-sides", ID_2.encode(), hashlib.sha256).hexdigest()[:20].upper()
    assert assist.reference(ID_2) == expected
    settings.SAFECITY_ASSIST_EXCHANGE_KEY = "another-key"
    assert assist.reference(ID_2) != expected


def test_the_api_masks_the_persons_of_a_request(xinhui_client, request_):
    AssistRequestItem.objects.create(request=request_, name="张伟", id_number=ID_1, phone="13800138000")
    body = xinhui_client.get(f"/api/assist-requests/{request_.pk}/").content.decode()
    assert ID_1 not in body and "13800138000" not in body


def test_the_request_page_masks_identity_numbers_and_phones(xinhui_client, request_):
    AssistRequestItem.objects.create(request=request_, name="张伟", id_number=ID_1, phone="13800138000")
    page = xinhui_client.get(request_.get_absolute_url()).content.decode()
    assert ID_1 not in page and "13800138000" not in page


def test_an_overdue_request_alerts_the_county_once(city, request_):
    from datetime import timedelta

    from django.utils import timezone

    from safecity.accounts.roles import Role
    from safecity.core.factories import make_user
    from safecity.core.models import Notification
    from safecity.followup.services import sweep

    staff = make_user("county-staff", Role.COUNTY_STAFF, city["xinhui"].code)
    AssistRequest.objects.filter(pk=request_.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert sweep()["overdue_requests"] == 1
    assert sweep()["overdue_requests"] == 0
    assert Notification.objects.filter(recipient=staff, dedupe_key=f"assist-overdue-{request_.pk}").count() == 1
