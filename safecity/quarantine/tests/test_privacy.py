"""No page, export or API answer of the quarantine app shows an identity number or a phone in full, or an
occupant's full name on the bed grid and in stay lists (PIPL: masked unless revealed, and each reveal logged)."""

import io

from openpyxl import load_workbook

from safecity.quarantine import services
from safecity.quarantine.factories import make_facility, make_person
from safecity.quarantine.models import FacilityStaff

ID_NUMBER = "440705198506121239"
PHONE = "13987654321"
MANAGER_PHONE = "13711112222"
STAFF_PHONE = "13633334444"


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            " ".join(str(c) for c in row if c is not None) for s in workbook for row in s.iter_rows(values_only=True)
        )
    return response.content.decode("utf-8-sig")


def test_every_page_export_and_endpoint_masks_identity_numbers_and_phones(xinhui_client, xinhui_user, city):
    facility = make_facility(city["dazhe"], name="隐私测试隔离点", manager_phone=MANAGER_PHONE)
    staff = FacilityStaff.objects.create(facility=facility, name="护士甲", role="medical", phone=STAFF_PHONE)
    person = make_person(city["dazhe"], "欧阳娜娜", id_number=ID_NUMBER, phone=PHONE)
    stay = services.check_in(actor=xinhui_user, person=person, facility=facility)
    urls = [
        "/quarantine/facilities/",
        "/quarantine/facilities/?_export=xlsx",
        "/quarantine/facilities/?_export=csv",
        f"/quarantine/facilities/{facility.pk}/",
        f"/quarantine/facilities/{facility.pk}/history/",
        f"/quarantine/facilities/{facility.pk}/check-in/?q=欧阳",
        "/quarantine/stays/",
        "/quarantine/stays/?_export=xlsx",
        "/quarantine/stays/?_export=csv",
        f"/quarantine/stays/{stay.pk}/",
        f"/quarantine/stays/{stay.pk}/history/",
        f"/quarantine/stays/{stay.pk}/check-out/",
        "/quarantine/facility-staff/",
        "/quarantine/facility-staff/?_export=xlsx",
        f"/quarantine/facility-staff/{staff.pk}/",
        f"/quarantine/facility-staff/{staff.pk}/history/",
        "/quarantine/board/",
        "/quarantine/map/",
        "/quarantine/map/?_format=json",
        "/api/quarantine-facilities/",
        f"/api/quarantine-facilities/{facility.pk}/",
        "/api/quarantine-stays/",
        f"/api/quarantine-stays/{stay.pk}/",
        "/api/quarantine-staff/",
        "/api/quarantine-beds/",
    ]
    for url in urls:
        response = xinhui_client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for secret in (ID_NUMBER, PHONE, MANAGER_PHONE, STAFF_PHONE):
            assert secret not in text, (url, secret)
    # Searched by identity number or phone (POST: nothing in the URL): found and shown masked; the full value
    # is only in the form fields holding what the user typed.
    for query in (ID_NUMBER, PHONE):
        found = xinhui_client.post("/quarantine/stays/add/", {"_search": "1", "q": query})
        assert [r["person"] for r in found.context["results"]] == [person]
        assert query not in found.content.decode().replace(f'value="{query}"', ""), query
    # The bed grid, stay lists and exports show the occupant's name masked.
    for url in (f"/quarantine/facilities/{facility.pk}/", "/quarantine/stays/", "/quarantine/stays/?_export=xlsx"):
        text = _text(xinhui_client.get(url))
        assert "欧阳娜娜" not in text and "欧阳**" in text, url
