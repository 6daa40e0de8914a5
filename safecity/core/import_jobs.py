"""Large imports as background jobs: the same rules as the import page, with progress.

A file with more rows than ``SAFECITY["IMPORT_SYNC_ROWS"]`` becomes an :class:`ImportJob`: a worker
checks every row (progress visible on the job page), the user confirms a file without errors, and a
worker saves it all or nothing. Each step is claimed with a conditional update, so a task delivered
twice does nothing twice.

A job carries either an ``ObjectViews`` bundle's import (``ImportJob.model`` is the model's label) or an
importer of its own registered with :func:`register_importer` (e.g. opening stock, where each row is a
ledger receipt rather than a record): its ``key`` is stored instead, and its ``check`` / ``commit``
replace the generic :func:`~safecity.core.importers.validate_rows` / ``commit_rows``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
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


@dataclass(frozen=True)
class JobImporter:
    """How a background job checks and saves one kind of file.

    ``check(headers, rows, *, user, progress)`` validates every row and writes nothing (an
    :class:`~safecity.core.importers.ImportResult`); ``commit(result, *, actor)`` saves a result without
    errors all or nothing and returns the count (raising ``ImportFileError`` or ``OutOfScope`` to refuse);
    ``url_name`` is the page the job page leads back to.
    """

    key: str
    check: Callable[..., importers.ImportResult]
    commit: Callable[..., int]
    url_name: str
    #: ``read(data, filename) -> (headers, rows)`` instead of :func:`~safecity.core.importers.read_table`
    #: (e.g. a streaming reader for files beyond its row cap).
    read: Callable[[bytes, str], tuple[list[str], object]] | None = None
    #: ``commit`` also takes ``progress(rows_written)``: the job page then counts the saving too.
    commit_progress: bool = False


_importers: dict[str, JobImporter] = {}


def register_importer(importer: JobImporter) -> JobImporter:
    """Let background jobs run ``importer`` (its ``key`` is what the job stores)."""
    _importers[importer.key] = importer
    return importer


def importer_for(key: str) -> JobImporter:
    """The registered importer of ``key``, or the generic one of the bundle whose model label it is."""
    if key not in _importers and not any(b.model._meta.label_lower == key for b in ObjectViews.registry):
        # A worker process may not have imported the views (where bundles and importers are declared) yet.
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - loading the URLconf imports every app's views
    if key in _importers:
        return _importers[key]
    bundle = bundle_for(key)
    opts = bundle.model._meta
    return JobImporter(
        key=key,
        check=partial(importers.validate_rows, bundle.import_form),
        commit=partial(importers.commit_rows, bulk=bundle.import_bulk),
        url_name=f"{opts.app_label}:{opts.model_name}_list",
    )


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_import_job(
    *,
    actor,
    bundle: type[ObjectViews] | None = None,
    importer: JobImporter | None = None,
    data: bytes,
    filename: str,
    total_rows: int,
) -> ImportJob:
    """Store the file and queue the check. The job belongs to ``actor``; their scope applies.

    Give either the ``bundle`` whose import form checks the rows or a registered ``importer``.
    """
    if (bundle is None) == (importer is None):
        raise TypeError("start_import_job needs either a bundle or an importer")
    key = importer.key if importer is not None else bundle.model._meta.label_lower
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    stored = f"{secrets.token_urlsafe(16)}{suffix}"
    (_folder() / stored).write_bytes(data)
    job = ImportJob.objects.create(user=actor, model=key, file=stored, filename=filename[:255], total_rows=total_rows)
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


@contextmanager
def _side_progress(job_id: int):
    """``progress(rows)`` for use inside the commit's transaction: written through a second connection so the
    job page sees it at once (PostgreSQL). SQLite's write lock allows no second writer: there it does nothing."""
    if connection.vendor != "postgresql":
        yield lambda done: None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = ImportJob._meta.db_table

    def progress(done: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET processed_rows = %s WHERE id = %s", [done, job_id])

    try:
        progress(0)  # from here on the bar counts rows saved
        yield progress
    finally:
        side.close()


def run_import_job(job_id: int, *, commit: bool) -> ImportJob | None:
    """Check (and with ``commit``, save) the job's file. Does nothing unless it claims the job."""
    if not _claim(job_id, commit=commit):
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = _folder() / job.file
    try:
        importer = importer_for(job.model)
        headers, rows = (importer.read or importers.read_table)(path.read_bytes(), job.filename)

        def progress(done: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

        result = importer.check(headers, rows, user=job.user, progress=progress)
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
        messages.extend(getattr(result, "notes", ()))  # an importer's own summary (e.g. persons matched)
        job.message = "\n".join(messages)
        if commit and result.ok:
            if importer.commit_progress:
                with _side_progress(job.pk) as saved:
                    job.created_count = importer.commit(result, actor=job.user, progress=saved)
            else:
                job.created_count = importer.commit(result, actor=job.user)
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
