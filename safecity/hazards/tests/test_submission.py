"""Submitting inspections: one inspection per form however often it arrives; photo files never outlive a
failed save; checklist edits never rewrite an inspection already done."""

import io
import pathlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from safecity.hazards import services
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory
from safecity.hazards.models import Checklist, Hazard, HazardPhoto, Inspection


def jpeg(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_files(settings):
    return [p for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def form(city):
    """A filled three-in-one inspection form with one hazard (item 5) and its submission key."""
    target = InspectionTargetFactory(region=city["dazhe"], category="three_in_one")
    items = list(Checklist.objects.get(category="three_in_one").items.all())
    data = {f"item-{i.pk}": "pass" for i in items}
    data[f"item-{items[4].pk}"] = "hazard"
    data[f"note-{items[4].pk}"] = "无独立式感烟火灾探测报警器"
    data.update(inspected_at="2026-04-01T10:00", submission_key=str(uuid.uuid4()))
    return target, items, data


# ---- the submission key -----------------------------------------------------------------------


def test_the_form_carries_a_fresh_submission_key(xinhui_client, form):
    target, _items, _data = form
    url = reverse("hazards:inspectiontarget_inspect", args=[target.pk])
    first = xinhui_client.get(url).context["form"]["submission_key"].value()
    second = xinhui_client.get(url).context["form"]["submission_key"].value()
    assert uuid.UUID(str(first)) and first != second


def test_the_same_form_sent_twice_records_one_inspection_and_one_hazard(xinhui_client, form):
    target, _items, data = form
    url = reverse("hazards:inspectiontarget_inspect", args=[target.pk])
    assert xinhui_client.post(url, data).status_code == 302
    again = xinhui_client.post(url, data, follow=True)
    assert again.status_code == 200
    assert Inspection.objects.count() == 1 and Hazard.objects.count() == 1
    assert "该检查已登记，未重复保存。" in again.content.decode()


def test_a_new_key_is_a_new_inspection(xinhui_client, form):
    target, _items, data = form
    url = reverse("hazards:inspectiontarget_inspect", args=[target.pk])
    xinhui_client.post(url, data)
    xinhui_client.post(url, {**data, "submission_key": str(uuid.uuid4())})
    assert Inspection.objects.count() == 2


def test_a_resubmission_that_races_the_first_is_reported_not_duplicated(xinhui_user, form, monkeypatch):
    """Both copies passed the first look-up; the database's unique key stops the second."""
    target, items, _data = form
    key = uuid.uuid4()
    answers = [{"item": i.pk, "result": "pass"} for i in items]
    results = services.checklist_results(target, answers)
    first = Inspection(target=target)
    services.inspection_record(actor=xinhui_user, inspection=first, results=results, submission_key=key)
    real_filter = Inspection.objects.filter
    calls = {"n": 0}

    def filter_missing_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1 and "submission_key" in kwargs:
            return Inspection.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Inspection.objects, "filter", filter_missing_once)
    with pytest.raises(services.AlreadyRecorded) as caught:
        services.inspection_record(
            actor=xinhui_user, inspection=Inspection(target=target), results=results, submission_key=key
        )
    assert caught.value.inspection.pk == first.pk
    assert Inspection.objects.count() == 1


# ---- photo files and failed saves -------------------------------------------------------------


def test_photo_files_are_removed_when_the_database_write_fails_after_storing_them(
    xinhui_user, form, settings, monkeypatch
):
    target, items, _data = form
    answers = [{"item": i.pk, "result": "pass"} for i in items]
    answers[4]["result"] = answers[6]["result"] = "hazard"
    results = services.checklist_results(target, answers)
    real_save = HazardPhoto.save
    saved = {"n": 0}

    def fail_on_the_second_photo(self, *args, **kwargs):
        saved["n"] += 1
        if saved["n"] == 2:
            raise IntegrityError("disk quota / lost connection")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(HazardPhoto, "save", fail_on_the_second_photo)
    with pytest.raises(IntegrityError):
        services.inspection_record(
            actor=xinhui_user,
            inspection=Inspection(target=target),
            results=results,
            photos={items[4].pk: [jpeg("a.jpg")], items[6].pk: [jpeg("b.jpg")]},
        )
    assert saved["n"] == 2  # the first photo and its thumbnail had been written
    assert stored_files(settings) == []
    assert not Inspection.objects.exists() and not HazardPhoto.objects.exists()


def test_rectification_photos_are_removed_when_the_save_fails(xinhui_user, city, settings, monkeypatch):
    from datetime import date

    hazard = HazardFactory(target=InspectionTargetFactory(region=city["dazhe"]))
    services.hazard_assign(
        actor=xinhui_user, hazard=hazard, responsible_person=xinhui_user, deadline=date(2030, 1, 1), measures="整改"
    )

    def broken(self, *args, **kwargs):
        raise IntegrityError("lost connection")

    monkeypatch.setattr(HazardPhoto, "save", broken)
    with pytest.raises(IntegrityError):
        services.hazard_rectify(actor=xinhui_user, hazard=hazard, note="已整改", photos=[jpeg()])
    assert stored_files(settings) == []
    hazard.refresh_from_db()
    assert hazard.status == "assigned"


def test_a_successful_save_keeps_its_files(xinhui_user, form, settings):
    target, items, _data = form
    answers = [{"item": i.pk, "result": "hazard" if n == 4 else "pass"} for n, i in enumerate(items)]
    services.inspection_record(
        actor=xinhui_user,
        inspection=Inspection(target=target),
        results=services.checklist_results(target, answers),
        photos={items[4].pk: [jpeg()]},
    )
    assert len(stored_files(settings)) == 2  # photo and thumbnail


# ---- checklist edits do not rewrite history ---------------------------------------------------


def test_editing_a_checklist_after_an_inspection_leaves_its_recorded_answers_unchanged(hq_user, xinhui_client, form):
    from django.test import Client

    hq_client = Client()
    hq_client.force_login(hq_user)
    target, items, data = form
    xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    inspection = Inspection.objects.get()
    before = [dict(row) for row in inspection.results]
    hazard = Hazard.objects.get()
    hazard_before = (hazard.title, hazard.description, hazard.level)
    assert before[4]["text"] == items[4].text and before[4]["major"] is False

    checklist = Checklist.objects.get(category="three_in_one")
    url = reverse("hazards:checklist_edit", args=["three_in_one"])
    page = hq_client.get(url)
    post = _formset_data(page.context["form"], page.context["items"])
    post["items-4-text"] = "改写后的检查内容"
    post["items-4-major"] = "on"
    post["items-0-DELETE"] = "on"
    response = hq_client.post(url, post)
    assert response.status_code == 302, response.context and response.context["items"].errors
    assert checklist.items.filter(text="改写后的检查内容", major=True).exists()
    assert not checklist.items.filter(pk=items[0].pk).exists()

    inspection.refresh_from_db()
    hazard.refresh_from_db()
    assert inspection.results == before
    assert (hazard.title, hazard.description, hazard.level) == hazard_before
    api = xinhui_client.get(f"/api/inspections/{inspection.pk}/").json()
    assert api["results"][4]["text"] == items[4].text
    page = xinhui_client.get(reverse("hazards:inspection_detail", args=[inspection.pk])).content.decode()
    assert items[4].text in page and "改写后的检查内容" not in page


def _formset_data(form, formset) -> dict:
    data = {f"{name}": form[name].value() or "" for name in form.fields}
    management = formset.management_form
    for name in management.fields:
        data[f"{formset.prefix}-{name}"] = management[name].value()
    for index, item_form in enumerate(formset.forms):
        for name in item_form.fields:
            value = item_form[name].value()
            key = f"{formset.prefix}-{index}-{name}"
            if name in ("major", "DELETE"):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value
    return data


def test_the_inspection_page_shows_the_answers_and_another_countys_is_404(xinhui_client, taishan_user, form):
    from django.test import Client

    target, items, data = form
    xinhui_client.post(reverse("hazards:inspectiontarget_inspect", args=[target.pk]), data)
    inspection = Inspection.objects.get()
    page = xinhui_client.get(inspection.get_absolute_url())
    assert page.status_code == 200
    assert len(page.context["rows"]) == len(items) and page.context["hazards"] == [Hazard.objects.get()]
    other = Client()
    other.force_login(taishan_user)
    assert other.get(inspection.get_absolute_url()).status_code == 404
