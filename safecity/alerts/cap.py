"""Reading OASIS CAP 1.2 (Common Alerting Protocol) messages received from warning feeds.

``parse`` turns the bytes of one message into frozen dataclasses and checks them. Problems are of
two kinds:

* **errors** — the message cannot be used (not XML, not CAP, a required element missing, a value
  outside CAP's lists, a time without a zone, a coordinate off the globe): ``CapError`` is raised
  with all of them;
* **notices** — deviations real feeds have and that we accept (``Z`` instead of ``+00:00``, an open
  polygon, character data where CAP expects only elements, an Update without references, XSD
  complaints when a schema is given, ...): the message is returned and ``Message.notices`` lists them.

The XML signature (``ds:Signature``) is detected (``Message.signed``) but not verified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext as _
from lxml import etree

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11_NS = "urn:oasis:names:tc:emergency:cap:1.1"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"

MAX_BYTES = 1024 * 1024  # 1 MiB

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

DEFAULT_LANGUAGE = "en-US"

# Child elements CAP 1.2 defines for each of its container elements.
_CHILDREN: dict[str, frozenset[str]] = {
    "alert": frozenset(
        [
            "identifier",
            "sender",
            "sent",
            "status",
            "msgType",
            "source",
            "scope",
            "restriction",
            "addresses",
            "code",
            "note",
            "references",
            "incidents",
            "info",
        ]
    ),
    "info": frozenset(
        [
            "language",
            "category",
            "event",
            "responseType",
            "urgency",
            "severity",
            "certainty",
            "audience",
            "eventCode",
            "effective",
            "onset",
            "expires",
            "senderName",
            "headline",
            "description",
            "instruction",
            "web",
            "contact",
            "parameter",
            "resource",
            "area",
        ]
    ),
    "eventCode": frozenset({"valueName", "value"}),
    "parameter": frozenset({"valueName", "value"}),
    "geocode": frozenset({"valueName", "value"}),
    "resource": frozenset(["resourceDesc", "mimeType", "size", "uri", "derefUri", "digest"]),
    "area": frozenset(["areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"]),
}

# Elements whose content model is elements only (no character data), even when they happen to have no
# child element: the CAP containers and the element-only types of the XML-signature schema
# (xmldsig-core-schema.xsd; CanonicalizationMethod, SignatureMethod, DigestMethod, Transform, KeyInfo,
# KeyValue, Object and SignatureProperty are mixed there and are not listed).
_ELEMENT_ONLY: frozenset[tuple[str, str]] = frozenset(
    {(CAP_NS, name) for name in _CHILDREN}
    | {(CAP11_NS, name) for name in _CHILDREN}
    | {
        (DS_NS, name)
        for name in (
            "Signature",
            "SignedInfo",
            "Reference",
            "Transforms",
            "RSAKeyValue",
            "DSAKeyValue",
            "X509Data",
            "X509IssuerSerial",
            "PGPData",
            "SPKIData",
            "RetrievalMethod",
            "Manifest",
            "SignatureProperties",
        )
    }
)

_DATETIME_RE = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?P<fraction>\.\d+)?(?P<zone>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
# GB/T 35965.1-2018: ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N = 6 + 8 + 1 + 14 + 1 + 1 = 31 characters.
_GB_IDENTIFIER_RE = re.compile(r"(?P<issuer>\d{6})[0-9A-Za-z]{8}_\d{14}_\d", re.ASCII)
_FORBIDDEN_IN_ID = re.compile(r"[\s,<&]")
_XML_DECLARATION_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_POSITION_SUFFIX_RE = re.compile(r", line \d+, column \d+\Z")


class CapError(ValueError):
    """The message cannot be used; ``errors`` lists every reason found."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors: list[str] = list(errors)
        super().__init__("; ".join(self.errors))

    def __str__(self) -> str:
        return "; ".join(self.errors)


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: datetime  # aware


@dataclass(frozen=True)
class Area:
    description: str
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # (lat, lon) pairs, closed
    circles: tuple[tuple[float, float, float], ...]  # lat, lon, radius km
    geocodes: tuple[tuple[str, str], ...]  # (valueName, value)
    altitude: float | None
    ceiling: float | None


@dataclass(frozen=True)
class Info:
    language: str
    categories: tuple[str, ...]
    event: str
    response_types: tuple[str, ...]
    urgency: str
    severity: str
    certainty: str
    audience: str
    event_codes: tuple[tuple[str, str], ...]
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    sender_name: str
    headline: str
    description: str
    instruction: str
    web: str
    contact: str
    parameters: tuple[tuple[str, str], ...]
    areas: tuple[Area, ...]

    def parameter(self, *names: str) -> str:
        """Value of the first parameter whose valueName is one of ``names`` (case-insensitive), else ""."""
        wanted = {name.casefold() for name in names}
        for value_name, value in self.parameters:
            if value_name.casefold() in wanted:
                return value
        return ""


@dataclass(frozen=True)
class Message:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    source: str
    restriction: str
    addresses: str
    codes: tuple[str, ...]
    note: str
    references: tuple[Reference, ...]
    incidents: str
    infos: tuple[Info, ...]
    signed: bool  # a ds:Signature is present; it is not verified
    notices: tuple[str, ...]

    def info_for(self, languages: Sequence[str] = ("zh-CN", "zh")) -> Info | None:
        """Best info for ``languages``: exact tag, then same primary subtag, else the first info."""
        if not self.infos:
            return None
        for language in languages:
            for info in self.infos:
                if info.language.casefold() == language.casefold():
                    return info
        for language in languages:
            primary = language.split("-")[0].casefold()
            for info in self.infos:
                if info.language.split("-")[0].casefold() == primary:
                    return info
        return self.infos[0]

    @property
    def gb_issuer_code(self) -> str:
        """GB/T 2260 area code of the issuer of a GB/T 35965.1-2018 identifier, else ""."""
        match = _GB_IDENTIFIER_RE.fullmatch(self.identifier)
        return match["issuer"] if match else ""


# --------------------------------------------------------------------------------------------------
# Parsing


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _namespace(element: etree._Element) -> str | None:
    return etree.QName(element).namespace


def _elements(element: etree._Element) -> list[etree._Element]:
    """Child elements only (no comments, processing instructions or entity references)."""
    return [child for child in element if isinstance(child.tag, str)]


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(_own_text(element)).strip()


def _own_text(element: etree._Element) -> Iterable[str]:
    """Character data of ``element`` and of its descendant elements (not comments or PIs)."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _own_text(child)
        if child.tail:
            yield child.tail


class _Reader:
    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.errors: list[str] = []
        self.notices: list[str] = []

    # -- helpers ------------------------------------------------------------------------------------

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def error(self, text: str) -> None:
        if text not in self.errors:
            self.errors.append(text)

    def children(self, element: etree._Element, name: str) -> list[etree._Element]:
        tag = f"{{{self.ns}}}{name}"
        return [child for child in element if child.tag == tag]

    def single(self, element: etree._Element, name: str) -> etree._Element | None:
        found = self.children(element, name)
        if len(found) > 1:
            self.notice(
                _("Element <%(name)s> appears %(count)d times in <%(parent)s>; the first one is used.")
                % {"name": name, "count": len(found), "parent": _local(element)}
            )
        return found[0] if found else None

    def optional(self, element: etree._Element, name: str) -> str:
        return _text(self.single(element, name))

    def required(self, element: etree._Element, name: str, where: str) -> str:
        value = _text(self.single(element, name))
        if not value:
            self.error(_("Element <%(name)s> is missing or empty in %(where)s.") % {"name": name, "where": where})
        return value

    def enumerated(self, value: str, name: str, allowed: Sequence[str], where: str) -> str:
        if value and value not in allowed:
            self.error(
                _("Element <%(name)s> in %(where)s has the value “%(value)s”, which is not one of: %(allowed)s.")
                % {"name": name, "where": where, "value": value, "allowed": ", ".join(allowed)}
            )
        return value

    def datetime(self, value: str, name: str, where: str) -> datetime | None:
        """A CAP date-time; errors and notices are recorded, None when unusable or empty."""
        if not value:
            return None
        match = _DATETIME_RE.fullmatch(value)
        if match is None:
            self.error(
                _("Element <%(name)s> in %(where)s is not a CAP date-time (YYYY-MM-DDThh:mm:ss±hh:mm): “%(value)s”.")
                % {"name": name, "where": where, "value": value}
            )
            return None
        zone = match["zone"]
        if zone is None:
            self.error(
                _(
                    "Element <%(name)s> in %(where)s has no time-zone offset (“%(value)s”); "
                    "a warning time without a zone is ambiguous."
                )
                % {"name": name, "where": where, "value": value}
            )
            return None
        if zone == "Z":
            self.notice(
                _("Element <%(name)s> in %(where)s uses “Z”, which CAP does not allow; read as +00:00: “%(value)s”.")
                % {"name": name, "where": where, "value": value}
            )
            zone = "+00:00"
        fraction = match["fraction"] or ""
        if fraction:
            self.notice(
                _("Element <%(name)s> in %(where)s has fractional seconds, which CAP does not allow: “%(value)s”.")
                % {"name": name, "where": where, "value": value}
            )
            fraction = fraction[:7]  # at most microseconds
        try:
            return datetime.fromisoformat(match["base"] + fraction + zone)
        except ValueError:
            self.error(
                _("Element <%(name)s> in %(where)s is not a valid date-time: “%(value)s”.")
                % {"name": name, "where": where, "value": value}
            )
            return None

    def pairs(self, element: etree._Element, name: str, where: str) -> tuple[tuple[str, str], ...]:
        result = []
        for pair in self.children(element, name):
            value_name = self.optional(pair, "valueName")
            if not value_name:
                self.notice(_("An <%(name)s> in %(where)s has no <valueName>.") % {"name": name, "where": where})
            result.append((value_name, self.optional(pair, "value")))
        return tuple(result)

    # -- structure ---------------------------------------------------------------------------------

    def check_vocabulary(self, element: etree._Element) -> None:
        """Notice CAP-namespace elements that CAP does not define where they appear."""
        allowed = _CHILDREN.get(_local(element), frozenset())
        for child in _elements(element):
            if _namespace(child) != self.ns:
                continue  # signature, extensions: not CAP's business
            if _local(child) in allowed:
                self.check_vocabulary(child)
            else:
                self.notice(
                    _("Element <%(name)s> inside <%(parent)s> is not defined by CAP 1.2 and was ignored.")
                    % {"name": _local(child), "parent": _local(element)}
                )

    def check_mixed_content(self, root: etree._Element) -> None:
        """Notice character data between child elements (what an XSD rejects as mixed content)."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            element_only = (_namespace(element), _local(element)) in _ELEMENT_ONLY
            has_children = any(isinstance(child.tag, str) for child in element)
            if not (element_only or has_children):
                continue
            texts = [element.text or ""] + [child.tail or "" for child in element]
            if any(text.strip() for text in texts):
                self.notice(
                    _("Element <%(name)s> has character data between its child elements.") % {"name": _local(element)}
                )

    # -- content -----------------------------------------------------------------------------------

    def identifier_like(self, value: str, name: str) -> str:
        if value and _FORBIDDEN_IN_ID.search(value):
            self.error(
                _("Element <%(name)s> must not contain spaces, commas, “<” or “&”: “%(value)s”.")
                % {"name": name, "value": value}
            )
        return value

    def references(self, value: str) -> tuple[Reference, ...]:
        result = []
        for triple in value.split():
            parts = triple.split(",")
            sent = None
            if len(parts) == 3 and all(parts):
                probe = _Reader(self.ns)
                sent = probe.datetime(parts[2], "references", "<alert>")
                if probe.errors:
                    sent = None
            if sent is None:
                self.notice(
                    _("Reference “%(value)s” is not a sender,identifier,sent triple and was ignored.")
                    % {"value": triple}
                )
                continue
            result.append(Reference(sender=parts[0], identifier=parts[1], sent=sent))
        return tuple(result)

    def point(self, text: str, name: str, where: str) -> tuple[float, float] | None:
        parts = text.split(",")
        try:
            if len(parts) != 2:
                raise ValueError(text)
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            self.error(
                _("Element <%(name)s> in %(where)s has “%(value)s” where a “latitude,longitude” pair belongs.")
                % {"name": name, "where": where, "value": text}
            )
            return None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            self.error(
                _(
                    "Element <%(name)s> in %(where)s has the point %(value)s outside latitude -90..90 "
                    "or longitude -180..180."
                )
                % {"name": name, "where": where, "value": text}
            )
            return None
        return lat, lon

    def polygon(self, text: str, where: str) -> tuple[tuple[float, float], ...] | None:
        points = [self.point(token, "polygon", where) for token in text.split()]
        if any(point is None for point in points):
            return None
        closed: list[tuple[float, float]] = [point for point in points if point is not None]
        if closed and closed[0] != closed[-1]:
            self.notice(
                _("A <polygon> in %(where)s does not end at its first point; it was closed.") % {"where": where}
            )
            closed.append(closed[0])
        if len(closed) < 4:
            self.error(
                _("A <polygon> in %(where)s has %(count)d points; at least 4 are needed (the first repeated last).")
                % {"where": where, "count": len(closed)}
            )
            return None
        return tuple(closed)

    def circle(self, text: str, where: str) -> tuple[float, float, float] | None:
        parts = text.split()
        if len(parts) != 2:
            self.error(
                _("A <circle> in %(where)s is not “latitude,longitude radius”: “%(value)s”.")
                % {"where": where, "value": text}
            )
            return None
        center = self.point(parts[0], "circle", where)
        try:
            radius = float(parts[1])
            if not radius >= 0:
                raise ValueError(parts[1])
        except ValueError:
            self.error(
                _("A <circle> in %(where)s has an invalid radius: “%(value)s”.") % {"where": where, "value": text}
            )
            return None
        if center is None:
            return None
        return center[0], center[1], radius

    def number(self, element: etree._Element, name: str, where: str) -> float | None:
        value = self.optional(element, name)
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            self.error(
                _("Element <%(name)s> in %(where)s is not a number: “%(value)s”.")
                % {"name": name, "where": where, "value": value}
            )
            return None

    def area(self, element: etree._Element, where: str) -> Area:
        description = self.required(element, "areaDesc", where)
        polygons = [self.polygon(_text(polygon), where) for polygon in self.children(element, "polygon")]
        circles = [self.circle(_text(circle), where) for circle in self.children(element, "circle")]
        return Area(
            description=description,
            polygons=tuple(polygon for polygon in polygons if polygon is not None),
            circles=tuple(circle for circle in circles if circle is not None),
            geocodes=self.pairs(element, "geocode", where),
            altitude=self.number(element, "altitude", where),
            ceiling=self.number(element, "ceiling", where),
        )

    def info(self, element: etree._Element, index: int) -> Info:
        where = _("<info> #%(index)d") % {"index": index}
        categories = tuple(_text(category) for category in self.children(element, "category"))
        if not any(categories):
            self.error(_("Element <%(name)s> is missing or empty in %(where)s.") % {"name": "category", "where": where})
        for category in categories:
            self.enumerated(category, "category", CATEGORIES, where)
        response_types = tuple(_text(response) for response in self.children(element, "responseType"))
        for response_type in response_types:
            self.enumerated(response_type, "responseType", RESPONSE_TYPES, where)
        areas = []
        for number, area in enumerate(self.children(element, "area"), start=1):
            area_where = _("<area> #%(area)d of %(info)s") % {"area": number, "info": where}
            areas.append(self.area(area, area_where))
        return Info(
            language=self.optional(element, "language") or DEFAULT_LANGUAGE,
            categories=tuple(category for category in categories if category),
            event=self.required(element, "event", where),
            response_types=tuple(response_type for response_type in response_types if response_type),
            urgency=self.enumerated(self.required(element, "urgency", where), "urgency", URGENCIES, where),
            severity=self.enumerated(self.required(element, "severity", where), "severity", SEVERITIES, where),
            certainty=self.enumerated(self.required(element, "certainty", where), "certainty", CERTAINTIES, where),
            audience=self.optional(element, "audience"),
            event_codes=self.pairs(element, "eventCode", where),
            effective=self.datetime(self.optional(element, "effective"), "effective", where),
            onset=self.datetime(self.optional(element, "onset"), "onset", where),
            expires=self.datetime(self.optional(element, "expires"), "expires", where),
            sender_name=self.optional(element, "senderName"),
            headline=self.optional(element, "headline"),
            description=self.optional(element, "description"),
            instruction=self.optional(element, "instruction"),
            web=self.optional(element, "web"),
            contact=self.optional(element, "contact"),
            parameters=self.pairs(element, "parameter", where),
            areas=tuple(areas),
        )

    def message(self, root: etree._Element) -> Message | None:
        where = "<alert>"
        identifier = self.identifier_like(self.required(root, "identifier", where), "identifier")
        sender = self.identifier_like(self.required(root, "sender", where), "sender")
        sent = self.datetime(self.required(root, "sent", where), "sent", where)
        status = self.enumerated(self.required(root, "status", where), "status", STATUSES, where)
        msg_type = self.enumerated(self.required(root, "msgType", where), "msgType", MSG_TYPES, where)
        scope = self.enumerated(self.required(root, "scope", where), "scope", SCOPES, where)
        references = self.references(self.optional(root, "references"))
        if msg_type in ("Update", "Cancel") and not references:
            self.notice(
                _("This %(msg_type)s message does not say which earlier messages it refers to (<references>).")
                % {"msg_type": msg_type}
            )
        infos = tuple(self.info(info, index) for index, info in enumerate(self.children(root, "info"), start=1))
        signed = any(child.tag == f"{{{DS_NS}}}Signature" for child in root)
        if self.errors or sent is None:
            return None
        return Message(
            identifier=identifier,
            sender=sender,
            sent=sent,
            status=status,
            msg_type=msg_type,
            scope=scope,
            source=self.optional(root, "source"),
            restriction=self.optional(root, "restriction"),
            addresses=self.optional(root, "addresses"),
            codes=tuple(code for code in (_text(code) for code in self.children(root, "code")) if code),
            note=self.optional(root, "note"),
            references=references,
            incidents=self.optional(root, "incidents"),
            infos=infos,
            signed=signed,
            notices=(),
        )


def _load(data: bytes | str) -> etree._Element:
    """Parse the XML safely; raise CapError when it is too large, not well-formed or has a DTD."""
    if isinstance(data, str):
        data = data.removeprefix("\ufeff")
        size = len(data.encode("utf-8", errors="surrogatepass"))
        # lxml refuses str input that declares an encoding; the text is already decoded.
        data = _XML_DECLARATION_RE.sub("", data, count=1)
    elif isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data).removeprefix(b"\xef\xbb\xbf")
        size = len(data)
    else:
        raise TypeError("parse() expects bytes or str")
    if size > MAX_BYTES:
        raise CapError(
            [
                _("The message is %(size)d bytes long; at most %(limit)d bytes are accepted.")
                % {"size": size, "limit": MAX_BYTES}
            ]
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        raise CapError(
            [
                _("The message is not well-formed XML (line %(line)s, column %(column)s): %(reason)s")
                % {"line": line, "column": column, "reason": _POSITION_SUFFIX_RE.sub("", exc.msg or "")}
            ]
        ) from exc
    except ValueError as exc:  # e.g. an empty document, invalid characters in str input
        raise CapError([_("The message is not well-formed XML: %(reason)s") % {"reason": str(exc)}]) from exc
    if root is None:
        raise CapError([_("The message is not well-formed XML: %(reason)s") % {"reason": "empty document"}])
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CapError([_("The message has a document type declaration (DOCTYPE), which CAP messages never have.")])
    return root


def parse(data: bytes | str, *, schema: etree.XMLSchema | None = None) -> Message:
    """Parse and check one CAP 1.2 message; raise CapError when it cannot be used.

    ``schema`` (an ``lxml.etree.XMLSchema``, e.g. built from CAP-v1.2.xsd) is optional; what it
    rejects becomes notices prefixed “schema:”, not errors: a published feed is not refused for that.
    """
    root = _load(data)
    found = etree.QName(root)
    if found.localname != "alert" or found.namespace not in (CAP_NS, CAP11_NS):
        raise CapError(
            [
                _("The root element is %(found)s, not <alert> in the CAP 1.2 namespace (%(ns)s).")
                % {"found": f"<{found.localname}>" + (f" ({found.namespace})" if found.namespace else ""), "ns": CAP_NS}
            ]
        )
    reader = _Reader(found.namespace)
    if found.namespace == CAP11_NS:
        reader.notice(_("CAP 1.1 message read as CAP 1.2."))
    message = reader.message(root)
    if reader.errors or message is None:
        raise CapError(reader.errors)
    reader.check_vocabulary(root)
    reader.check_mixed_content(root)
    if schema is not None and not schema.validate(root):
        for entry in schema.error_log:
            reader.notice(_("schema: line %(line)s: %(message)s") % {"line": entry.line, "message": entry.message})
    return replace(message, notices=tuple(reader.notices))
