"""Large imports run as background jobs: progress, all-or-nothing, the rows named, once only."""

import pytest

from safecity.core.import_jobs import run_import_job
from safecity.core.models import ImportJob, ImportJobStatus
from safecity.core.testing import upload, xlsx_bytes
from safecity.orgs.models import Organization

URL = "/orgs/organizations/import/"
HEADERS = ["名称", "类型", "区划代码"]


@pytest.fixture
def eager(settings):
    from safecity.celery import app

    settings.SAFECITY = {**settings.SAFECITY, "IMPORT_SYNC_ROWS": 10}
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _rows(n, bad_row=None):
    rows = [[f"批量单位{i}", "enterprise", "440705101000"] for i in range(n)]
    if bad_row is not None:
        rows[bad_row - 2][2] = "440781100000"  # another county
    return rows


def test_a_large_file_is_checked_in_the_background_then_imported_after_confirmation(
    xinhui_client, city, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = xinhui_client.post(URL, {"file": upload("big.xlsx", xlsx_bytes(HEADERS, _rows(60)))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert (job.status, job.total_rows, job.processed_rows, job.error_count) == (ImportJobStatus.CHECKED, 60, 60, 0)
    assert Organization.objects.count() == 0
    page = xinhui_client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="confirm-import"' in page
    with django_capture_on_commit_callbacks(execute=True):
        xinhui_client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 60)
    assert Organization.objects.count() == 60


def test_a_large_file_with_a_bad_row_names_it_and_cannot_be_confirmed(
    xinhui_client, city, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        xinhui_client.post(URL, {"file": upload("big.xlsx", xlsx_bytes(HEADERS, _rows(30, bad_row=17)))})
    job = ImportJob.objects.get()
    assert job.error_count == 1 and job.errors[0][:2] == [17, "区划代码"]
    xinhui_client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED and Organization.objects.count() == 0


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(
    xinhui_client, city, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        xinhui_client.post(URL, {"file": upload("big.xlsx", xlsx_bytes(HEADERS, _rows(20)))})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        xinhui_client.post(f"/imports/{job.pk}/confirm/")
    assert run_import_job(job.pk, commit=True) is None  # a second delivery claims nothing
    assert Organization.objects.count() == 20


def test_someone_elses_import_job_is_404(client, xinhui_user, taishan_user, city, eager):
    job = ImportJob.objects.create(user=xinhui_user, model="orgs.organization", file="x.xlsx", filename="x.xlsx")
    client.force_login(taishan_user)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404
