import json
from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from roundtable.imports import actions
from roundtable.imports.models import ImportJob
from roundtable.imports.schemas import ImportJobOut
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

router = Router(tags=["imports"])

ERRORS = {400: Error, 401: Error, 403: Error, 422: ValidationErrors}


@router.post("/imports", response={202: ImportJobOut, **ERRORS})
def create_import(
    request,
    file: File[UploadedFile],
    kind: Form[str],
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
    mapping: Form[str] = "",
):
    """Upload a CSV file and start importing it (or checking it, with dry_run). The columns are
    recognised by their headers; `mapping` (JSON `{"field": "column header"}`) overrides them.
    Poll GET /imports/{uuid} for progress and per-row problems."""
    require_team(request)
    actions.check_upload_size(file.size or 0)
    chosen = {}
    if mapping:
        try:
            chosen = json.loads(mapping)
        except ValueError:
            raise ValidationError({"mapping": "Not valid JSON."}) from None
        if not isinstance(chosen, dict):
            raise ValidationError({"mapping": 'Expected {"field": "column header"}.'})
    job = actions.create_job(
        request.workspace, user=request.user, kind=kind, filename=file.name, content=file.read()
    )
    if chosen:
        actions.set_mapping(job, {**job.mapping, **chosen})
    actions.start_job(job, dry_run=dry_run, skip_invalid=skip_invalid)
    job.refresh_from_db()
    return Status(202, job)


@router.get("/imports", response={200: list[ImportJobOut], 401: Error, 403: Error})
def list_imports(request):
    require_team(request)
    return list(ImportJob.objects.recent()[:100])


@router.get(
    "/imports/{uuid}",
    response={200: ImportJobOut, 401: Error, 403: Error, 404: Error, 422: ValidationErrors},
)
def get_import(request, uuid: UUID):
    require_team(request)
    return get_object_or_404(ImportJob, uuid=uuid)
