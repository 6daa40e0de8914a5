"""Large imports as background jobs: the same rules as the import page, with progress.

A file with more rows than ``SAFECITY["IMPORT_SYNC_ROWS"]`` becomes an :class:`ImportJob`: a worker
checks every row (progress visible on the job page), the user confirms a file without errors, and a
worker saves it all or nothing. Each step is claimed with a conditional update, so a task delivered
twice does nothing twice.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import importers
from .exceptions import OutOfScope
from .models import ImportJob, ImportJobStatus
from .views import ObjectViews

ERROR_LIMIT = 1000


def bundle_for(label: str) -> type[ObjectViews]:
    for bundle in ObjectViews.registry:
        if bundle.model._meta.label_lower == label and bundle.import_form is not None:
            return bundle
    raise LookupError(label)


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_import_job(*, actor, bundle: type[ObjectViews], data: bytes, filename: str, total_rows: int) -> ImportJob:
    """Store the file and queue the check. The job belongs to ``actor``; their scope applies."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    stored = f"{secrets.token_urlsafe(16)}{suffix}"
    (_folder() / stored).write_bytes(data)
    job = ImportJob.objects.create(
        user=actor, model=bundle.model._meta.label_lower, file=stored, filename=filename[:255], total_rows=total_rows
    )
    _queue(job.pk, commit=False)
    return job


def confirm_import_job(*, actor, job: ImportJob) -> ImportJob:
    """The user's go-ahead for a checked file without errors: queue the import."""
    if job.user_id != actor.pk:
        raise PermissionDenied
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED, error_count=0).update(
        status=ImportJobStatus.IMPORT_QUEUED, processed_rows=0
    )
    if not claimed:
        raise ValidationError(_("This import cannot be started: check the file first, and correct every error."))
    _queue(job.pk, commit=True)
    job.refresh_from_db()
    return job


def _queue(job_id: int, *, commit: bool) -> None:
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.delay(job_id, commit), robust=True)


def _claim(job_id: int, *, commit: bool) -> bool:
    before, during = (
        (ImportJobStatus.IMPORT_QUEUED, ImportJobStatus.IMPORTING)
        if commit
        else (ImportJobStatus.QUEUED, ImportJobStatus.CHECKING)
    )
    return bool(ImportJob.objects.filter(pk=job_id, status=before).update(status=during))


def run_import_job(job_id: int, *, commit: bool) -> ImportJob | None:
    """Check (and with ``commit``, save) the job's file. Does nothing unless it claims the job."""
    if not _claim(job_id, commit=commit):
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = _folder() / job.file
    try:
        bundle = bundle_for(job.model)
        headers, rows = importers.read_table(path.read_bytes(), job.filename)

        def progress(done: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

        result = importers.validate_rows(bundle.import_form, headers, rows, user=job.user, progress=progress)
        job.total_rows = result.total_rows
        job.processed_rows = result.total_rows
        job.error_count = len(result.errors) + len(result.missing_columns)
        job.errors = [[e.row, e.field, e.message] for e in result.errors[:ERROR_LIMIT]]
        messages = []
        if result.missing_columns:
            messages.append(_("Required columns are missing:") + " " + "、".join(result.missing_columns))
        if result.unknown_headers:
            ignored = "、".join(result.unknown_headers)
            messages.append(_("These columns are not recognised and will be ignored:") + " " + ignored)
        job.message = "\n".join(messages)
        if commit and result.ok:
            job.created_count = importers.commit_rows(result, actor=job.user, bulk=bundle.import_bulk)
            job.status = ImportJobStatus.DONE
            job.finished_at = timezone.now()
            path.unlink(missing_ok=True)
        else:
            # Checked; or, at import time, the data changed since the check: show the errors, import nothing.
            job.status = ImportJobStatus.CHECKED
    except (importers.ImportFileError, OutOfScope, LookupError, OSError) as exc:
        job.status = ImportJobStatus.FAILED
        job.message = str(getattr(exc, "message", None) or exc)
        job.finished_at = timezone.now()
    job.save()
    return job
