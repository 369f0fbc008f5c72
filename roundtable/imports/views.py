from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.core.csv_export import csv_response
from roundtable.imports import actions
from roundtable.imports.access import get_job
from roundtable.imports.forms import MappingForm, UploadForm
from roundtable.imports.kinds import get_kind
from roundtable.imports.models import ImportJob


def imports(request):
    """Upload a file, and the history of imports."""
    initial_kind = request.GET.get("kind", "organizations")
    form = UploadForm(initial={"kind": initial_kind})
    if request.method == "POST":
        # Refuse an oversized upload from its declared length, before Django reads the body.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        try:
            actions.check_upload_size(declared)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("imports", ws=request.workspace.slug)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = actions.create_job(
                    request.workspace,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("imports_job", ws=request.workspace.slug, job=job.uuid)
    jobs = ImportJob.objects.recent().select_related("created_by")[:50]
    context = {
        "form": form,
        "jobs": jobs,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "imports/imports.html", context)


def import_job(request, job):
    """One import: preview and column mapping, then progress, then results."""
    job = get_job(request, job)
    kind = get_kind(job.kind)
    form = MappingForm(request.POST or None, kind=kind, headers=job.headers, mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_mapping(job, form.chosen())
            actions.start_job(
                job,
                dry_run=request.POST.get("action") == "check",
                skip_invalid=bool(request.POST.get("skip_invalid")),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("imports_job", ws=request.workspace.slug, job=job.uuid)
    if request.htmx:
        return render(request, "imports/partials/job_status.html", {"job": job})
    context = {
        "job": job,
        "kind": kind,
        "form": form,
        "preview": actions.preview_rows(job) if job.file else [],
        "headers": job.headers,
        "can_start": not job.is_active or job.is_stalled,
    }
    return render(request, "imports/job.html", context)


@require_POST
def resume_job(request, job):
    job = get_job(request, job)
    if not job.is_stalled:
        messages.error(request, "Only a stalled import can be resumed.")
    else:
        from roundtable.imports.tasks import run_import_job

        run_import_job.enqueue(str(job.uuid))
        messages.success(request, "The import was handed to a worker again.")
    return redirect("imports_job", ws=request.workspace.slug, job=job.uuid)


def job_problems(request, job) -> HttpResponse:
    """The rows that need fixing, as CSV, to fix them in a spreadsheet."""
    job = get_job(request, job)
    rows = ([p["row"], p["column"], p["message"]] for p in job.problems)
    return csv_response(
        f"{job.filename.rsplit('.', 1)[0]}-problems.csv", ["row", "column", "problem"], rows
    )
