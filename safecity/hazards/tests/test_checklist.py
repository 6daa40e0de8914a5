"""Checklist pages: the city HQ edits a category's checklist; everyone else reads it."""

from django.urls import reverse

from safecity.hazards.models import Checklist

from .test_submission import _formset_data


def test_the_city_hq_adds_an_item_and_the_edit_is_in_the_history(hq_client, hq_user):
    url = reverse("hazards:checklist_edit", args=["ferry_crossing"])
    page = hq_client.get(url)
    assert page.status_code == 200
    data = _formset_data(page.context["form"], page.context["items"])
    new = len(page.context["items"].initial_forms)
    data.update(
        {
            f"items-{new}-order": "99",
            f"items-{new}-text": "救生衣配备数量",
            f"items-{new}-clause": "内河渡口渡船安全管理规定",
            f"items-{new}-hazard_when": "救生衣少于核定载客人数",
            f"items-{new}-major": "on",
        }
    )
    response = hq_client.post(url, data)
    assert response.status_code == 302
    checklist = Checklist.objects.get(category="ferry_crossing")
    item = checklist.items.get(text="救生衣配备数量")
    assert item.major and item.order == 99
    assert item.history.first().history_user == hq_user
    assert checklist.history.first().history_user == hq_user


def test_a_category_without_a_checklist_gets_one_from_the_page(hq_client):
    assert not Checklist.objects.filter(category="care_home_school").exists()
    url = reverse("hazards:checklist_edit", args=["care_home_school"])
    page = hq_client.get(url)
    data = _formset_data(page.context["form"], page.context["items"])
    data.update({"name": "养老机构和学校检查表", "items-0-order": "1", "items-0-text": "消防通道畅通"})
    assert hq_client.post(url, data).status_code == 302
    assert Checklist.objects.get(category="care_home_school").items.get().text == "消防通道畅通"


def test_an_item_without_text_is_refused_with_the_field_error_and_nothing_changes(hq_client):
    url = reverse("hazards:checklist_edit", args=["ferry_crossing"])
    page = hq_client.get(url)
    data = _formset_data(page.context["form"], page.context["items"])
    data["items-0-text"] = ""
    before = list(Checklist.objects.get(category="ferry_crossing").items.values_list("text", flat=True))
    response = hq_client.post(url, data)
    assert response.status_code == 400
    assert response.context["items"].forms[0].errors["text"]
    assert list(Checklist.objects.get(category="ferry_crossing").items.values_list("text", flat=True)) == before


def test_a_county_official_reads_the_checklist_but_cannot_edit_it(xinhui_client):
    url = reverse("hazards:checklist_edit", args=["three_in_one"])
    page = xinhui_client.get(url)
    assert page.status_code == 200 and page.context["can_edit"] is False
    assert "GA 703" in page.content.decode()
    assert xinhui_client.post(url, {"name": "改名"}).status_code == 403
    assert Checklist.objects.get(category="three_in_one").name != "改名"


def test_the_checklist_list_shows_every_category(hq_client):
    page = hq_client.get(reverse("hazards:checklist_list"))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 8 and page.context["can_edit"] is True
