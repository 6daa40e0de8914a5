"""Fixtures of the typhoon tests: town staff, and warnings received as CAP messages by the city duty room."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecity.accounts.models import User
from safecity.accounts.roles import Role
from safecity.alerts import services as alert_services
from safecity.alerts.choices import Channel
from safecity.alerts.factories import cap_xml
from safecity.core.factories import make_user

_minutes = iter(range(1, 100_000))
COLOUR_WORD = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色", "white": "白色"}


@pytest.fixture
def dazhe_user(city):
    """Town staff of Dazhe (a town of Xinhui)."""
    return make_user("town-dazhe", Role.TOWN_STAFF, city["dazhe"].code, full_name="大泽镇工作人员")


@pytest.fixture
def warn(city):
    """``warn("orange", "xinhui")``: a typhoon warning of that colour for the region, as received."""

    def make(colour: str, region_key: str = "xinhui"):
        hq = User.objects.filter(username="hq-desk").first() or make_user(
            "hq-desk", Role.HQ_DUTY_OFFICER, city["city"].code
        )
        region = city[region_key]
        sent = timezone.now().replace(microsecond=0) - timedelta(minutes=next(_minutes))
        data = cap_xml(
            event=f"台风{COLOUR_WORD[colour]}预警信号",
            area=f"江门市{region.name}",
            geocodes=(region.code[:6],),
            sent=sent,
        )
        return alert_services.receive(actor=hq, data=data, channel=Channel.API).message.signal

    return make
