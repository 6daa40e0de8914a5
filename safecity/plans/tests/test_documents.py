"""Plan documents: PDF/Word only, checked by content, size-limited; a refusal is explained and stores nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safecity.plans import services
from safecity.plans.factories import ContingencyPlanFactory
from safecity.plans.models import PlanDocument

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def plan(city):
    return ContingencyPlanFactory(region=city["xinhui"])


def test_pdf_and_word_are_attached_under_random_names(plan, xinhui_user, settings):
    docs = services.plan_attach_documents(
        actor=xinhui_user,
        plan=plan,
        uploads=[SimpleUploadedFile("预案正文.pdf", PDF), SimpleUploadedFile("附件.docx", docx_bytes())],
    )
    assert [d.kind for d in docs] == ["pdf", "docx"]
    assert [d.filename for d in docs] == ["预案正文.pdf", "附件.docx"]
    assert len(stored_files(settings)) == 2
    assert all("预案" not in p.name for p in stored_files(settings))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("预案.pdf", b"MZ\x90\x00 an executable renamed"),  # content is not a PDF
        ("预案.docx", PDF),  # a PDF named .docx
        ("预案.exe", PDF),
        ("预案.zip", docx_bytes()),
        ("空文件.pdf", b""),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_its_name_and_nothing_is_stored(
    plan, xinhui_user, settings, name, content
):
    good = SimpleUploadedFile("正文.pdf", PDF)
    with pytest.raises(ValidationError) as exc:
        services.plan_attach_documents(actor=xinhui_user, plan=plan, uploads=[good, SimpleUploadedFile(name, content)])
    assert name in " ".join(exc.value.messages)
    assert not PlanDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused(plan, xinhui_user, settings):
    settings.SAFECITY_PLANS = {"DOCUMENT_MAX_BYTES": 100}
    with pytest.raises(ValidationError, match=r"大|large"):
        services.plan_attach_documents(actor=xinhui_user, plan=plan, uploads=[SimpleUploadedFile("大.pdf", PDF * 10)])
    assert stored_files(settings) == []


def test_the_upload_page_refuses_with_400_and_the_reason_and_stores_nothing(xinhui_client, plan, settings):
    url = reverse("plans:plan_documents", kwargs={"pk": plan.pk})
    response = xinhui_client.post(url, {"files": [SimpleUploadedFile("通知.pdf", b"<html>not a pdf</html>")]})
    assert response.status_code == 400
    assert "通知.pdf" in response.content.decode()
    assert not PlanDocument.objects.exists() and stored_files(settings) == []
    ok = xinhui_client.post(url, {"files": [SimpleUploadedFile("正文.pdf", PDF)]})
    assert ok.status_code == 302 and PlanDocument.objects.count() == 1


def test_documents_are_downloaded_only_by_those_who_see_the_plan(client, plan, xinhui_user, taishan_user):
    doc = services.plan_attach_documents(actor=xinhui_user, plan=plan, uploads=[SimpleUploadedFile("正文.pdf", PDF)])[0]
    client.force_login(xinhui_user)
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(taishan_user)
    assert client.get(doc.get_absolute_url()).status_code == 404


def test_the_review_sweep_alerts_the_owner_once_per_review_date(city, xinhui_user):
    from django.utils import timezone

    from safecity.accounts.roles import Role
    from safecity.core.factories import make_user
    from safecity.core.models import Notification

    today = timezone.localdate()
    plan = ContingencyPlanFactory(
        region=city["xinhui"], approved_on=today.replace(year=today.year - 3), next_review_on=today
    )
    owner_staff = make_user("owner-staff", Role.COUNTY_STAFF, city["xinhui"].code, department=plan.owner)
    assert services.sweep_reviews() == {"notified": 1}
    assert services.sweep_reviews() == {"notified": 0}
    assert Notification.objects.filter(recipient=owner_staff, target_id=plan.pk).count() == 1
