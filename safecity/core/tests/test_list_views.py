"""Generic list pages: filters, archived rows, htmx refreshes, pagination bounds."""

from safecity.core.factories import OrganizationFactory
from safecity.core.services import object_archive

URL = "/orgs/organizations/"


def _names(response):
    return {row.record.name for row in response.context["table"].paginated_rows}


def test_archived_records_stay_hidden_when_the_filter_form_is_submitted_untouched(xinhui_client, xinhui_user, city):
    OrganizationFactory(region=city["dazhe"], name="在用单位")
    gone = OrganizationFactory(region=city["dazhe"], name="已归档单位")
    object_archive(actor=xinhui_user, instance=gone)
    # The form always sends the archived select's default value.
    assert _names(xinhui_client.get(URL, {"q": "", "archived": "unknown"})) == {"在用单位"}
    assert _names(xinhui_client.get(URL, {"archived": "true"})) == {"已归档单位"}
    assert _names(xinhui_client.get(URL, {"archived": "false"})) == {"在用单位"}


def test_an_htmx_filter_refresh_updates_the_count_in_the_title(xinhui_client, city):
    OrganizationFactory(region=city["dazhe"], name="大泽化工")
    OrganizationFactory(region=city["huicheng"], name="会城物流")
    response = xinhui_client.get(URL, {"q": "化工"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="sc-count"' in body and 'hx-swap-oob="true"' in body
    assert "<html" not in body
    assert response.context["total"] == 1


def test_page_size_is_bounded_to_the_offered_choices(xinhui_client, city):
    for i in range(3):
        OrganizationFactory(region=city["dazhe"], name=f"单位{i}")
    response = xinhui_client.get(URL, {"per_page": "1000000"})
    assert response.context["per_page"] == 50


def test_an_empty_list_says_what_to_do_next(xinhui_client):
    body = xinhui_client.get(URL).content.decode()
    assert 'data-testid="empty-state"' in body
    assert "/orgs/organizations/add/" in body and "/orgs/organizations/import/" in body


def test_region_filter_includes_everything_below_the_chosen_region(xinhui_client, city):
    OrganizationFactory(region=city["village"], name="村里的单位")
    OrganizationFactory(region=city["huicheng"], name="会城的单位")
    assert _names(xinhui_client.get(URL, {"region": city["dazhe"].pk})) == {"村里的单位"}
