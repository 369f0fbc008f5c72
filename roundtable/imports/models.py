"""Import jobs: an uploaded file, its column mapping, progress and per-row results."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from roundtable.core.models import WorkspaceOwned, scoped_manager


class ImportJobQuerySet(models.QuerySet):
    def recent(self):
        return self.order_by("-created_at")

    def stalled(self):
        """Running, but no sign of life for a while: its worker stopped (restart, crash)."""
        cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_STALL_SECONDS)
        return self.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff)


class ImportJob(WorkspaceOwned):
    """One file imported (or checked) into a workspace, with its paper trail."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded: check the columns"
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        CHECKED = "checked", "Checked (dry run)"
        REFUSED = "refused", "Refused: rows need fixing"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    # Blank for command-line imports, which read the file where it lies.
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=8, blank=True)
    source_format = models.CharField(max_length=20, blank=True, help_text="hubspot, salesforce …")
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="field → header name")
    options = models.JSONField(default=dict)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    phase = models.CharField(max_length=16, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # The first problems, [{"row", "column", "message"}], capped (engine.MAX_REPORTED_PROBLEMS).
    problems = models.JSONField(default=list)
    checkpoint = models.PositiveIntegerField(default=0, help_text="Last committed data row")
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager(ImportJobQuerySet)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The imports page: one workspace's jobs, newest first.
            models.Index(fields=["workspace", "-created_at"], name="importjob_ws_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.filename} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def is_stalled(self) -> bool:
        if self.status != self.Status.RUNNING or self.heartbeat_at is None:
            return False
        return timezone.now() - self.heartbeat_at > timedelta(seconds=settings.IMPORT_STALL_SECONDS)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.finished_at else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class SavedMapping(WorkspaceOwned):
    """A column mapping the user chose, reused for the next file with the same header."""

    kind = models.CharField(max_length=40)
    header_signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict, help_text="field → header name")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "header_signature"],
                name="savedmapping_unique_header",
                violation_error_message="A mapping for this header is already saved.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping {self.header_signature[:8]}"
