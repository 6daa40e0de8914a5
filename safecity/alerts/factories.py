"""CAP messages as China's warning services publish them (GB/T 35965.1-2018), for tests and the demo city."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from django.utils import timezone

SENDER = "44070041600000"  # a city meteorological observatory's issuer code (area code + unit)


def _iso(at: datetime) -> str:
    return timezone.localtime(at).replace(microsecond=0).isoformat()


def gb_identifier(sent: datetime, sequence: int = 1, issuer: str = SENDER) -> str:
    """``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N``: issuer code, Beijing time of issue, sequence."""
    return f"{issuer}_{timezone.localtime(sent):%Y%m%d%H%M%S}_{sequence}"


def cap_xml(
    *,
    event: str = "台风黄色预警信号",
    area: str = "江门市台山市",
    geocodes: tuple[str, ...] = ("440781",),
    sent: datetime | None = None,
    msg_type: str = "Alert",
    status: str = "Actual",
    references: tuple[tuple[str, datetime], ...] = (),
    severity: str = "Moderate",
    event_code: str = "11B01",
    hours: float = 24,
    identifier: str | None = None,
    sender: str = SENDER,
    sender_name: str = "江门市气象台",
    instruction: str = "渔船回港避风，人员上岸。",
    description: str = "",
) -> bytes:
    """One CAP 1.2 message with a zh-CN info block; ``references`` are ``(identifier, sent)`` of this sender."""
    sent = timezone.localtime(sent or timezone.now()).replace(microsecond=0)
    identifier = identifier or gb_identifier(sent)
    refs = " ".join(f"{sender},{ref},{_iso(at)}" for ref, at in references)
    geocode_xml = "".join(
        f"<geocode><valueName>GB/T 2260</valueName><value>{code}</value></geocode>" for code in geocodes
    )
    expires = (sent + timedelta(hours=hours)).isoformat()
    description = description or f"{sender_name}发布{event}，{area}有关单位和人员请做好防御准备。"
    code_xml = f"<eventCode><valueName>GB/T 35561-2017</valueName><value>{event_code}</value></eventCode>"
    code_xml = code_xml if event_code else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{escape(identifier)}</identifier>
  <sender>{escape(sender)}</sender>
  <sent>{sent.isoformat()}</sent>
  <status>{status}</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>{f"<references>{refs}</references>" if refs else ""}
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>{escape(event)}</event>
    <urgency>Expected</urgency>
    <severity>{severity}</severity>
    <certainty>Likely</certainty>
    {code_xml}
    <expires>{expires}</expires>
    <senderName>{escape(sender_name)}</senderName>
    <headline>{escape(sender_name)}发布{escape(event)}</headline>
    <description>{escape(description)}</description>
    <instruction>{escape(instruction)}</instruction>
    <area><areaDesc>{escape(area)}</areaDesc>{geocode_xml}</area>
  </info>
</alert>
""".encode()
