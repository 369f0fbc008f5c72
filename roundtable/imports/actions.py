"""Import jobs from upload to result: every path (page, API, CLI, worker) goes through here."""

import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.imports.engine import ImportResult, MappingError, resolve_mapping, run_import
from roundtable.imports.headers import detect_source, header_key, match_headers
from roundtable.imports.kinds import Counts, get_kind
from roundtable.imports.models import ImportJob, SavedMapping
from roundtable.imports.reader import Table, TableError, read_table

logger = logging.getLogger("roundtable.imports")

PROGRESS_EVERY_SECONDS = 0.5


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(header_key(h) for h in headers).encode()).hexdigest()


def saved_mapping(workspace, kind: str, headers: list[str]) -> dict[str, str]:
    with scope(workspace=workspace):
        saved = SavedMapping.objects.filter(
            kind=kind, header_signature=header_signature(headers)
        ).first()
    return dict(saved.mapping) if saved else {}


def mapping_by_header(kind_name: str, headers: list[str], chosen: dict[str, str]) -> dict[str, str]:
    """field → header name: the recognised columns, with the user's earlier choices on top."""
    kind = get_kind(kind_name)
    indexes = match_headers(headers, kind.fields)
    by_name = {h.strip().lower(): i for i, h in enumerate(headers) if h.strip()}
    known = {f.name for f in kind.fields}
    for field_name, header in chosen.items():
        index = by_name.get((header or "").strip().lower())
        if field_name in known and index is not None:
            indexes = {f: i for f, i in indexes.items() if i != index}
            indexes[field_name] = index
    return {name: headers[index] for name, index in indexes.items()}


def check_upload_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        message = (
            f"The file is {size / 1024 / 1024:.0f} MB; files above {limit} MB are refused. "
            "Split it into smaller files."
        )
        raise ValidationError({"file": message})


@transaction.atomic
def create_job(workspace, *, user, kind: str, filename: str, content: bytes, options=None):
    """Store an uploaded file and read its header; refuse what is not a readable table."""
    try:
        get_kind(kind)
    except LookupError as error:
        raise ValidationError({"kind": str(error)}) from None
    check_upload_size(len(content))
    try:
        table = read_table(content)
        # Reading every row finds what the header cannot show (a quote never closed …).
        total_rows = sum(1 for _ in table.records())
    except TableError as error:
        raise ValidationError({"file": str(error)}) from None
    mapping = mapping_by_header(kind, table.headers, saved_mapping(workspace, kind, table.headers))
    with scope(workspace=workspace):
        job = ImportJob(
            workspace=workspace,
            kind=kind,
            filename=Path(filename or "upload.csv").name[:255],
            size=len(content),
            encoding=table.encoding,
            delimiter=table.delimiter,
            source_format=detect_source(table.headers),
            headers=table.headers,
            mapping=mapping,
            options=options or {},
            total_rows=total_rows,
            created_by=user,
        )
        job.file.save(f"{job.uuid}.csv", ContentFile(content), save=False)
        job.save()
    return job


def preview_rows(job: ImportJob, limit: int = 8) -> list[list[str]]:
    table = read_job_table(job)
    rows = []
    for _number, cells in table.records():
        rows.append(cells[: len(table.headers)])
        if len(rows) >= limit:
            break
    return rows


def read_job_table(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        return read_table(handle.read())


@transaction.atomic
def set_mapping(job: ImportJob, chosen: dict[str, str]) -> dict[str, str]:
    """Save the user's mapping (field → header) on the job and for the next file like it."""
    if job.is_active:
        raise ValidationError("This import is already running; wait for it to finish.")
    kind = get_kind(job.kind)
    try:
        indexes = resolve_mapping(kind, job.headers, chosen)
    except MappingError as error:
        raise ValidationError({"mapping": str(error)}) from None
    mapping = {name: job.headers[index] for name, index in indexes.items()}
    job.mapping = mapping
    job.save(update_fields=["mapping", "updated_at"])
    with scope(workspace=job.workspace):
        SavedMapping.objects.update_or_create(
            workspace=job.workspace,
            kind=job.kind,
            header_signature=header_signature(job.headers),
            defaults={"mapping": mapping},
        )
    return mapping


def start_job(job: ImportJob, *, dry_run: bool = False, skip_invalid: bool = False) -> ImportJob:
    """Queue the job for a worker (it runs on the spot with the immediate task backend)."""
    from roundtable.imports.tasks import run_import_job

    if job.is_active and not job.is_stalled:
        raise ValidationError("This import is already queued or running.")
    kind = get_kind(job.kind)
    try:
        resolve_mapping(kind, job.headers, job.mapping)
    except MappingError as error:
        raise ValidationError({"mapping": str(error)}) from None
    job.dry_run = dry_run
    job.skip_invalid = skip_invalid
    job.status = ImportJob.Status.QUEUED
    job.message = ""
    job.save(update_fields=["dry_run", "skip_invalid", "status", "message", "updated_at"])
    run_import_job.enqueue(str(job.uuid))
    return job


def claim_job(job_uuid: str) -> ImportJob | None:
    """Take a queued (or stalled) job for this worker; None when another has it or it is done."""
    with transaction.atomic(), scopes_disabled():
        job = ImportJob.objects.select_for_update().filter(uuid=job_uuid).first()
        if job is None:
            return None
        if job.status == ImportJob.Status.RUNNING and not job.is_stalled:
            return None
        if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}:
            return None
        resuming = job.status == ImportJob.Status.RUNNING
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at if resuming else timezone.now()
        job.heartbeat_at = timezone.now()
        if not resuming:
            job.checkpoint = 0
            job.created_count = job.updated_count = job.unchanged_count = 0
        job.save()
    return job


def execute_job(job_uuid: str) -> str:
    """Run a claimed job to its end. Transactional kinds restart from the top after a crash
    (their transaction rolled back); batched kinds resume after the last committed row."""
    job = claim_job(job_uuid)
    if job is None:
        return "skipped"
    workspace = job.workspace
    kind = get_kind(job.kind)
    base = Counts(job.created_count, job.updated_count, job.unchanged_count)
    last_beat = [0.0]

    def beat(**fields):
        now = time.monotonic()
        if now - last_beat[0] < PROGRESS_EVERY_SECONDS and fields.get("phase") != "done":
            return
        last_beat[0] = now
        with scopes_disabled():
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)

    def progress(phase: str, done: int, total: int) -> None:
        beat(phase=phase, processed_rows=done, total_rows=total)

    def checkpoint(row: int, counts: Counts) -> None:
        with scopes_disabled():
            ImportJob.objects.filter(pk=job.pk).update(
                checkpoint=row,
                heartbeat_at=timezone.now(),
                created_count=base.created + counts.created,
                updated_count=base.updated + counts.updated,
                unchanged_count=base.unchanged + counts.unchanged,
            )

    if not job.file:
        _finish(job, ImportJob.Status.FAILED, message="This import ran from the command line and "
                "kept no copy of its file: run the command again.")  # fmt: skip
        return "failed"
    try:
        table = read_job_table(job)
        mapping = resolve_mapping(kind, job.headers, job.mapping)
        result = run_import(
            workspace,
            kind,
            table,
            mapping,
            options={**job.options, "user_id": job.created_by_id},
            dry_run=job.dry_run,
            skip_invalid=job.skip_invalid,
            progress=progress,
            resume_after=job.checkpoint if not kind.transactional else 0,
            on_checkpoint=checkpoint,
        )
    except (TableError, MappingError, ValidationError, OSError) as error:
        _finish(job, ImportJob.Status.FAILED, message=_plain(error))
        return "failed"
    except Exception:
        logger.exception("Import job %s failed", job.uuid)
        _finish(job, ImportJob.Status.FAILED, message="The import stopped on an internal error; "
                "nothing was written. The error was logged.")  # fmt: skip
        raise
    result.counts.created += base.created
    result.counts.updated += base.updated
    result.counts.unchanged += base.unchanged
    status = (
        ImportJob.Status.CHECKED
        if job.dry_run and (result.ok or job.skip_invalid)
        else ImportJob.Status.SUCCEEDED
        if result.written
        else ImportJob.Status.REFUSED
    )
    _finish(job, status, result=result)
    return status


def _plain(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _finish(job: ImportJob, status: str, *, result: ImportResult | None = None, message=""):
    fields = {"status": status, "finished_at": timezone.now(), "message": message, "phase": "done"}
    if result is not None:
        fields.update(
            rows_read=result.rows_read,
            processed_rows=result.rows_read,
            total_rows=result.rows_read,
            created_count=result.counts.created,
            updated_count=result.counts.updated,
            unchanged_count=result.counts.unchanged,
            skipped_count=result.skipped,
            problem_count=result.problem_count,
            problems=[
                {"row": p.row, "column": p.column, "message": p.message} for p in result.problems
            ],
            checkpoint=result.checkpoint,
        )
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(**fields)


def resume_stalled_jobs() -> int:
    """Queue again every job whose worker stopped (run by `roundtable imports resume`)."""
    from roundtable.imports.tasks import run_import_job

    with scopes_disabled():
        stalled = list(ImportJob.objects.stalled().values_list("uuid", flat=True))
    for job_uuid in stalled:
        run_import_job.enqueue(str(job_uuid))
    return len(stalled)
