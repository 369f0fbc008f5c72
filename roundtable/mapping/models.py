"""Accounts (CRM records of our workspace and of partners), the matching decisions people make,
domain aliases, and mapping runs with their pairs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from roundtable.core.models import WorkspaceOwned, scoped_manager


class AccountStatus(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PROSPECT = "prospect", "Prospect"
    OPPORTUNITY = "opportunity", "Open opportunity"


class AccountQuerySet(models.QuerySet):
    def of_owner(self, organization):
        return self.filter(owner=organization)

    def in_population(self, status: str = ""):
        """One population (customers, prospects, open opportunities), or all when blank."""
        return self.filter(status=status) if status else self


class Account(WorkspaceOwned):
    """One CRM record: a customer, prospect or open opportunity of one organization (ours or a
    partner's), with its name, website and country as imported and normalized for matching."""

    # No single-column indexes on the two foreign keys: the indexes below lead with them, and a
    # million-row import pays for every index it maintains.
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, db_index=False)
    owner = models.ForeignKey(
        "ecosystem.Organization",
        on_delete=models.CASCADE,
        related_name="accounts",
        db_index=False,
    )
    # Which import the record came from ('hubspot', 'salesforce', 'plain' or a name the user
    # gives): re-importing replaces the owner's accounts of that source only.
    source = models.CharField(max_length=40, default="plain")
    # Identity across re-imports: the CRM id, else domain + normalized name + country. Unique
    # per owner and source by construction of the importer, which compares a whole source's
    # rows in memory; no index, so a million-row import does not maintain one.
    import_key = models.CharField(max_length=400)
    external_id = models.CharField(max_length=100, blank=True, help_text="CRM record id")
    name = models.CharField(max_length=255, blank=True)
    website = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=80, blank=True)
    normalized_name = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True)
    country_code = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.PROSPECT
    )
    salesperson = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    # Never shared with anyone, by any path: left out of every overlap (roundtable.sharing).
    private = models.BooleanField(default=False, db_default=False)

    objects = scoped_manager(AccountQuerySet)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="", website=""),
                name="account_has_name_or_website",
                violation_error_message="An account needs a name or a website.",
            ),
        ]
        # Only the indexes a query reads: matching and overlaps read whole populations in bulk
        # (by owner and status) and compare keys in memory, and drill-downs fetch by id, so
        # domain and name indexes would serve nothing while costing every imported row.
        indexes = [
            # One owner's population (our customers, a partner's prospects …), the rows a
            # re-import compares with (one owner), and the cascade when an owner is deleted.
            # An owner belongs to one workspace, so the workspace need not lead.
            models.Index(fields=["owner", "status"], name="account_owner_status_idx"),
            # A workspace's accounts and its private ones (counts on the mapping and private
            # accounts pages), and the cascade when a workspace is deleted.
            models.Index(fields=["workspace", "private"], name="account_ws_private_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.website


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed: same company"
    REJECTED = "rejected", "Rejected: different companies"


class MatchDecision(WorkspaceOwned):
    """A person's verdict on a pair of records, remembered for every later run.

    Records are named by fingerprints (their domain, else their normalized name and country), so
    the verdict holds for the same two companies in any file or account set; the two
    fingerprints are stored in sorted order, so it holds whichever side each one is on.
    """

    first_key = models.CharField(max_length=400)
    second_key = models.CharField(max_length=400)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    first_name = models.CharField(max_length=255, blank=True)
    second_name = models.CharField(max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "first_key", "second_key"],
                name="match_decision_unique_pair",
                violation_error_message="This pair already has a decision.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} / {self.second_name}: {self.decision}"


class DomainAlias(WorkspaceOwned):
    """One company, several domains: records at `alias` match records at `domain`."""

    alias = models.CharField(max_length=253)
    domain = models.CharField(max_length=253)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager()

    class Meta:
        ordering = ["domain", "alias"]
        verbose_name_plural = "domain aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "alias"],
                name="domain_alias_unique",
                violation_error_message="This domain is already an alias.",
            ),
            models.CheckConstraint(
                condition=~Q(alias=models.F("domain")),
                name="domain_alias_not_itself",
                violation_error_message="A domain cannot be an alias of itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.domain}"


class MappingRun(WorkspaceOwned):
    """One mapping of two account sets (two uploaded files, or two stored populations), with
    its summary; its pairs are MappingPair rows."""

    class Kind(models.TextChoices):
        FILES = "files", "Two files"
        ACCOUNTS = "accounts", "Two account sets"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    left_label = models.CharField(max_length=300)
    right_label = models.CharField(max_length=300)
    fuzzy = models.BooleanField(default=True)
    left_rows = models.PositiveIntegerField(default=0)
    right_rows = models.PositiveIntegerField(default=0)
    left_matched = models.PositiveIntegerField(default=0)
    right_matched = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    # {"domain": n, "name": n, "fuzzy": n, "confirmed": n}
    by_method = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.left_label} × {self.right_label}"

    @property
    def left_unmatched(self) -> int:
        return self.left_rows - self.left_matched

    @property
    def right_unmatched(self) -> int:
        return self.right_rows - self.right_matched


class MappingPair(WorkspaceOwned):
    """One matched pair of a run: which records, how they matched, and their fingerprints (for
    confirming or rejecting the pair)."""

    run = models.ForeignKey(MappingRun, on_delete=models.CASCADE, related_name="pairs")
    left_ref = models.PositiveBigIntegerField(help_text="Data-row number or account id")
    right_ref = models.PositiveBigIntegerField()
    left_name = models.CharField(max_length=255, blank=True)
    right_name = models.CharField(max_length=255, blank=True)
    left_key = models.CharField(max_length=400)
    right_key = models.CharField(max_length=400)
    method = models.CharField(max_length=16)
    rule = models.CharField(max_length=16)
    score = models.FloatField()
    evidence = models.CharField(max_length=600, blank=True)
    country = models.CharField(max_length=40, blank=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["run", "left_ref", "right_ref"]
        indexes = [
            # The pair list of one run, in row order, paginated.
            models.Index(fields=["run", "left_ref", "right_ref"], name="mapping_pair_run_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.left_name} ↔ {self.right_name} ({self.method})"
