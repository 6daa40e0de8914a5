"""Template rules every page keeps (checked on the template files themselves)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_hand_written_table_scrolls_inside_its_own_box_on_a_phone():
    """ui.md: a phone is 390 px wide — a table wider than that scrolls within ``.table-responsive``, never the
    whole page (tables built by django-tables2 get their wrapper from its template)."""
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            if "table-responsive" not in text[max(0, match.start() - 120) : match.start()]:
                bare.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not bare, f"<table> without a .table-responsive wrapper: {bare}"
