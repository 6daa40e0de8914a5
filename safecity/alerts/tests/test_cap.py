"""Tests of the CAP 1.2 reader (safecity.alerts.cap) on real published messages and on small hand-made ones.

The real messages live outside the project in ../shared/data/cap (see its README.md); they are read
from there, never copied. No database is used.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from safecity.alerts import cap
from safecity.alerts.cap import CAP_NS, CapError, parse

# /work/main/safecity/alerts/tests/test_cap.py -> parents[4] == /work
CAP_DIR = Path(__file__).resolve().parents[4] / "shared" / "data" / "cap"

PAGASA = "pagasa_tropical_cyclone_alert_typhoon_paeng_signed.cap"
MEXICO = "smn_mexico_tropical_cyclone_update.xml"
TAIWAN = "taiwan_wra_reservoir_release_zh-TW.cap"
NSW = "nsw_rfs_fire_cap-au.cap"
TSUNAMI = "wcatwc_tsunami_cancellation_update_references.xml"
SHARED = (PAGASA, MEXICO, TAIWAN, NSW, TSUNAMI)

CAP11_NS = "urn:oasis:names:tc:emergency:cap:1.1"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"


def tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


# --------------------------------------------------------------------------------------------------
# Real messages


@pytest.fixture(scope="module")
def shared_dir() -> Path:
    if not (CAP_DIR / NSW).is_file():
        pytest.skip(f"shared CAP messages not present ({CAP_DIR}, i.e. ../shared/data/cap); CI has them")
    return CAP_DIR


def read(shared_dir: Path, name: str) -> bytes:
    return (shared_dir / name).read_bytes()


@pytest.fixture(scope="module")
def cap_schema(shared_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_dir / "CAP-v1.2.xsd")))


@pytest.fixture(scope="module")
def cap_dsig_schema(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """CAP-v1.2.xsd plus a declaration of ds:Signature as element-only content.

    libxml2 knows no XML-signature schema, so with CAP-v1.2.xsd alone the lax wildcard that admits
    ds:Signature is not checked at all. Python's ``xmlschema`` (which the shared README used) bundles
    xmldsig-core-schema.xsd, where Signature's content is elements only; this reproduces that part.
    """
    folder = tmp_path_factory.mktemp("xsd")
    (folder / "ds.xsd").write_text(
        f"""<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="{DS_NS}"
                elementFormDefault="qualified">
              <element name="Signature">
                <complexType>
                  <sequence>
                    <any namespace="##targetNamespace" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
                  </sequence>
                  <attribute name="Id" type="ID" use="optional"/>
                </complexType>
              </element>
            </schema>""",
        encoding="utf-8",
    )
    (folder / "cap-dsig.xsd").write_text(
        f"""<schema xmlns="http://www.w3.org/2001/XMLSchema">
              <import namespace="{CAP_NS}" schemaLocation="{(shared_dir / "CAP-v1.2.xsd").as_uri()}"/>
              <import namespace="{DS_NS}" schemaLocation="ds.xsd"/>
            </schema>""",
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(folder / "cap-dsig.xsd")))


def test_pagasa_signed_test_typhoon_alert(shared_dir: Path) -> None:
    message = parse(read(shared_dir, PAGASA))
    assert message.identifier == "103ff55e-b538-49a2-a94a-64470ddea2cc"
    assert message.sender == "PAGASA-DOST"
    assert message.sent == datetime(2014, 11, 3, 6, 57, 33, tzinfo=UTC)
    assert message.sent.utcoffset() == timedelta(hours=8)
    assert (message.status, message.msg_type, message.scope) == ("Test", "Alert", "Public")
    assert message.signed is True
    assert message.references == ()
    assert message.notices == ()
    (info,) = message.infos
    assert info.language == "en-US"  # CAP default: the message has no <language>
    assert info.categories == ("Met",)
    assert info.event == "Tropical Cyclone Alert"
    assert info.response_types == ("Prepare",)
    assert (info.urgency, info.severity, info.certainty) == ("Expected", "Minor", "Possible")
    assert info.expires == datetime(2014, 11, 4, 3, 57, 28, tzinfo=tz(8))
    assert info.description == "No public storm warning signal is in effect in any part of the country."
    assert info.parameter("LAYER:google:region:0.1") == "Philippine Area of Responsibility"
    (area,) = info.areas
    assert area.description == "Philippine Area of Responsibility"
    assert area.circles == () and area.geocodes == ()
    (polygon,) = area.polygons
    assert len(polygon) == 7
    assert polygon[0] == (21.0, 120.0) == polygon[-1]
    assert polygon[3] == (5.0, 121.5)
    assert message.info_for(("zh-CN", "zh")) is info


def test_mexico_update_references_earlier_message(shared_dir: Path) -> None:
    message = parse(read(shared_dir, MEXICO))
    assert message.identifier == "avisossmn-ciclontropical-4063"
    assert message.sender == "smn.cna.gob.mx"
    assert message.sent == datetime(2018, 10, 20, 12, 15, tzinfo=UTC)
    assert message.sent.utcoffset() == timedelta(hours=-5)
    assert (message.status, message.msg_type) == ("Actual", "Update")
    assert message.codes == ("08",)
    assert message.references == (
        cap.Reference("smn.cna.gob.mx", "avisossmn-ciclontropical-4061", datetime(2018, 10, 20, 9, 15, tzinfo=UTC)),
    )
    assert message.signed is False
    assert message.notices == ()
    (info,) = message.infos
    assert info.language == "es-419"
    assert info.event == "Aviso de Ciclón Tropical en el Pacífico"
    assert (info.urgency, info.severity, info.certainty) == ("Unknown", "Unknown", "Unknown")
    assert info.parameter("semáforo") == "red"
    assert info.parameter("trayectoria") == "150 km al sur-suroeste de Tapachula, Chis."  # stripped
    assert info.description.startswith("Se prevé que la Tormenta Tropical")
    assert info.description.endswith("protección civil.")
    (area,) = info.areas
    assert area.description == "Chis,Oax"
    (polygon,) = area.polygons
    assert len(polygon) == 29
    assert polygon[0] == (18.889628180617784, -91.53354417288199) == polygon[-1]
    assert message.info_for() is info  # no Chinese info: the first one


def test_taiwan_bom_and_chinese_text(shared_dir: Path) -> None:
    data = read(shared_dir, TAIWAN)
    assert data.startswith(b"\xef\xbb\xbf")
    message = parse(data)
    assert message.identifier == "WRA_ReservoirWarn_201405142010"
    assert message.sender == "ddmt01@wra.gov.tw"
    assert message.sent == datetime(2014, 5, 14, 12, 10, tzinfo=UTC)
    assert message.sent.utcoffset() == timedelta(hours=8)
    assert (message.status, message.msg_type, message.scope) == ("Actual", "Alert", "Public")
    assert message.codes == ("Progress",)
    assert message.notices == ()
    assert message.gb_issuer_code == ""
    (info,) = message.infos
    assert info.language == "zh-tw"
    assert info.categories == ("Infra",)
    assert info.event == "水庫洩洪"
    assert info.severity == "Moderate"
    assert info.sender_name == "水利署"
    assert info.event_codes == (("profile:CAP-TWP:Event:1.0", "ReservoirDis"),)
    assert info.parameter("alert_color") == "紅色"
    assert info.parameter("ALERT_TITLE", "alert_color") == "水庫洩洪警戒"
    assert info.parameter("missing") == ""
    (area,) = info.areas
    assert area.description == "苗栗縣頭屋鄉"
    assert area.geocodes == (("Taiwan_Geocode_100", "1000512"),)
    assert message.info_for(("zh-CN", "zh")) is info  # zh-tw shares the primary subtag


def test_taiwan_as_decoded_text_with_bom(shared_dir: Path) -> None:
    text = read(shared_dir, TAIWAN).decode("utf-8")
    assert text.startswith("\ufeff<?xml")
    assert parse(text).infos[0].parameter("alert_color") == "紅色"


def test_nsw_two_categories_and_cap_au_event_code(shared_dir: Path) -> None:
    message = parse(read(shared_dir, NSW))
    assert message.identifier == "tag:www.rfs.nsw.gov.au2011-10-06:40184"
    assert message.sender == "webmaster@rfs.nsw.gov.au"
    assert message.sent == datetime(2011, 10, 5, 13, 4, tzinfo=UTC)
    assert message.sent.utcoffset() == timedelta(hours=10)
    assert (message.status, message.msg_type, message.scope) == ("Actual", "Alert", "Public")
    assert message.codes == ("urn:oasis:names:tc:emergency:cap:1.2:profile:CAP-AU:1.0",)
    assert message.notices == ()
    assert len(message.infos) == 2
    info = message.infos[0]
    assert info.language == "en-AU"
    assert info.categories == ("Fire", "Met")
    assert info.event == "Fire"
    assert info.response_types == ("Evacuate",)
    assert info.severity == "Minor"
    assert info.event_codes[0] == ("https://govshare.gov.au/xmlui/handle/10772/6495", "fire")
    assert len(info.event_codes) == 2
    assert info.parameter("AllocatedResources") == ""  # <cap:value />
    assert info.parameter("Status") == "Out of Control"
    assert "<br />" in info.description  # escaped markup is text, kept as is
    (area,) = info.areas
    assert area.description == "Yerong Creek Structure Fire"
    assert area.circles == ((-35.3888, 147.0598, 25.0),)
    assert area.polygons == ()
    assert area.geocodes == (("http://www.iso.org/iso/country_codes.html", "AU-NSW"),)
    assert message.infos[1].areas[0].geocodes == (("http://www.psma.com.au/?product=postcode-boundaries", "2642"),)
    assert message.info_for(("zh-CN", "zh")) is info


def test_tsunami_cancellation_three_references_and_signature_notice(shared_dir: Path) -> None:
    message = parse(read(shared_dir, TSUNAMI))
    assert message.identifier == "PAAQ-4-mg5a94"
    assert message.sender == "wcatwc@noaa.gov"
    assert message.sent == datetime(2013, 1, 5, 10, 58, 23, tzinfo=UTC)  # written -00:00
    assert (message.status, message.msg_type, message.scope) == ("Actual", "Update", "Public")
    assert message.source == "WCATWC"
    assert message.incidents == "mg5a94"
    assert message.codes == ("IPAWSv1.0",)
    assert message.references == tuple(
        cap.Reference("wcatwc@noaa.gov", f"PAAQ-{n}-mg5a94", datetime(2013, 1, 5, h, m, s, tzinfo=UTC))
        for n, (h, m, s) in ((1, (9, 1, 16)), (2, (9, 30, 16)), (3, (10, 17, 31)))
    )
    assert message.signed is True  # a placeholder "..." signature: present, never verified
    assert len(message.notices) == 1  # the character data inside ds:Signature
    assert "Signature" in message.notices[0]
    (info,) = message.infos
    assert info.language == "en-US"
    assert info.categories == ("Geo",)
    assert info.event == "Tsunami Cancellation"
    assert info.response_types == ("None",)
    assert (info.urgency, info.severity, info.certainty) == ("Past", "Unknown", "Unlikely")
    assert info.onset == info.expires == message.sent
    assert info.parameter("EventPreliminaryMagnitude") == "7.5"
    assert info.parameter("NWSUGC").startswith("BCZ220-210-922-912-921-911-110-AKZ026>029")
    (area,) = info.areas
    assert area.description == "95 miles NW of Dixon Entrance, Alaska"
    assert area.circles == ((55.3, -134.9, 0.0),)


def test_cap_xsd_alone_gives_no_schema_notice_to_any_shared_message(shared_dir: Path, cap_schema) -> None:
    # libxml2 skips the lax ds:Signature wildcard, so the tsunami message passes CAP-v1.2.xsd alone;
    # its only notice is the reader's own mixed-content one.
    for name in SHARED:
        data = read(shared_dir, name)
        assert parse(data, schema=cap_schema).notices == parse(data).notices, name


def test_schema_with_signature_flags_only_the_tsunami_message(shared_dir: Path, cap_dsig_schema) -> None:
    extra = {}
    for name in SHARED:
        data = read(shared_dir, name)
        with_schema = parse(data, schema=cap_dsig_schema)
        extra[name] = [notice for notice in with_schema.notices if notice not in parse(data).notices]
    assert {name: len(notices) for name, notices in extra.items()} == {
        PAGASA: 0,
        MEXICO: 0,
        TAIWAN: 0,
        NSW: 0,
        TSUNAMI: 1,
    }
    assert "Signature" in extra[TSUNAMI][0]
    assert parse(read(shared_dir, TSUNAMI), schema=cap_dsig_schema).identifier == "PAAQ-4-mg5a94"  # still parsed


def test_schema_violation_is_a_notice_not_an_error(cap_schema) -> None:
    out_of_order = (
        alert(extra="")
        .replace("<scope>Public</scope>", "")
        .replace("<status>Actual</status>", "<scope>Public</scope><status>Actual</status>")
    )
    without = parse(out_of_order)
    with_schema = parse(out_of_order, schema=cap_schema)
    assert without.notices == ()
    assert len(with_schema.notices) == 1
    assert with_schema.scope == "Public"


# --------------------------------------------------------------------------------------------------
# Hand-made messages

ALERT_DEFAULTS = {
    "identifier": "SC-TEST-0001",
    "sender": "warning@safecity.example.cn",
    "sent": "2026-07-20T08:30:00+08:00",
    "status": "Actual",
    "msgType": "Alert",
    "scope": "Public",
}
INFO_DEFAULTS = {
    "language": "zh-CN",
    "category": "Met",
    "event": "台风",
    "urgency": "Expected",
    "severity": "Severe",
    "certainty": "Likely",
}
AREA = "<area><areaDesc>湛江市</areaDesc><polygon>21,110 21,111 22,111 21,110</polygon></area>"


def _elements(values: dict[str, str], omit: tuple[str, ...]) -> str:
    return "".join(f"<{name}>{escape(value)}</{name}>" for name, value in values.items() if name not in omit)


def info_xml(*, omit: tuple[str, ...] = (), extra: str = AREA, **values: str) -> str:
    return f"<info>{_elements(INFO_DEFAULTS | values, omit)}{extra}</info>"


def alert(
    *, omit: tuple[str, ...] = (), infos: tuple[str, ...] | None = None, extra: str = "", ns: str = CAP_NS, **values
) -> str:
    """A minimal valid CAP 1.2 alert; ``values`` replace the alert elements, ``omit`` drops some."""
    infos = (info_xml(),) if infos is None else infos
    return f'<alert xmlns="{ns}">{_elements(ALERT_DEFAULTS | values, omit)}{extra}{"".join(infos)}</alert>'


def errors_of(xml: str | bytes) -> list[str]:
    with pytest.raises(CapError) as caught:
        parse(xml)
    assert caught.value.errors
    assert str(caught.value) == "; ".join(caught.value.errors)
    return caught.value.errors


def test_minimal_alert_is_valid() -> None:
    message = parse(alert())
    assert message.notices == ()
    assert message.sent == datetime(2026, 7, 20, 0, 30, tzinfo=UTC)
    assert message.infos[0].areas[0].polygons == (((21.0, 110.0), (21.0, 111.0), (22.0, 111.0), (21.0, 110.0)),)


def test_minimal_alert_passes_the_xsd(cap_schema) -> None:
    assert cap_schema.validate(etree.fromstring(alert().encode()))


@pytest.mark.parametrize("name", ["identifier", "sender", "sent", "status", "msgType", "scope"])
def test_required_alert_element_missing_is_an_error(name: str) -> None:
    assert any(name in error for error in errors_of(alert(omit=(name,))))
    assert any(name in error for error in errors_of(alert(**{name: "  "})))


@pytest.mark.parametrize("name", ["category", "event", "urgency", "severity", "certainty"])
def test_required_info_element_missing_is_an_error(name: str) -> None:
    assert any(name in error for error in errors_of(alert(infos=(info_xml(omit=(name,)),))))


def test_area_without_description_is_an_error() -> None:
    errors = errors_of(alert(infos=(info_xml(extra="<area><circle>21,110 5</circle></area>"),)))
    assert any("areaDesc" in error for error in errors)


@pytest.mark.parametrize(
    ("where", "name", "value"),
    [
        ("alert", "status", "Real"),
        ("alert", "msgType", "alert"),
        ("alert", "scope", "Everyone"),
        ("info", "category", "Weather"),
        ("info", "urgency", "Now"),
        ("info", "severity", "Red"),
        ("info", "certainty", "Sure"),
        ("info", "responseType", "Run"),
    ],
)
def test_value_outside_cap_list_is_an_error(where: str, name: str, value: str) -> None:
    xml = alert(**{name: value}) if where == "alert" else alert(infos=(info_xml(**{name: value}),))
    errors = errors_of(xml)
    assert any(name in error and value in error for error in errors)


def test_all_errors_reported_together() -> None:
    errors = errors_of(alert(status="Real", scope="Everyone", omit=("sender",)))
    assert len(errors) == 3


@pytest.mark.parametrize("value", ["a b", "a,b", "a<b", "a&b"])
def test_identifier_and_sender_forbidden_characters(value: str) -> None:
    assert any("identifier" in error for error in errors_of(alert(identifier=value)))
    assert any("sender" in error for error in errors_of(alert(sender=value)))


@pytest.mark.parametrize("value", ["2026-07-20T08:30:00", "2026-07-20", "2026-07-20 08:30:00+08:00", "yesterday"])
def test_sent_without_offset_or_in_other_format_is_an_error(value: str) -> None:
    assert any("sent" in error for error in errors_of(alert(sent=value)))


def test_invalid_calendar_date_is_an_error() -> None:
    assert any("sent" in error for error in errors_of(alert(sent="2026-02-30T08:30:00+08:00")))


def test_expires_without_offset_is_an_error() -> None:
    xml = alert(infos=(info_xml(extra=f"<expires>2026-07-21T08:30:00</expires>{AREA}"),))
    assert any("expires" in error for error in errors_of(xml))


def test_z_is_accepted_with_a_notice() -> None:
    message = parse(alert(sent="2026-07-20T00:30:00Z"))
    assert message.sent == datetime(2026, 7, 20, 0, 30, tzinfo=UTC)
    assert len(message.notices) == 1


def test_minus_zero_offset_is_utc_without_notice() -> None:
    message = parse(alert(sent="2026-07-20T00:30:00-00:00"))
    assert message.sent == datetime(2026, 7, 20, 0, 30, tzinfo=UTC)
    assert message.notices == ()


def test_fractional_seconds_accepted_with_a_notice() -> None:
    message = parse(alert(sent="2026-07-20T08:30:00.25+08:00"))
    assert message.sent == datetime(2026, 7, 20, 0, 30, 0, 250000, tzinfo=UTC)
    assert len(message.notices) == 1


@pytest.mark.parametrize(
    "data", [b"", b"not xml at all", b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>", "<a><b></a>", "   "]
)
def test_not_well_formed_is_an_error(data: bytes | str) -> None:
    errors_of(data)


def test_not_well_formed_error_has_position() -> None:
    (error,) = errors_of(b"<alert>\n  <identifier>x</identifer>\n</alert>")
    assert "2" in error  # the line of the mismatched tag


@pytest.mark.parametrize(
    "xml",
    [
        '<feed xmlns="http://www.w3.org/2005/Atom"/>',
        "<alert><identifier>x</identifier></alert>",
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.0"/>',
        '<info xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>',
    ],
)
def test_wrong_root_is_an_error(xml: str) -> None:
    (error,) = errors_of(xml)
    assert etree.QName(etree.fromstring(xml)).localname in error


def test_cap_1_1_namespace_read_with_a_notice() -> None:
    message = parse(alert(ns=CAP11_NS))
    assert message.identifier == "SC-TEST-0001"
    assert message.infos[0].event == "台风"
    assert len(message.notices) == 1


def test_update_references_and_malformed_triple() -> None:
    references = (
        "warning@safecity.example.cn,SC-TEST-0000,2026-07-19T08:30:00+08:00 "
        "broken-triple "
        "other@example.cn,OTHER-1,2026-07-19T09:00:00-00:00 "
        "x@example.cn,X-1,2026-07-19T09:00:00"
    )
    message = parse(alert(msgType="Update", extra=f"<references>{references}</references>"))
    assert message.references == (
        cap.Reference("warning@safecity.example.cn", "SC-TEST-0000", datetime(2026, 7, 19, 8, 30, tzinfo=tz(8))),
        cap.Reference("other@example.cn", "OTHER-1", datetime(2026, 7, 19, 9, 0, tzinfo=UTC)),
    )
    assert len(message.notices) == 2  # the two malformed triples
    assert any("broken-triple" in notice for notice in message.notices)


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_or_cancel_without_references_is_a_notice(msg_type: str) -> None:
    message = parse(alert(msgType=msg_type))
    assert message.msg_type == msg_type
    assert message.references == ()
    assert len(message.notices) == 1


def test_open_polygon_is_closed_with_a_notice() -> None:
    area = "<area><areaDesc>x</areaDesc><polygon>21,110 21,111 22,111</polygon></area>"
    message = parse(alert(infos=(info_xml(extra=area),)))
    assert message.infos[0].areas[0].polygons == (((21.0, 110.0), (21.0, 111.0), (22.0, 111.0), (21.0, 110.0)),)
    assert len(message.notices) == 1


@pytest.mark.parametrize(
    "geometry",
    [
        "<polygon>95,110 21,111 22,111 95,110</polygon>",
        "<polygon>21,181 21,111 22,111 21,181</polygon>",
        "<polygon>21,110 21,111 21,110</polygon>",
        "<polygon>21;110 21,111 22,111 21;110</polygon>",
        "<circle>95,110 10</circle>",
        "<circle>21,110 -1</circle>",
        "<circle>21,110</circle>",
        "<altitude>high</altitude>",
    ],
)
def test_bad_geometry_is_an_error(geometry: str) -> None:
    errors_of(alert(infos=(info_xml(extra=f"<area><areaDesc>x</areaDesc>{geometry}</area>"),)))


def test_area_altitude_ceiling_and_geocode() -> None:
    area = (
        "<area><areaDesc>赤坎区</areaDesc><circle>21.27,110.36 12.5</circle>"
        "<geocode><valueName>GB/T 2260</valueName><value>440802</value></geocode>"
        "<altitude>0</altitude><ceiling>1500.5</ceiling></area>"
    )
    (area_read,) = parse(alert(infos=(info_xml(extra=area),))).infos[0].areas
    assert area_read.circles == ((21.27, 110.36, 12.5),)
    assert area_read.geocodes == (("GB/T 2260", "440802"),)
    assert (area_read.altitude, area_read.ceiling) == (0.0, 1500.5)


def test_gb_t_35965_identifier_gives_issuer_code() -> None:
    identifier = "44070000000000_20260720083000_1"  # ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N
    assert len(identifier) == 31
    assert parse(alert(identifier=identifier)).gb_issuer_code == "440700"


@pytest.mark.parametrize(
    "identifier",
    [
        "SC-TEST-0001",
        "440700000000000000_20260720083000_1",  # 36 characters: 18 before the first underscore
        "4407000000000_20260720083000_1",  # 30 characters
        "44070000000000_2026072008300_12",  # 13-digit time
        "44070X00000000_20260720083000_1",  # area code not all digits
    ],
)
def test_other_identifiers_have_no_issuer_code(identifier: str) -> None:
    assert parse(alert(identifier=identifier)).gb_issuer_code == ""


def test_chinese_multi_info_message_prefers_zh_cn() -> None:
    infos = (
        info_xml(language="en-US", event="Typhoon"),
        info_xml(language="zh-TW", event="颱風"),
        info_xml(language="zh-CN", event="台风"),
    )
    message = parse(alert(infos=infos))
    assert [info.language for info in message.infos] == ["en-US", "zh-TW", "zh-CN"]
    assert message.info_for().event == "台风"
    assert message.info_for(("ZH-cn",)).event == "台风"
    assert message.info_for(("zh",)).event == "颱風"  # primary subtag, first such info
    assert message.info_for(("en",)).event == "Typhoon"
    assert message.info_for(("fr",)).event == "Typhoon"  # nothing matches: the first


def test_no_info() -> None:
    message = parse(alert(infos=(), status="System"))
    assert message.infos == ()
    assert message.info_for() is None


def test_info_without_language_defaults_to_en_us() -> None:
    assert parse(alert(infos=(info_xml(omit=("language",)),))).infos[0].language == "en-US"


def test_unknown_cap_element_is_a_notice_and_extensions_are_ignored() -> None:
    extension = '<ext:level xmlns:ext="urn:example:safecity">红色</ext:level>'
    message = parse(alert(extra=f"<priority>high</priority>{extension}"))
    assert len(message.notices) == 1
    assert "priority" in message.notices[0]


def test_character_data_between_elements_is_a_notice() -> None:
    xml = alert().replace("<scope>", "stray text<scope>")
    message = parse(xml)
    assert len(message.notices) == 1
    assert "alert" in message.notices[0]


def test_signature_detected() -> None:
    signature = f'<Signature xmlns="{DS_NS}"><SignedInfo/></Signature>'
    assert parse(alert()).signed is False
    assert parse(alert(infos=(info_xml(), signature))).signed is True


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier>
<sender>a</sender><sent>2026-07-20T08:30:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>
<scope>Public</scope><note>&xxe;</note></alert>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a</identifier><sender>a</sender>
<sent>2026-07-20T08:30:00+08:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<note>&lol9;</note></alert>"""


def _passwd_lines() -> list[str]:
    try:
        return [line for line in Path("/etc/passwd").read_text().splitlines() if line.strip()]
    except OSError:
        return ["root:x:0:0:"]


@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_never_expand(data: bytes) -> None:
    try:
        message = parse(data)
    except CapError as error:
        text = str(error)
    else:
        text = repr(message)
        assert "lollol" not in text
    assert "lollol" not in text
    assert not any(line in text for line in _passwd_lines())
    assert "root:" not in text


def test_over_one_mib_is_an_error() -> None:
    padding = "<note>" + "x" * (1024 * 1024) + "</note>"
    errors_of(alert(extra=padding))
    errors_of(alert(extra=padding).encode())


def test_just_under_limit_is_read() -> None:
    base = alert(extra="<note></note>")
    room = cap.MAX_BYTES - len(base.encode())
    message = parse(alert(extra="<note>" + "x" * room + "</note>").encode())
    assert len(message.note) == room


def test_parsed_objects_are_frozen() -> None:
    message = parse(alert())
    with pytest.raises(AttributeError):
        message.identifier = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        message.infos[0].event = "changed"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------------
# Property: valid messages round-trip

# No surrogates, controls or non-characters (not XML text); identifiers also without whitespace, ",", "<", "&".
_XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
_ID_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zs", "Zl", "Zp"), blacklist_characters=",<&")


@settings(max_examples=50, deadline=None)
@given(
    identifier=st.text(_ID_CHARS, min_size=1, max_size=40),
    sender=st.text(_ID_CHARS, min_size=1, max_size=40),
    status=st.sampled_from(cap.STATUSES),
    msg_type=st.sampled_from(cap.MSG_TYPES),
    scope=st.sampled_from(cap.SCOPES),
    category=st.sampled_from(cap.CATEGORIES),
    urgency=st.sampled_from(cap.URGENCIES),
    severity=st.sampled_from(cap.SEVERITIES),
    certainty=st.sampled_from(cap.CERTAINTIES),
    event=st.text(_XML_CHARS, min_size=1, max_size=60).filter(str.strip),
    as_bytes=st.booleans(),
)
def test_valid_messages_round_trip(
    identifier, sender, status, msg_type, scope, category, urgency, severity, certainty, event, as_bytes
) -> None:
    xml = alert(
        identifier=identifier,
        sender=sender,
        status=status,
        msgType=msg_type,
        scope=scope,
        infos=(info_xml(category=category, urgency=urgency, severity=severity, certainty=certainty, event=event),),
    )
    message = parse(xml.encode() if as_bytes else xml)
    assert (message.identifier, message.sender, message.status, message.msg_type, message.scope) == (
        identifier,
        sender,
        status,
        msg_type,
        scope,
    )
    (info,) = message.infos
    assert (info.event, info.categories, info.urgency, info.severity, info.certainty) == (
        event.strip(),
        (category,),
        urgency,
        severity,
        certainty,
    )
