"""The partner directory: organizations, the people at them, typed tags, and partnerships."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from roundtable.core.models import WorkspaceOwned, scoped_manager
from roundtable.ecosystem.choices import (
    OrgKind,
    PartnershipKind,
    PartnershipSource,
    PartnerStatus,
    TagType,
)


class TagQuerySet(models.QuerySet):
    def of_type(self, tag_type: str):
        return self.filter(type=tag_type)


class Tag(WorkspaceOwned):
    """A typed label (ecosystem 'Shopify', size band 'under $25M', region 'EMEA' …)."""

    type = models.CharField(max_length=16, choices=TagType.choices)
    name = models.CharField(max_length=100)

    objects = scoped_manager(TagQuerySet)

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                "type",
                Lower("name"),
                name="tag_unique_name_per_type",
                violation_error_message="A tag of this type with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.name}"

    @property
    def label(self) -> str:
        """TYPE:VALUE, the form the CLI and filters use."""
        return f"{self.type}:{self.name}"


class OrganizationQuerySet(models.QuerySet):
    def partners(self):
        """Organizations we have a partner status with (prospect, active, inactive, churned)."""
        return self.exclude(status=PartnerStatus.NONE).exclude(is_us=True)

    def ours(self):
        return self.filter(is_us=True)

    def with_tags(self, tags):
        """Organizations carrying every one of `tags` (a filter per tag: AND, not OR)."""
        queryset = self
        for tag in tags:
            queryset = queryset.filter(tags=tag)
        return queryset


class Organization(WorkspaceOwned):
    """A company in the ecosystem: us, a partner, a partner's partner, or a customer."""

    name = models.CharField(max_length=255)
    # Comparison key when there is no domain: see roundtable.core.names.
    normalized_name = models.CharField(max_length=255, db_index=False)
    website = models.CharField(max_length=500, blank=True, help_text="As entered or imported")
    # Registrable domain of the website (roundtable.core.domains); the organization's identity.
    domain = models.CharField(max_length=253, blank=True)
    kind = models.CharField(max_length=16, choices=OrgKind.choices, default=OrgKind.OTHER)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.NONE, blank=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    tier = models.CharField(max_length=40, blank=True)
    partner_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organizations",
    )
    partner_since = models.DateField(null=True, blank=True)
    is_us = models.BooleanField(default=False, help_text="The workspace's own company")
    external_id = models.CharField(max_length=100, blank=True, help_text="CRM record id")
    tags = models.ManyToManyField(Tag, blank=True, related_name="organizations")

    objects = scoped_manager(OrganizationQuerySet)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                "domain",
                condition=~Q(domain=""),
                name="organization_unique_domain",
                violation_error_message="Another organization already has this website domain.",
            ),
            models.UniqueConstraint(
                "workspace",
                condition=Q(is_us=True),
                name="organization_one_us",
                violation_error_message="The workspace already has its own organization.",
            ),
        ]
        indexes = [
            # Directory list: one workspace, alphabetical, keyset-paginated. Domain and city ride
            # along so a text search walking this index in name order reads no table rows for
            # non-matches (SQLite: 0.7 s → 0.08 s for a rare word at 100k organizations).
            models.Index(
                fields=["workspace", "name", "id", "domain", "city"], name="org_ws_name_search_idx"
            ),
            # Import upserts of organizations without a domain; duplicate checks.
            models.Index(fields=["workspace", "normalized_name"], name="org_ws_normname_idx"),
            # Directory filters by kind and partner status.
            models.Index(fields=["workspace", "kind", "status"], name="org_ws_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet):
    def at(self, organization):
        return self.filter(organization=organization)


class Person(WorkspaceOwned):
    """Someone at an organization. Circles are made of people, not organizations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=120, blank=True)
    linkedin_url = models.URLField(max_length=500, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="CRM record id")

    objects = scoped_manager(PersonQuerySet)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=~Q(email=""),
                name="person_unique_email",
                violation_error_message="Another person already has this email address.",
            ),
            models.CheckConstraint(
                condition=~Q(first_name="", last_name="", email=""),
                name="person_has_name_or_email",
                violation_error_message="A person needs a name or an email address.",
            ),
        ]
        indexes = [
            # People of one organization (its page, Circle member pickers).
            models.Index(fields=["workspace", "organization"], name="person_ws_org_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


class PartnershipQuerySet(models.QuerySet):
    def touching(self, organization):
        return self.filter(Q(org_a=organization) | Q(org_b=organization))


class Partnership(WorkspaceOwned):
    """An undirected edge between two organizations: they partner with each other.

    Stored once per pair with org_a.id < org_b.id (actions.link_partners keeps that order), so
    "A partners with B" and "B partners with A" are one row.
    """

    org_a = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    org_b = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        max_length=16, choices=PartnershipKind.choices, default=PartnershipKind.UNKNOWN
    )
    source = models.CharField(
        max_length=16, choices=PartnershipSource.choices, default=PartnershipSource.MANUAL
    )
    since = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = scoped_manager(PartnershipQuerySet)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "org_a", "org_b"],
                name="partnership_unique_pair",
                violation_error_message="These two organizations are already partners.",
            ),
            models.CheckConstraint(
                condition=Q(org_a__lt=models.F("org_b")),
                name="partnership_ordered_pair",
                violation_error_message="A partnership joins two different organizations.",
            ),
        ]
        indexes = [
            # Partners of an organization when it is the higher id of the pair.
            models.Index(fields=["workspace", "org_b", "org_a"], name="partnership_ws_b_a_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.org_a_id} ↔ {self.org_b_id} ({self.kind})"

    def other(self, organization) -> Organization:
        return self.org_b if self.org_a_id == organization.pk else self.org_a
