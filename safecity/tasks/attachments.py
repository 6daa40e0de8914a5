"""Uploaded documents (task evidence, contingency plan files): checked by their content, stored under random names.

The name and the browser's content type are not trusted: a PDF must start like a PDF, a Word .docx
must be a zip with ``word/document.xml``, a Word .doc an OLE file with a ``WordDocument`` stream,
an image must open in Pillow. The extension must agree with the content. Check every file first,
then store: one refused file means nothing at all is stored.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Kind:
    key: str
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = Kind("pdf", ("pdf",), "application/pdf", "PDF")
DOCX = Kind("docx", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
DOC = Kind("doc", ("doc",), "application/msword", "Word")
JPEG = Kind("jpeg", ("jpg", "jpeg"), "image/jpeg", "JPEG")
PNG = Kind("png", ("png",), "image/png", "PNG")

KINDS = {k.key: k for k in (PDF, DOCX, DOC, JPEG, PNG)}
#: What each use accepts.
DOCUMENT_KINDS = ("pdf", "docx", "doc")
EVIDENCE_KINDS = ("pdf", "docx", "doc", "jpeg", "png")
KIND_NAMES = {
    DOCUMENT_KINDS: gettext_lazy("PDF or Word (.docx, .doc)"),
    EVIDENCE_KINDS: gettext_lazy("PDF, Word (.docx, .doc), JPEG or PNG"),
}
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def detect(data: bytes) -> Kind | None:
    """The kind of file ``data`` really is, from its content; ``None`` when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        return DOCX if "word/document.xml" in names and "[Content_Types].xml" in names else None
    if data.startswith(_OLE):
        return DOC if _WORD_STREAM in data else None
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return None
        return {"JPEG": JPEG, "PNG": PNG}.get(fmt)
    return None


def check_upload(upload, *, kinds: tuple[str, ...], max_bytes: int) -> Kind:
    """Return the checked kind of ``upload`` or raise ``ValidationError`` with a message naming the file."""
    name = getattr(upload, "name", "") or ""
    accepted = KIND_NAMES.get(kinds) or ", ".join(KINDS[k].label for k in kinds)
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per file.") % {"name": name, "mb": max_bytes // 2**20},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = detect(data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or kind.key not in kinds or extension not in kind.extensions:
        raise ValidationError(
            _("%(name)s is refused: only %(kinds)s files are accepted, and the file name must match its content.")
            % {"name": name, "kinds": accepted},
            code="wrong_type",
        )
    return kind


def check_uploads(uploads, *, kinds: tuple[str, ...], max_bytes: int) -> list[Kind]:
    """Check every upload; all refusals at once."""
    errors, checked = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, kinds=kinds, max_bytes=max_bytes))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def random_name(folder: str, kind: Kind) -> str:
    """``<folder>/<yyyy>/<random>.<ext>``: nothing of the uploader's file name reaches the disk."""
    return f"{folder}/{timezone.now():%Y}/{secrets.token_hex(16)}.{kind.extensions[0]}"


def clean_filename(name: str) -> str:
    """The original file name as shown and offered for download (no path, no control characters)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[:200] or "file"
