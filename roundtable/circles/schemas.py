"""API shapes of Circles, their members and invitations, named by uuid.

References to other objects travel as uuid text (people) or email (teammates): the handler checks
them after it has found the Circle named in the path, so another workspace's Circle answers 404
whatever the body holds, and a bad value answers 422 naming its field.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

from roundtable.circles.choices import CircleStatus, MemberRole, MemberStatus, PurposeKind
from roundtable.circles.models import MAX_TARGET_SIZE
from roundtable.ecosystem.schemas import TAG_HELP, Input, OrganizationRef, UuidText

TagLabel = Annotated[str, Field(max_length=120)]


class CircleFilters(Input):
    q: str = Field("", max_length=200, description="Text in the name")
    kind: PurposeKind | None = Field(None, description="The purpose kind")
    status: CircleStatus | None = None
    tag: list[TagLabel] = Field(default_factory=list, description=f"{TAG_HELP}; all must match")
    organization: UuidText | None = Field(
        None, description="Circles with a current member from this organization"
    )


class CircleIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    purpose_kind: PurposeKind = PurposeKind.ICP
    purpose: str = Field("", max_length=2000)
    tags: list[TagLabel] = Field(default_factory=list, max_length=50, description=TAG_HELP)
    core_partner: str | None = Field(
        None,
        max_length=500,
        description="The partner it grew from: name, website or uuid; null or blank: none",
    )
    target_size: int = Field(5, ge=1, le=MAX_TARGET_SIZE)
    host: str | None = Field(
        None, max_length=320, description="A teammate's email; you when omitted, null or blank"
    )
    status: CircleStatus = CircleStatus.FORMING
    people: list[UuidText] = Field(
        default_factory=list, max_length=50, description="Directory people to propose as members"
    )


class CirclePatch(Input):
    name: str = Field(None, min_length=1, max_length=200)
    purpose_kind: PurposeKind = None
    purpose: str = Field(None, max_length=2000)
    tags: list[TagLabel] = Field(None, max_length=50, description=f"Replaces all. {TAG_HELP}")
    core_partner: str | None = Field(None, max_length=500, description="null or blank: none")
    target_size: int = Field(None, ge=1, le=MAX_TARGET_SIZE)
    host: str | None = Field(
        None, max_length=320, description="A teammate's email; null or blank: none"
    )
    status: CircleStatus = None


class CircleOut(Schema):
    uuid: UUID
    name: str
    purpose_kind: PurposeKind
    purpose: str
    status: CircleStatus
    tags: list[str]
    core_partner: OrganizationRef | None
    target_size: int
    host: str | None = Field(description="The host teammate's email")
    active_members: int
    current_members: int = Field(description="Proposed, invited and active members")
    created_at: datetime
    updated_at: datetime


class CirclePage(Schema):
    items: list[CircleOut]
    count: int
    next_after: UUID | None = Field(description="Pass as `after` for the next page")


class MemberOut(Schema):
    uuid: UUID
    name: str
    email: str
    organization: str
    person: UUID | None = Field(description="The directory person, when a partner person")
    teammate: bool
    role: MemberRole
    status: MemberStatus
    since: datetime | None
    invited_at: datetime | None
    joined_at: datetime | None
    ended_at: datetime | None
    replaced_by: UUID | None


class MemberIn(Input):
    person: UuidText | None = Field(None, description="A directory person (proposed, to invite)")
    teammate: str | None = Field(None, max_length=320, description="A teammate's email (active)")
    role: MemberRole = MemberRole.MEMBER


class MemberPatch(Input):
    role: MemberRole


class ReplacementIn(Input):
    person: UuidText | None = Field(None, description="The directory person who replaces them")
    teammate: str | None = Field(None, max_length=320, description="Or a teammate's email")


class InvitationOut(Schema):
    uuid: UUID
    member: UUID
    email: str
    state: str = Field(description="pending, expired, accepted, declined or withdrawn")
    sent_at: datetime
    send_count: int
    expires_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    delivery: str | None = Field(description="The last email's status: queued, retrying, sent…")
    attempts: int = Field(description="Delivery attempts of the last email")


class InviteIn(Input):
    members: list[UuidText] = Field(
        default_factory=list,
        max_length=50,
        description="Members to invite (all or none); empty: every proposed member who can be",
    )


class Skipped(Schema):
    member: UUID
    reason: str


class InviteOut(Schema):
    sent: list[InvitationOut]
    skipped: list[Skipped]
