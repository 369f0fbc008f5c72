"""API shapes of the directory: organizations, people, tags and partnerships, named by uuid.

Update payloads (PATCH) change only the fields they carry. Dates travel as YYYY-MM-DD text and
references to other objects as uuid text: the handler checks them after it has found the object
named in the path, so a foreign uuid in the path answers 404 whatever the body holds, and a bad
value answers 422 naming its field.
"""

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from pydantic import WithJsonSchema, field_validator

from roundtable.ecosystem.choices import OrgKind, PartnershipKind, PartnershipSource, PartnerStatus
from roundtable.ecosystem.filters import STATUS_FILTER_CHOICES

DateText = Annotated[
    str, WithJsonSchema({"type": "string", "format": "date", "examples": ["2024-03-01"]})
]
UuidText = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
# The page's status filter values ("" any, "partner" any partner status, "none" not a partner …).
StatusFilter = Enum(
    "StatusFilter",
    {(value or "any").upper(): value for value, _ in STATUS_FILTER_CHOICES},
    type=str,
)
TAG_HELP = "TYPE:VALUE labels, e.g. ecosystem:Shopify, size:under $25M, region:EMEA"


def _storable(value):
    """Text the databases can store: PostgreSQL refuses NUL characters, UTF-8 lone surrogates."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str):
            if "\x00" in text:
                raise ValueError("must not contain NUL characters")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("must be valid Unicode text") from None
    return value


class Input(Schema):
    @field_validator("*")
    @classmethod
    def storable_text(cls, value):
        return _storable(value)


# Organizations


class OrganizationFilters(Input):
    q: str = Field("", max_length=200, description="Text in the name, domain or city")
    tag: list[str] = Field(default_factory=list, description=f"{TAG_HELP}; every one must match")
    kind: OrgKind | None = None
    status: StatusFilter = Field(
        StatusFilter.ANY,
        description="; ".join(f"`{value}`: {label}" for value, label in STATUS_FILTER_CHOICES),
    )


class OrganizationIn(Input):
    name: str = Field(..., min_length=1, max_length=255)
    website: str = Field("", max_length=500, description="Website or domain; its domain is the key")
    kind: OrgKind = OrgKind.OTHER
    city: str = Field("", max_length=120)
    country: str = Field("", max_length=80)
    description: str = Field("", max_length=10_000)
    status: PartnerStatus = Field(PartnerStatus.NONE, description="Empty: not a partner")
    tier: str = Field("", max_length=40)
    partner_manager: str | None = Field(None, max_length=320, description="A teammate's email")
    partner_since: DateText | None = None
    external_id: str = Field("", max_length=100, description="CRM record id")
    tags: list[Annotated[str, Field(max_length=120)]] = Field(
        default_factory=list, max_length=200, description=TAG_HELP
    )


class OrganizationPatch(Input):
    name: str = Field(None, min_length=1, max_length=255)
    website: str = Field(None, max_length=500)
    kind: OrgKind = None
    city: str = Field(None, max_length=120)
    country: str = Field(None, max_length=80)
    description: str = Field(None, max_length=10_000)
    status: PartnerStatus = None
    tier: str = Field(None, max_length=40)
    partner_manager: str | None = Field(None, max_length=320, description="null: nobody")
    partner_since: DateText | None = None
    external_id: str = Field(None, max_length=100)
    tags: list[Annotated[str, Field(max_length=120)]] = Field(
        default_factory=list, max_length=200, description=f"Replaces all tags. {TAG_HELP}"
    )


class OrganizationOut(Schema):
    uuid: UUID
    name: str
    website: str
    domain: str
    kind: str
    city: str
    country: str
    description: str
    status: str
    status_changed_at: datetime | None
    tier: str
    partner_manager: str | None = Field(description="The teammate's email")
    partner_since: date | None
    is_us: bool = Field(description="The workspace's own company")
    external_id: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    count: int = Field(description="Matching organizations, counted up to 10,000")
    count_capped: bool = Field(description="True when there are more than `count`")
    next_after: UUID | None = Field(description="Pass as `after` for the next page")


class OrganizationRef(Schema):
    uuid: UUID
    name: str
    domain: str


# People


class PersonFilters(Input):
    q: str = Field("", max_length=200, description="Text in the name, email, title or city")
    organization: UUID | None = None


class PersonIn(Input):
    organization: UUID
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    title: str = Field("", max_length=200)
    city: str = Field("", max_length=120)
    linkedin_url: str = Field("", max_length=500)
    phone: str = Field("", max_length=50)
    external_id: str = Field("", max_length=100)


class PersonPatch(Input):
    organization: UuidText = Field(None, description="Move the person to this organization")
    first_name: str = Field(None, max_length=100)
    last_name: str = Field(None, max_length=100)
    email: str = Field(None, max_length=254)
    title: str = Field(None, max_length=200)
    city: str = Field(None, max_length=120)
    linkedin_url: str = Field(None, max_length=500)
    phone: str = Field(None, max_length=50)
    external_id: str = Field(None, max_length=100)


class PersonOut(Schema):
    uuid: UUID
    organization: OrganizationRef
    first_name: str
    last_name: str
    email: str
    title: str
    city: str
    linkedin_url: str
    phone: str
    external_id: str
    created_at: datetime
    updated_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    count_capped: bool
    next_after: UUID | None


# Tags


class TagIn(Input):
    label: str = Field(..., max_length=120, description=TAG_HELP)


class TagPatch(Input):
    name: str = Field(..., min_length=1, max_length=100)


class TagOut(Schema):
    uuid: UUID
    type: str
    name: str
    label: str = Field(description="TYPE:VALUE")
    organizations: int = Field(description="How many organizations carry it")


# Partnerships


class PartnershipFilters(Input):
    organization: UUID | None = Field(None, description="Edges touching this organization")
    kind: PartnershipKind | None = None
    source: PartnershipSource | None = None


class PartnershipIn(Input):
    organization: UUID
    partner: UUID
    kind: PartnershipKind = PartnershipKind.UNKNOWN
    source: PartnershipSource = PartnershipSource.MANUAL
    since: DateText | None = None
    note: str = Field("", max_length=2000)


class PartnershipPatch(Input):
    kind: PartnershipKind = None
    source: PartnershipSource = None
    since: DateText | None = None
    note: str = Field(None, max_length=2000)


class PartnershipOut(Schema):
    uuid: UUID
    organization: OrganizationRef
    partner: OrganizationRef
    kind: str
    source: str
    since: date | None
    note: str
    created_at: datetime


class PartnershipPage(Schema):
    items: list[PartnershipOut]
    count: int
    count_capped: bool
    next_after: UUID | None
