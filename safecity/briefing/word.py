"""The briefing as a Word document (python-docx), in the shape duty rooms file: title, sections, tables."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .services import Briefing

CJK_FONT = "SimSun"


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _use_cjk_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)


def _table(document, headers: list[str], rows: list[list[str]], empty: str) -> None:
    if not rows:
        document.add_paragraph(empty)
        return
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def briefing_docx(briefing: Briefing) -> bytes:
    document = Document()
    _use_cjk_font(document)
    title = document.add_heading(
        _("%(post)s duty briefing, %(day)s") % {"post": briefing.post.name, "day": briefing.day.isoformat()}, level=1
    )
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("Duty day %(start)s – %(end)s · generated %(now)s")
        % {"start": _fmt(briefing.start), "end": _fmt(briefing.end), "now": _fmt(briefing.generated_at)}
    )
    totals = briefing.totals
    document.add_paragraph(
        _(
            "Summary: %(log)s log entries, %(new)s new incidents, %(updated)s incidents updated, "
            "%(overdue)s reports overdue, %(handovers)s handovers not acknowledged."
        )
        % {
            "log": totals["log_entries"],
            "new": totals["new_incidents"],
            "updated": totals["updated_incidents"],
            "overdue": totals["overdue"],
            "handovers": totals["open_handovers"],
        }
    )
    document.add_heading(_("On duty"), level=2)
    _table(
        document,
        [_("From"), _("To"), _("Leader on shift"), _("Duty officers"), _("Phone")],
        [
            [
                _fmt(s.starts_at),
                _fmt(s.ends_at),
                str(s.leader or "—"),
                "、".join(str(o) for o in s.officers.all()) or "—",
                s.duty_phone,
            ]
            for s in briefing.shifts
        ],
        _("No shift on the roster."),
    )
    document.add_heading(_("Duty log"), level=2)
    _table(
        document,
        [_("Time"), _("Place"), _("What happened"), _("Caller"), _("Recorded by")],
        [
            [
                _fmt(e.occurred_at),
                e.place,
                e.summary,
                " ".join(filter(None, [e.caller_unit, e.caller_name])),
                str(e.recorded_by or ""),
            ]
            for e in briefing.log_entries
        ],
        _("No log entries."),
    )
    document.add_heading(_("Incidents"), level=2)
    rows = [
        [
            _("new") if i in briefing.new_incidents else _("updated"),
            i.title,
            i.get_level_display() or "—",
            str(i.region),
            _fmt(i.occurred_at),
            f"{i.dead}/{i.missing}/{i.seriously_injured}/{i.injured}",
        ]
        for i in [*briefing.new_incidents, *briefing.updated_incidents]
    ]
    _table(
        document,
        [
            _("New or updated"),
            _("Incident"),
            _("Level"),
            _("Region"),
            _("Occurred"),
            _("Dead/missing/seriously injured/injured"),
        ],
        rows,
        _("No incidents."),
    )
    document.add_heading(_("Overdue and open items"), level=2)
    _table(
        document,
        [_("Incident"), _("Requirement"), _("Due")],
        [[d.incident.title, d.display_label, _fmt(d.due_at)] for d in briefing.overdue_deadlines]
        + [
            [_("Handover not acknowledged"), f"{h.outgoing} → {h.incoming}", _fmt(h.handed_over_at)]
            for h in briefing.open_handovers
        ],
        _("Nothing overdue."),
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
