"""Photos: only real images of the allowed types and size; a refused file stores nothing."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from safecity.accounts.roles import Role
from safecity.core.factories import make_user
from safecity.hazards import rules, services
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.models import Checklist, HazardPhoto, Inspection


def jpeg(name="现场.jpg", size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_files(settings):
    root = settings.MEDIA_ROOT
    import pathlib

    return [p for p in pathlib.Path(root).rglob("*") if p.is_file()]


@pytest.fixture
def inspection_post(city):
    target = InspectionTargetFactory(region=city["dazhe"], category="three_in_one")
    items = list(Checklist.objects.get(category="three_in_one").items.all())
    data = {f"item-{i.pk}": "pass" for i in items}
    data[f"item-{items[4].pk}"] = "hazard"
    data["inspected_at"] = "2026-04-01T10:00"
    return target, items[4], data


def test_a_photo_with_a_hazard_is_stored_under_a_random_name_with_a_thumbnail(xinhui_client, inspection_post, settings):
    target, item, data = inspection_post
    data[f"photo-{item.pk}"] = jpeg()
    response = xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    assert response.status_code == 302
    photo = HazardPhoto.objects.get()
    assert "现场" not in photo.image.name and photo.image.name.endswith(".jpg")
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320
    page = xinhui_client.get(photo.hazard.get_absolute_url())
    assert reverse("hazards:photo_thumbnail", args=[photo.pk]) in page.content.decode()
    assert xinhui_client.get(reverse("hazards:photo", args=[photo.pk])).status_code == 200


def test_a_non_image_is_refused_with_a_clear_message_and_nothing_is_stored(xinhui_client, inspection_post, settings):
    target, item, data = inspection_post
    data[f"photo-{item.pk}"] = SimpleUploadedFile("整改.jpg", b"MZ\x90\x00 not really a picture", "image/jpeg")
    response = xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    assert response.status_code == 400
    assert "整改.jpg" in response.context["form"].non_field_errors()[0]
    assert not Inspection.objects.exists() and not HazardPhoto.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_photo_is_refused_and_nothing_is_stored(xinhui_client, inspection_post, settings, monkeypatch):
    monkeypatch.setattr(rules, "PHOTO_MAX_BYTES", 1000)
    monkeypatch.setattr("safecity.hazards.photos.PHOTO_MAX_BYTES", 1000)
    target, item, data = inspection_post
    data[f"photo-{item.pk}"] = jpeg(size=(600, 600))
    response = xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    assert response.status_code == 400
    assert not Inspection.objects.exists() and stored_files(settings) == []


def test_a_gif_is_not_an_accepted_photo(xinhui_user, city, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    target = InspectionTargetFactory(region=city["dazhe"])
    with pytest.raises(Exception, match="JPEG"):
        services.inspection_record(
            actor=xinhui_user,
            inspection=Inspection(target=target),
            results=[{"item": 1, "result": "hazard", "text": "x"}],
            photos={1: [SimpleUploadedFile("a.gif", buffer.getvalue())]},
        )
    assert stored_files(settings) == []


def test_rectification_evidence_photos(client, xinhui_user, city, settings):
    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    rectifier = make_user("rect", Role.TOWN_STAFF, city["dazhe"].code)
    services.hazard_assign(
        actor=xinhui_user, hazard=hazard, responsible_person=rectifier, deadline=date(2030, 1, 1), measures="整改"
    )
    client.force_login(rectifier)
    url = reverse("hazards:hazard_step", args=[hazard.pk, "rectify"])
    refused = client.post(url, {"note": "已整改", "photos": [SimpleUploadedFile("x.png", b"text")]}, follow=True)
    assert "x.png" in refused.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "assigned" and stored_files(settings) == []
    client.post(url, {"note": "已整改", "photos": [jpeg("after.jpg")]})
    hazard.refresh_from_db()
    assert hazard.status == "rectified" and hazard.photos.get().stage == "rectified"


def test_another_countys_photo_is_404(client, taishan_user, xinhui_user, city):
    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    from safecity.hazards.photos import store_photo

    photo = store_photo(actor=xinhui_user, hazard=hazard, upload=jpeg(), stage="found")
    client.force_login(taishan_user)
    assert client.get(reverse("hazards:photo", args=[photo.pk])).status_code == 404
