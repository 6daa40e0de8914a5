"""Assist-investigation requests (协查): import of the other side's list, processing of each person,
the request's status, and the pseudonymised export sent back.

**Person reference in exports.** The export never carries an identity number or phone in clear. Each
person is identified by ``reference(id_number)``: the first 20 hex characters of
HMAC-SHA256(key, normalised 18-character identity number). The key is ``SAFECITY_ASSIST_EXCHANGE_KEY``
(environment variable or setting), agreed with the counterpart out of band; the counterpart hashes its
own list the same way (``hmac.new(key, id.upper().encode(), sha256).hexdigest()[:20].upper()``) and
matches on it. Without a configured key, one derived from ``SECRET_KEY`` is used: stable for the
deployment (so re-exports match each other) but not shareable. A person without an identity number
gets an empty reference and is matched by the row number of the original list.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core import importers
from safecity.core.forms import BaseModelForm
from safecity.core.masking import mask_name
from safecity.core.services import object_save, objects_bulk_create
from safecity.core.validators import normalize_id_number, normalize_phone

from .choices import PERSON_CLASS_CHOICES, ItemResult, RequestStatus
from .models import AssistRequest, AssistRequestItem

CLASS_BY_LABEL = {}
for _value, _label in PERSON_CLASS_CHOICES:
    CLASS_BY_LABEL[_value] = _value
# The words other regions' lists use for the classes.
CLASS_BY_LABEL.update(
    {
        "密接": "close",
        "密切接触者": "close",
        "次密接": "secondary",
        "密接的密接": "secondary",
        "高风险区": "arrival_high",
        "高风险区流入": "arrival_high",
        "中风险区": "arrival_medium",
        "中风险区流入": "arrival_medium",
        "低风险区": "arrival_low",
        "低风险区流入": "arrival_low",
    }
)


def exchange_key() -> bytes:
    key = getattr(settings, "SAFECITY_ASSIST_EXCHANGE_KEY", "") or os.environ.get("SAFECITY_ASSIST_EXCHANGE_KEY", "")
    if key:
        return key.encode()
    return hashlib.sha256(b"safecity-assist-exchange:" + settings.SECRET_KEY.encode()).digest()


def reference(id_number: str) -> str:
    """The keyed, stable pseudonym of an identity number (see the module docstring)."""
    if not id_number:
        return ""
    return hmac.new(exchange_key(), id_number.strip().upper().encode(), hashlib.sha256).hexdigest()[:20].upper()


class ItemImportForm(BaseModelForm):
    """One row of an incoming list: the person as the other side gives them."""

    header_aliases = {
        "姓名": "name",
        "身份证号": "id_number",
        "身份证号码": "id_number",
        "证件号码": "id_number",
        "手机号": "phone",
        "手机号码": "phone",
        "联系电话": "phone",
        "电话": "phone",
        "人员类别": "person_class",
        "类别": "person_class",
        "协查原因": "reason",
        "原因": "reason",
        "暴露情况": "reason",
        "住址": "address",
        "现住址": "address",
        "地址": "address",
    }

    person_class = forms.CharField(label=gettext_lazy("class"), required=False)

    class Meta:
        model = AssistRequestItem
        fields = ["name", "id_number", "phone", "person_class", "reason", "address"]

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return normalize_id_number(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return normalize_phone(value) if value else ""

    def clean_person_class(self):
        value = (self.cleaned_data.get("person_class") or "").strip()
        if not value:
            return ""
        if value not in CLASS_BY_LABEL:
            labels = [str(label) for _v, label in PERSON_CLASS_CHOICES]
            raise forms.ValidationError(
                _("Unknown class %(value)s; use one of: %(choices)s")
                % {"value": value, "choices": "、".join([*labels, "密接", "次密接"])}
            )
        return CLASS_BY_LABEL[value]


def check_items(*, actor, data: bytes, filename: str) -> importers.ImportResult:
    """Read and check every row of an incoming list; nothing is written."""
    headers, rows = importers.read_table(data, filename)
    return importers.validate_rows(ItemImportForm, headers, rows, user=actor)


@transaction.atomic
def import_items(*, actor, request: AssistRequest, data: bytes, filename: str) -> importers.ImportResult:
    """Add the persons of an incoming list to ``request``: every row is checked first; a file with any
    error writes nothing (the result names each bad row and column)."""
    result = check_items(actor=actor, data=data, filename=filename)
    if not result.ok:
        return result
    instances = []
    for form in result.forms:
        item = form.save(commit=False)
        item.request = request
        instances.append(item)
    objects_bulk_create(actor=actor, model=AssistRequestItem, instances=instances)
    _refresh_status(actor=actor, request=request)
    return result


def _refresh_status(*, actor, request: AssistRequest) -> AssistRequest:
    results = list(request.items.filter(archived_at__isnull=True).values_list("result", flat=True))
    if results and all(r != ItemResult.PENDING for r in results):
        status = RequestStatus.DONE
    elif any(r != ItemResult.PENDING for r in results):
        status = RequestStatus.IN_PROGRESS
    else:
        status = RequestStatus.OPEN
    if status != request.status:
        request.status = status
        request.done_at = timezone.now() if status == RequestStatus.DONE else None
        object_save(actor=actor, instance=request, change_reason=f"status: {status}")
    return request


@transaction.atomic
def item_process(
    *,
    actor,
    item: AssistRequestItem,
    result: str,
    measures: str = "",
    left_for: str = "",
    region=None,
    start_plan: bool = False,
    start=None,
) -> AssistRequestItem:
    """Record what was found for one person of a request.

    "Found and put under control" matches the person to the person index (``person_find_or_create``:
    same identity number, else same name and phone) in ``region`` (where they live; default the
    handling county) and can start their management plan from the protocol at once.
    """
    from safecity.epidemic.services import person_find_or_create

    if result not in ItemResult.values or result == ItemResult.PENDING:
        raise ValidationError({"result": _("Choose a result.")})
    if result == ItemResult.LEFT and not left_for.strip():
        raise ValidationError({"left_for": _("Say where the person went.")})
    request = item.request
    if result == ItemResult.CONTROLLED:
        if item.person_id is None:
            person, _created = person_find_or_create(
                actor=actor,
                name=item.name,
                id_number=item.id_number,
                phone=item.phone,
                region=region or request.region,
                address=item.address,
            )
            item.person = person
        if start_plan:
            from .services import plan_create

            if not item.person_class:
                raise ValidationError(
                    {"start_plan": _("The list gives no class for this person: start the plan from the person's page.")}
                )
            if request.disease_id is None:
                raise ValidationError({"start_plan": _("The request names no disease.")})
            plan_create(
                actor=actor,
                person=item.person,
                person_class=item.person_class,
                disease=request.disease,
                start=start,
                notes=_("Assist-investigation request %(request)s") % {"request": request},
            )
    item.result = result
    item.measures = measures.strip()[:500]
    item.left_for = left_for.strip()[:200] if result == ItemResult.LEFT else ""
    item.result_at = timezone.now()
    object_save(actor=actor, instance=item, change_reason=f"result: {result}")
    _refresh_status(actor=actor, request=request)
    return item


EXPORT_COLUMNS = [
    gettext_lazy("row"),
    gettext_lazy("person reference"),
    gettext_lazy("name (masked)"),
    gettext_lazy("class"),
    gettext_lazy("result"),
    gettext_lazy("left for"),
    gettext_lazy("measures taken"),
    gettext_lazy("result at"),
]


def export_pseudonymised(request: AssistRequest) -> bytes:
    """The reply to the other side as XLSX: reference (keyed hash of the identity number), masked name,
    class, result and measures. No identity number, phone or address in clear."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Reply"))[:31]
    sheet.append([str(_("Assist-investigation request")), str(request), str(_("key")), key_label()])
    sheet.append([str(c) for c in EXPORT_COLUMNS])
    for number, item in enumerate(request.items.filter(archived_at__isnull=True).order_by("pk"), start=1):
        sheet.append(
            [
                number,
                reference(item.id_number),
                mask_name(item.name),
                item.get_person_class_display() if item.person_class else "",
                item.get_result_display(),
                item.left_for,
                item.measures,
                f"{timezone.localtime(item.result_at):%Y-%m-%d %H:%M}" if item.result_at else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def key_label() -> str:
    """Which key the references were made with (never the key): shared or this deployment's own."""
    configured = getattr(settings, "SAFECITY_ASSIST_EXCHANGE_KEY", "") or os.environ.get("SAFECITY_ASSIST_EXCHANGE_KEY")
    return str(_("HMAC-SHA256, shared exchange key") if configured else _("HMAC-SHA256, this deployment's key"))
