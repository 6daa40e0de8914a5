"""Photos of hazards: checked to really be an image of an allowed type and size (Pillow), stored under
MEDIA_ROOT with a random name, with a thumbnail. Check every file first, then store: a refused file
means nothing at all is stored."""

from __future__ import annotations

import contextlib
import io
import secrets
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .rules import PHOTO_FORMATS, PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, THUMBNAIL_SIZE


def check_photo(upload) -> str:
    """Return the image format (``"JPEG"``, ``"PNG"``, ``"WEBP"``) or raise ``ValidationError`` with a clear message."""
    from PIL import Image, UnidentifiedImageError

    name = getattr(upload, "name", "") or ""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per photo.") % {"name": name, "mb": PHOTO_MAX_BYTES // 2**20},
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = image.format
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": name}, code="too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("%(name)s is not a photo: only JPEG, PNG or WebP images are accepted.") % {"name": name},
            code="not_an_image",
        ) from exc
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            _("%(name)s is not a photo: only JPEG, PNG or WebP images are accepted.") % {"name": name},
            code="not_an_image",
        )
    return fmt


def check_photos(uploads) -> list[str]:
    """Check every upload; all errors at once."""
    errors, formats = [], []
    for upload in uploads:
        try:
            formats.append(check_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return formats


#: Names of the files written inside the innermost :func:`files_removed_on_failure` block.
_written: ContextVar[list | None] = ContextVar("hazard_photo_files", default=None)


@contextlib.contextmanager
def files_removed_on_failure():
    """Remove every photo file stored inside the block if the block fails — the database write that the
    files belong to included. Wrap it *around* ``transaction.atomic()`` so a failing commit counts too::

        with files_removed_on_failure(), transaction.atomic():
            ...store_photo(...)
    """
    from django.core.files.storage import default_storage

    written: list[str] = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        for name in written:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        raise
    finally:
        _written.reset(token)


def store_photo(*, actor, hazard, upload, stage: str):
    """Store one checked photo and its thumbnail under random names (removed again if the surrounding
    :func:`files_removed_on_failure` block fails)."""
    from PIL import Image, ImageOps

    from .models import HazardPhoto

    fmt = check_photo(upload)
    ext = PHOTO_FORMATS[fmt]
    stem = secrets.token_hex(16)
    upload.seek(0)
    data = upload.read()
    with Image.open(io.BytesIO(data)) as image:
        thumb = ImageOps.exif_transpose(image).convert("RGB")
        thumb.thumbnail(THUMBNAIL_SIZE)
        buffer = io.BytesIO()
        thumb.save(buffer, "JPEG", quality=80)
    photo = HazardPhoto(hazard=hazard, stage=stage, uploaded_by=actor)
    written = _written.get()
    photo.image.save(f"{stem}.{ext}", ContentFile(data), save=False)
    if written is not None:
        written.append(photo.image.name)
    photo.thumbnail.save(f"{stem}.jpg", ContentFile(buffer.getvalue()), save=False)
    if written is not None:
        written.append(photo.thumbnail.name)
    photo.save()
    return photo
