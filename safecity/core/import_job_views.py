"""The page of one import job: progress while the workers check or save, then errors or the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from .import_jobs import confirm_import_job, importer_for
from .models import ImportJob


def _list_url(job: ImportJob) -> str:
    try:
        return reverse(importer_for(job.model).url_name)
    except (LookupError, NoReverseMatch):
        return "/"


@login_required
def import_job_detail(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    template = "core/import_job_status.html" if getattr(request, "htmx", False) else "core/import_job.html"
    return render(request, template, {"job": job, "list_url": _list_url(job)})


@login_required
@require_POST
def import_job_confirm(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    try:
        confirm_import_job(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("import_job", kwargs={"pk": job.pk}))
