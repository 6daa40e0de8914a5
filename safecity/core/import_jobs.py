"""Large imports as background jobs: the same rules as the import page, with progress.

A file with more rows than ``SAFECITY["IMPORT_SYNC_ROWS"]`` becomes an :class:`ImportJob`: a worker
checks every row (progress visible on the job page), the user confirms a file without errors, and a
worker saves it all or nothing. Each step is claimed with a conditional update, so a task delivered
twice does nothing twice.

A job carries either an ``ObjectViews`` bundle's import (``ImportJob.model`` is the model's label) or an
importer of its own registered with :func:`register_importer` (e.g. opening stock, where each row is a
ledger receipt rather than a record): its ``key`` is stored instead, and its ``check`` / ``commit``
replace the generic :func:`~safecity.core.importers.validate_rows` / ``commit_rows``.

An importer may also *keep* what its check found (``keep`` / ``commit_kept``): the check then writes the rows
to save, in a compact form of the importer's own, next to the upload, signed with the site's secret; the
confirmed import saves that file and repeats only the checks that depend on the database (the user's scope,
records saved by others since the upload) instead of reading and checking the whole file again. A kept file
that is missing or whose signature does not match is ignored: the import then checks the upload again.
"""

from __future__ import annotations

import hashlib
import hmac
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
from django.utils.crypto import salted_hmac
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
    #: ``keep(result, path)`` writes the rows a check without errors found to save; ``commit_kept(path, *, actor,
    #: since, progress)`` saves them all or nothing, re-checking what may have changed in the database since
    #: ``since`` (the upload), and returns ``(created, summary lines)``. Both or neither.
    keep: Callable[..., None] | None = None
    commit_kept: Callable[..., tuple[int, list[str]]] | None = None


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


def _kept_path(job: ImportJob) -> Path:
    return _folder() / f"{job.file}.checked"


def _signature(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return salted_hmac("safecity.import_jobs.kept", digest.hexdigest(), algorithm="sha256").hexdigest()


def _keep(importer: JobImporter, job: ImportJob, result) -> None:
    """Keep the check's rows; if they cannot be written (disk full …), keep nothing: the import checks again."""
    kept = _kept_path(job)
    try:
        importer.keep(result, kept)
        kept.with_suffix(".sig").write_text(_signature(kept))
    except OSError:
        kept.unlink(missing_ok=True)
        kept.with_suffix(".sig").unlink(missing_ok=True)


def _kept_file(importer: JobImporter, job: ImportJob) -> Path | None:
    """The job's kept check, if the importer keeps one and the file is there, unchanged since it was signed."""
    if importer.commit_kept is None:
        return None
    kept = _kept_path(job)
    try:
        signature = kept.with_suffix(".sig").read_text()
    except OSError:
        return None
    return kept if hmac.compare_digest(signature, _signature(kept)) else None


def _remove_files(job: ImportJob) -> None:
    kept = _kept_path(job)
    for path in (_folder() / job.file, kept, kept.with_suffix(".sig")):
        path.unlink(missing_ok=True)


def _commit_kept(importer: JobImporter, job: ImportJob, kept: Path) -> ImportJob:
    with _side_progress(job.pk) as saved:
        created, notes = importer.commit_kept(kept, actor=job.user, since=job.created_at, progress=saved)
    job.created_count = created
    job.processed_rows = job.total_rows
    if notes:
        job.message = "\n".join([job.message, *notes]) if job.message else "\n".join(notes)
    job.status = ImportJobStatus.DONE
    job.finished_at = timezone.now()
    _remove_files(job)
    return job


def run_import_job(job_id: int, *, commit: bool) -> ImportJob | None:
    """Check (and with ``commit``, save) the job's file. Does nothing unless it claims the job."""
    if not _claim(job_id, commit=commit):
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = _folder() / job.file
    try:
        importer = importer_for(job.model)
        kept = _kept_file(importer, job) if commit else None
        if kept is not None:
            job = _commit_kept(importer, job, kept)
            job.save()
            return job
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
            _remove_files(job)
        else:
            # Checked; or, at import time, the data changed since the check: show the errors, import nothing.
            job.status = ImportJobStatus.CHECKED
            if not commit and result.ok and importer.keep is not None:
                _keep(importer, job, result)
    except (importers.ImportFileError, OutOfScope, LookupError, OSError) as exc:
        job.status = ImportJobStatus.FAILED
        job.message = str(getattr(exc, "message", None) or exc)
        job.finished_at = timezone.now()
    job.save()
    return job
