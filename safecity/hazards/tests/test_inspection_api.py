"""The inspections API: read with answers and hazards; record through the same service as the phone form;
upload photos with the same checks (400 naming the file, nothing stored)."""

import io
import pathlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.models import Checklist, Hazard, HazardPhoto, Inspection


def jpeg(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def payload(city):
    target = InspectionTargetFactory(region=city["dazhe"], category="ferry_crossing")
    items = list(Checklist.objects.get(category="ferry_crossing").items.all())
    answers = [{"item": i.pk, "result": "pass"} for i in items]
    answers[0] = {"item": items[0].pk, "result": "hazard", "note": "渡船超载"}
    return {
        "target": target.pk,
        "inspected_at": "2026-04-01T10:00:00+08:00",
        "latitude": "22.400000",
        "longitude": "113.100000",
        "answers": answers,
        "submission_key": str(uuid.uuid4()),
    }


def test_recording_an_inspection_creates_its_hazards_and_returns_the_answers(xinhui_client, xinhui_user, payload):
    response = xinhui_client.post("/api/inspections/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["inspector"] == xinhui_user.pk and body["region"] == "440705101000"
    assert body["results"][0]["result"] == "hazard" and body["results"][0]["text"]
    assert [h["title"] for h in body["hazards"]] == ["渡船超载"]
    assert Hazard.objects.get().inspection_id == body["id"]


def test_the_same_submission_key_twice_records_one_inspection(xinhui_client, payload):
    first = xinhui_client.post("/api/inspections/", payload, content_type="application/json")
    second = xinhui_client.post("/api/inspections/", payload, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Inspection.objects.count() == 1 and Hazard.objects.count() == 1


def test_missing_or_foreign_answers_are_400_with_field_errors_and_nothing_written(xinhui_client, payload):
    other = Checklist.objects.get(category="three_in_one").items.first()
    bad = {**payload, "answers": [*payload["answers"][1:], {"item": other.pk, "result": "pass"}]}
    response = xinhui_client.post("/api/inspections/", bad, content_type="application/json")
    assert response.status_code == 400
    assert len(response.json()["results"]) == 2  # the foreign item, and the unanswered one
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_another_countys_target_is_refused_and_its_inspections_are_404(xinhui_client, taishan_user, city, payload):
    foreign = InspectionTargetFactory(region=city["dajiang"], category="ferry_crossing")
    response = xinhui_client.post(
        "/api/inspections/", {**payload, "target": foreign.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "target" in response.json()
    theirs = Inspection.objects.create(target=foreign, region=foreign.region, inspector=taishan_user)
    assert xinhui_client.get(f"/api/inspections/{theirs.pk}/").status_code == 404
    assert xinhui_client.get("/api/inspections/").json()["count"] == 0


def test_inspections_cannot_be_changed_or_deleted_through_the_api(xinhui_client, payload):
    created = xinhui_client.post("/api/inspections/", payload, content_type="application/json").json()
    url = f"/api/inspections/{created['id']}/"
    assert xinhui_client.patch(url, {"notes": "改"}, content_type="application/json").status_code == 405
    assert xinhui_client.delete(url).status_code == 405


def test_photos_upload_as_multipart_with_thumbnails(xinhui_client, city):
    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    response = xinhui_client.post(f"/api/hazards/{hazard.pk}/photos/", {"photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    assert response.status_code == 201, response.content
    assert len(response.json()) == 2 and response.json()[0]["thumbnail_url"].endswith("/thumbnail/")
    assert len(xinhui_client.get(f"/api/hazards/{hazard.pk}/").json()["photos"]) == 2


def test_a_non_image_or_oversized_photo_is_400_naming_it_and_nothing_is_stored(
    xinhui_client, city, settings, monkeypatch
):
    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    url = f"/api/hazards/{hazard.pk}/photos/"
    fake = SimpleUploadedFile("report.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = xinhui_client.post(url, {"photos": [jpeg("ok.jpg"), fake]})
    assert response.status_code == 400
    assert "report.jpg" in str(response.json())
    monkeypatch.setattr("safecity.hazards.photos.PHOTO_MAX_BYTES", 100)
    big = xinhui_client.post(url, {"photos": [jpeg("big.jpg")]})
    assert big.status_code == 400 and "big.jpg" in str(big.json())
    assert not HazardPhoto.objects.exists()
    assert [p for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_rectification_evidence_waits_until_rectification_began(xinhui_client, city):
    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    response = xinhui_client.post(f"/api/hazards/{hazard.pk}/photos/", {"photos": [jpeg()], "stage": "rectified"})
    assert response.status_code == 400 and not HazardPhoto.objects.exists()
