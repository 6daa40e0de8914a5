"""The demo city: real Jiangmen codes and names, idempotent loading, one account per role."""

import pytest
from django.core.management import call_command

from safecity.accounts.models import User
from safecity.demo import COUNTY_PINYIN, load_demo
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.models import Organization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]


def test_demo_city_has_the_seven_real_county_units_and_73_towns_and_streets():
    counties = dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("prefix", "name"))
    assert counties == {
        "440703": "蓬江区", "440704": "江海区", "440705": "新会区", "440781": "台山市",
        "440783": "开平市", "440784": "鹤山市", "440785": "恩平市",
    }  # fmt: skip
    assert Region.objects.filter(level=RegionLevel.TOWN).count() == 73
    assert Region.objects.get(code="440781115000").name == "川岛镇"
    assert Region.objects.filter(level=RegionLevel.VILLAGE).exists()
    assert Region.objects.filter(level=RegionLevel.GRID).exists()
    city = Region.objects.get(code="440700000000")
    assert sum(Region.objects.filter(level=RegionLevel.COUNTY).values_list("population", flat=True)) == city.population
    assert Region.objects.get(code="440784000000").population == 530_684


def test_loading_the_demo_twice_adds_nothing_the_second_time():
    counts = (Region.objects.count(), Organization.objects.count(), User.objects.count())
    again = load_demo(password="Demo-pass-2026")
    assert again["regions"] == 0 and again["organizations"] == 0
    assert (Region.objects.count(), Organization.objects.count(), User.objects.count()) == counts


def test_every_demo_account_logs_in_with_the_given_password_and_sees_its_area(client, capsys):
    call_command("demo", "--password", "Other-pass-2026")
    printed = capsys.readouterr().out
    assert "Other-pass-2026" in printed and "county-xinhui" in printed
    for pinyin, prefix in ((p, c) for c, p in COUNTY_PINYIN.items()):
        assert client.login(username=f"county-{pinyin}", password="Other-pass-2026")
        data = client.get("/api/regions/", {"level": "town", "page_size": 100}).json()
        assert data["count"] > 0
        assert all(row["code"].startswith(prefix) for row in data["results"])
    for username in ("admin", "hq", "leader", "town-huicheng", "grid-huicheng"):
        assert client.login(username=username, password="Other-pass-2026"), username


def test_hq_sees_seven_counties_on_the_home_page(client):
    client.login(username="hq", password="Demo-pass-2026")
    stats = client.get("/").context["stats"]
    assert stats[0]["value"] == 7
    client.login(username="county-taishan", password="Demo-pass-2026")
    stats = client.get("/").context["stats"]
    assert stats[0]["value"] == 1 and stats[1]["value"] == 17


def test_a_county_user_sees_only_their_countys_organizations_and_users():
    user = User.objects.get(username="county-xinhui")
    orgs = Organization.objects.restrict(user, "view")
    assert orgs.exists()
    assert all(o.region.code.startswith("440705") for o in orgs)
    users = set(User.objects.restrict(user, "view").values_list("username", flat=True))
    assert users == {"county-xinhui", "town-huicheng", "grid-huicheng"}


def test_api_level_county_as_hq_returns_the_seven_county_units_of_the_demo_city(client):
    client.login(username="hq", password="Demo-pass-2026")
    data = client.get("/api/regions/", {"level": "county"}).json()
    assert data["count"] == 7
    assert {r["code"][:6] for r in data["results"]} == {
        "440703", "440704", "440705", "440781", "440783", "440784", "440785",
    }  # fmt: skip
    assert all(r["level"] == "county" for r in data["results"])


def test_county_user_sees_only_their_own_towns(client):
    client.login(username="county-xinhui", password="Demo-pass-2026")
    towns = client.get("/api/regions/", {"level": "town", "page_size": 200}).json()
    assert towns["count"] == 11  # 会城街道 and 10 towns
    assert all(r["code"].startswith("440705") for r in towns["results"])
    taishan = Region.objects.get(code="440781000000")
    assert client.get(f"/api/regions/{taishan.pk}/").status_code == 404
    assert client.get(f"/geo/regions/{taishan.pk}/").status_code == 404
