"""Demo warnings for Jiangmen, received through the intake as the city duty room would: a typhoon signal
for the coastal counties raised from yellow to orange, a forest-fire danger warning for two inland
counties, a rainstorm warning that has expired, a gale warning lifted, and a neighbour city's warning
(kept, not for our area). Loaded once: later runs leave the demo warnings as they are."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safecity.accounts.models import User

from . import services
from .choices import Channel
from .factories import SENDER, cap_xml, gb_identifier
from .models import CapMessage


def load_alerts() -> int:
    """Receive the demo messages; returns how many were received now (0 when they were loaded before)."""
    hq = User.objects.filter(username="hq").first()
    if hq is None or CapMessage.objects.filter(sender=SENDER).exists():
        return 0
    now = timezone.now().replace(microsecond=0)
    typhoon_at, raised_at = now - timedelta(hours=9), now - timedelta(hours=2)
    gale_at = now - timedelta(hours=30)
    coast = {"area": "江门市台山市、新会区", "geocodes": ("440781", "440705")}
    messages = [
        cap_xml(event="台风黄色预警信号", severity="Moderate", sent=typhoon_at, hours=36, **coast),
        cap_xml(
            event="台风橙色预警信号",
            severity="Severe",
            msg_type="Update",
            sent=raised_at,
            hours=30,
            references=((gb_identifier(typhoon_at), typhoon_at),),
            instruction="海上作业船只立即回港避风，渔排人员于今晚20时前全部上岸；川岛客渡停航。",
            **coast,
        ),
        cap_xml(
            event="森林火险黄色预警信号",
            event_code="",
            area="江门市恩平市、鹤山市",
            geocodes=("440785", "440784"),
            sent=now - timedelta(hours=5),
            hours=72,
            instruction="严格管控野外用火，守住路口、盯住重点，发现火情立即报告、打早打小。",
        ),
        cap_xml(
            event="暴雨蓝色预警信号",
            event_code="11B03",
            severity="Minor",
            area="江门市蓬江区",
            geocodes=("440703",),
            sent=now - timedelta(hours=40),
            hours=12,
            instruction="注意防范局地强降雨引发的城市内涝。",
        ),
        cap_xml(
            event="大风蓝色预警信号",
            event_code="11B06",
            severity="Minor",
            area="江门市",
            geocodes=("440700",),
            sent=gale_at,
            hours=24,
            instruction="",
        ),
        cap_xml(
            event="解除大风蓝色预警信号",
            event_code="11B06",
            msg_type="Cancel",
            area="江门市",
            geocodes=("440700",),
            sent=gale_at + timedelta(hours=8),
            references=((gb_identifier(gale_at), gale_at),),
            instruction="",
        ),
        cap_xml(
            event="高温黄色预警信号",
            event_code="",
            area="广州市",
            geocodes=("440100",),
            sent=now - timedelta(hours=4),
            sender="44010041600000",
            sender_name="广州市气象台",
            instruction="",
        ),
    ]
    for data in messages:
        services.receive(actor=hq, data=data, channel=Channel.COMMAND)
    return len(messages)
