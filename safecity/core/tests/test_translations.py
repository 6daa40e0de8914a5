"""The Simplified Chinese catalogue: complete, compiled, and used by default."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import override

from safecity.core.navigation import AREAS

CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\{\s*\w+\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: flags, msgctxt, msgid(_plural), msgstr(/[n]), multi-line strings.

    The header entry (empty msgid) is included; obsolete (``#~``) entries are marked as such.
    """
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry.msgstr:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete fuzzy entry
                continue
        elif not line or line.startswith("#"):
            if entry.msgstr:  # a blank line or a comment after msgstr starts the next entry
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            name, index, literal = match.groups()
            if name in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            if name.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = ""
            else:
                target = (name, 0)
                setattr(entry, name, "")
        elif not (line.startswith('"') and target is not None):
            raise AssertionError(f"Unexpected line in {path.name}: {raw!r}")
        else:
            literal = line
        entry.obsolete = entry.obsolete or obsolete
        text = ast.literal_eval(literal)
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += text
        else:
            setattr(entry, target[0], getattr(entry, target[0]) + text)
    finish()
    return entries


def _messages() -> list[Entry]:
    return [e for e in parse_po(PO_FILE) if e.msgid and not e.obsolete]


def test_the_po_file_has_a_proper_header():
    header = next(e for e in parse_po(PO_FILE) if e.msgid == "")
    assert "fuzzy" not in header.flags
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_every_message_in_the_chinese_catalogue_is_translated():
    messages = _messages()
    assert len(messages) > 100, "the catalogue looks truncated"
    untranslated = [e.msgid for e in messages if not e.msgstr or any(not s for s in e.translations)]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    extra_forms = [e.msgid for e in messages if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert not extra_forms, f"Chinese has one plural form, fill msgstr[0] only: {extra_forms}"


def test_translations_keep_every_placeholder():
    broken = []
    for e in _messages():
        expected = sorted(set(_PLACEHOLDER.findall(e.msgid)) | set(_PLACEHOLDER.findall(e.msgid_plural or "")))
        for s in e.translations:
            if sorted(set(_PLACEHOLDER.findall(s))) != expected:
                broken.append((e.msgid, s))
    assert not broken, broken


def test_compiled_catalogue_is_up_to_date_with_the_po_file():
    assert MO_FILE.exists(), "run `safecity compilemessages` and commit django.mo"
    with MO_FILE.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    stale = []
    for e in _messages():
        if e.msgid_plural is not None:
            got = (
                mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt
                else mo.ngettext(e.msgid, e.msgid_plural, 1)
            )
        else:
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append((e.msgid, e.msgstr[0], got))
    assert not stale, f"django.mo is out of date; run `safecity compilemessages`: {stale}"


def test_navigation_labels_are_chinese_by_default():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with override("zh-hans"):
        labels = {area.key: str(area.label) for area in AREAS}
    assert labels["grid"] == "网格管理"
    assert labels["duty"] == "值班值守"
    assert labels["reporting"] == "信息报送"
    assert labels["map"] == "一张图"
    assert labels["system"] == "系统管理"
    with override("en"):
        assert str(next(a for a in AREAS if a.key == "grid").label) == "Grid management"


_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy", "ngettext_lazy"}


def test_no_translatable_text_is_written_inside_an_f_string():
    """``makemessages`` (xgettext) does not look inside f-string expressions: ``f"{_('limit')}"`` is never
    extracted, so it stays English in the Chinese UI unless the same text happens to be marked elsewhere.
    Such text is marked outside the f-string (a variable, or ``%`` / ``format`` on the translated text)."""
    root = Path(settings.BASE_DIR)  # the safecity package
    found = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in _GETTEXT_NAMES:
                    found.append(f"{path.relative_to(root.parent)}:{inner.lineno}")
    assert not found, f"gettext inside f-strings (never extracted): {sorted(set(found))}"
