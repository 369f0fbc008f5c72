"""Populations (named sets of one organization's accounts), Connections between two workspaces,
what each side shares per connection and population, and the cached overlap counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roundtable.core.models import BaseModel, WorkspaceOwned, scoped_manager
from roundtable.sharing.choices import DEFAULT_MIN_COUNT, ConnectionStatus, Level


class Population(WorkspaceOwned):
    """A named set of one organization's accounts: the standard three (customers, prospects,
    open opportunities, by imported status) or a custom filter ("EMEA customers over 50k").
    `owner` is our own organization, or a partner whose accounts we uploaded."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard"
        CUSTOM = "custom", "Custom"

    owner = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.CASCADE, related_name="populations"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CUSTOM)
    # Standard first, in their fixed order; custom ones after, by name.
    position = models.PositiveSmallIntegerField(default=100)
    # The filter; blank means "any". Countries are ISO codes, comma-separated.
    status = models.CharField(max_length=16, blank=True)
    countries = models.CharField(max_length=400, blank=True)
    industry = models.CharField(max_length=120, blank=True, help_text="contains, any case")
    min_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager()

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "owner", "name"],
                name="population_unique_name",
                violation_error_message="There is already a population with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_list(self) -> list[str]:
        return [c.strip().upper() for c in self.countries.split(",") if c.strip()]

    def account_filter(self) -> Q:
        """Which of the owner's accounts belong (private ones are left out by the caller)."""
        q = Q(workspace_id=self.workspace_id, owner_id=self.owner_id)
        if self.status:
            q &= Q(status=self.status)
        if self.country_list:
            q &= Q(country_code__in=self.country_list)
        if self.industry:
            q &= Q(industry__icontains=self.industry)
        if self.min_amount is not None:
            q &= Q(amount__gte=self.min_amount)
        return q

    def describe(self) -> str:
        parts = []
        if self.status:
            from roundtable.mapping.models import AccountStatus

            parts.append(dict(AccountStatus.choices).get(self.status, self.status).lower())
        if self.country_list:
            parts.append("in " + ", ".join(self.country_list))
        if self.industry:
            parts.append(f"industry “{self.industry}”")
        if self.min_amount is not None:
            parts.append(f"amount ≥ {self.min_amount:,.0f}")
        return "; ".join(parts) or "every account"


class SharingProfile(WorkspaceOwned):
    """A workspace's sharing settings that hold for every connection."""

    # Counts below this show as "fewer than N" to connected workspaces.
    min_count = models.PositiveSmallIntegerField(default=DEFAULT_MIN_COUNT)

    objects = scoped_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="sharing_profile_one_per_ws"),
            models.CheckConstraint(
                condition=Q(min_count__gte=1, min_count__lte=100),
                name="sharing_profile_min_count_range",
                violation_error_message="The minimum count is between 1 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"Sharing of {self.workspace}: minimum {self.min_count}"


class ConnectionQuerySet(models.QuerySet):
    def involving(self, workspace):
        return self.filter(Q(requester=workspace) | Q(recipient=workspace))

    def open(self):
        return self.filter(status__in=[ConnectionStatus.PENDING, ConnectionStatus.ACCEPTED])

    def accepted(self):
        return self.filter(status=ConnectionStatus.ACCEPTED)


class Connection(BaseModel):
    """Two workspaces that both use Roundtable and agreed to compare accounts.

    It belongs to both sides, so it is not a WorkspaceOwned row: every read goes through
    `Connection.objects.involving(workspace)` (see roundtable.sharing.access), which is the
    tenancy check. A request names the other side by its domain, or travels as an invitation
    link (only the token's hash is kept) until a workspace accepts it.
    """

    requester = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING
    )
    message = models.CharField(max_length=500, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expires_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")),
                name="connection_not_to_itself",
                violation_error_message="A workspace cannot connect to itself.",
            ),
            # One open request or connection per ordered pair; the action also checks the
            # other direction under a lock.
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="connection_one_open_per_pair",
                violation_error_message="These workspaces already have a connection or request.",
            ),
        ]
        indexes = [
            # "My connections": each side looks its connections up by its own column.
            models.Index(fields=["recipient", "status"], name="connection_recipient_idx"),
            models.Index(fields=["requester", "status"], name="connection_requester_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} ↔ {self.recipient or 'invitation link'} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status == ConnectionStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        return "expired" if self.is_expired else self.status

    def other_side(self, workspace):
        return self.recipient if workspace.pk == self.requester_id else self.requester

    def other_side_id(self, workspace) -> int | None:
        return self.recipient_id if workspace.pk == self.requester_id else self.requester_id


class Share(WorkspaceOwned):
    """What `workspace` sends over one connection about one of its populations. No row means
    hidden: a population shares nothing until its side says so."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="shares")
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.HIDDEN)
    # For Level.RECORDS: which fields of an overlapping record go across (SHAREABLE_FIELDS).
    fields = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager()

    class Meta:
        ordering = ["population__position", "population__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "population"],
                name="share_one_per_population",
                violation_error_message="This population already has a setting here.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.population} over {self.connection_id}: {self.level}"


class OverlapCell(WorkspaceOwned):
    """A cached count: how many of `population`'s accounts (of this workspace) match an account
    of `other` (a partner's population here, or a connected workspace's), and the sum of their
    amounts. Private accounts of either side are never counted. Recomputed in the background
    when either side imports accounts."""

    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="cells")
    other = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = scoped_manager()

    class Meta:
        ordering = ["population", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["population", "other"], name="overlap_cell_one_per_pair"
            ),
        ]
        indexes = [
            # Dropping the cells of a population of the other side when its accounts change.
            models.Index(fields=["other"], name="overlap_cell_other_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.population_id} × {self.other_id}: {self.count}"
