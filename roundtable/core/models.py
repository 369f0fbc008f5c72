"""Base models every domain app builds on, and the outbound email log."""

import uuid

from django.db import models
from django_scopes import ScopedManager


class BaseModel(models.Model):
    """A public, unguessable uuid for URLs and timestamps; sequential ids never leave the app."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def scoped_manager(queryset_class: type[models.QuerySet] = models.QuerySet):
    """A manager whose queries run only inside `with scope(workspace=...)`."""
    return ScopedManager(
        _manager_class=models.Manager.from_queryset(queryset_class), workspace="workspace"
    )


class WorkspaceOwned(BaseModel):
    """A row that belongs to one workspace (tenant).

    The scoped manager makes a query outside `with scope(workspace=...)` raise instead of
    returning every tenant's rows: isolation fails closed.
    """

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE)

    objects = scoped_manager()

    class Meta:
        abstract = True


class OutboundEmail(BaseModel):
    """One email we send, with its delivery attempts: the record of every send."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Nullable: account emails (password reset, verification) belong to a person, not a workspace.
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=64, blank=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename", "mimetype", "content"}] with text content (iCalendar files and the like).
    attachments = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The delivery log of one workspace, newest first.
            models.Index(fields=["workspace", "-created_at"], name="email_ws_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"
