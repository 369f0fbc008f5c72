"""Circles API: Circles, their members and invitations, in the token's workspace.

Guests (partner people who accepted a Circle invitation) may list and read the Circles they are
active members of, and their members; everything else is for teammates. Every Circle is fetched
through access.get_circle, so another Circle answers 404 like one that never existed.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from roundtable.circles import actions
from roundtable.circles.access import (
    get_circle,
    get_invitation,
    get_member,
    visible_circles,
    visible_cursor,
)
from roundtable.circles.choices import MemberStatus
from roundtable.circles.filters import CircleFilter
from roundtable.circles.forms import core_partner_from_text, people_from_uuids, teammate_by_email
from roundtable.circles.models import Circle, CircleInvitation, CircleMember
from roundtable.circles.schemas import (
    CircleFilters,
    CircleIn,
    CircleOut,
    CirclePage,
    CirclePatch,
    InvitationOut,
    InviteIn,
    InviteOut,
    MemberIn,
    MemberOut,
    MemberPatch,
    ReplacementIn,
)
from roundtable.core.pagination import keyset_page
from roundtable.ecosystem.graph import resolve_tags
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

router = Router(tags=["circles"])

READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
LIST_ERRORS = {401: Error, 403: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrors}
MAX_PAGE = 200


def _field(name: str, check, value):
    """Run a lookup that raises a plain ValidationError; name the field it was about."""
    try:
        return check(value)
    except ValidationError as error:
        raise ValidationError({name: " ".join(error.messages)}) from None


def circle_out(circle: Circle) -> dict:
    core = circle.core_partner
    return {
        "uuid": circle.uuid,
        "name": circle.name,
        "purpose_kind": circle.purpose_kind,
        "purpose": circle.purpose,
        "status": circle.status,
        "tags": [tag.label for tag in circle.tags.all()],
        "core_partner": {"uuid": core.uuid, "name": core.name, "domain": core.domain}
        if core
        else None,
        "target_size": circle.target_size,
        "host": circle.host.email if circle.host else None,
        "active_members": circle.active_count,
        "current_members": circle.current_count,
        "created_at": circle.created_at,
        "updated_at": circle.updated_at,
    }


def member_out(member: CircleMember) -> dict:
    person = member.person
    return {
        "uuid": member.uuid,
        "name": member.name,
        "email": (person.email if person else "") or member.email,
        "organization": person.organization.name if person else member.organization_name,
        "person": person.uuid if person else None,
        "teammate": member.is_teammate,
        "role": member.role,
        "status": member.status,
        "since": member.since,
        "invited_at": member.invited_at,
        "joined_at": member.joined_at,
        "ended_at": member.ended_at,
        "replaced_by": member.replaced_by.uuid if member.replaced_by else None,
    }


def invitation_out(invitation: CircleInvitation) -> dict:
    delivery = invitation.delivery
    return {
        "uuid": invitation.uuid,
        "member": invitation.member.uuid,
        "email": invitation.email,
        "state": invitation.state,
        "sent_at": invitation.sent_at,
        "send_count": invitation.send_count,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
        "declined_at": invitation.declined_at,
        "delivery": delivery.status if delivery else None,
        "attempts": delivery.attempts if delivery else 0,
    }


def _counted(request, circle: Circle) -> Circle:
    """The Circle again, with its member counts and what circle_out reads."""
    return (
        visible_circles(request)
        .select_related("core_partner", "host")
        .prefetch_related("tags")
        .with_member_counts()
        .get(pk=circle.pk)
    )


# Fields that name another row, with the lookup that turns the API's text into it.
REFERENCES = {"core_partner": core_partner_from_text, "host": teammate_by_email}


def _circle_fields(fields: dict) -> dict:
    """API values → action values: the core partner by name/website/uuid, the host by email.
    A blank reference means none, exactly like null, in POST and PATCH alike (POST then makes
    the caller the host), so no text ever reaches the action in place of a row."""
    for name, lookup in REFERENCES.items():
        if name in fields:
            text = (fields[name] or "").strip()
            fields[name] = _field(name, lookup, text) if text else None
    for name, value in fields.items():
        if value is None and name not in REFERENCES:
            raise ValidationError({name: "This field cannot be null."})
    return fields


# Circles


@router.get("/circles", response={200: CirclePage, **LIST_ERRORS})
def list_circles(
    request, filters: Query[CircleFilters], after: UUID | None = None, limit: int = 50
):
    """Circles in name order, filtered like the Circles page. A guest gets only theirs (an
    organization or tag they cannot see matches nothing, whether or not it exists)."""
    form = CircleFilter(filters.model_dump(mode="json"), guest=request.membership.is_guest)
    if not form.is_valid():
        detail = [
            {"loc": ["query", field], "msg": " ".join(errors), "type": "value_error"}
            for field, errors in form.errors.items()
        ]
        return Status(422, {"detail": detail})
    page = keyset_page(
        form.circles(visible_circles(request)),
        ordering=["name", "id"],
        after=visible_cursor(request, after),
        size=max(1, min(limit, MAX_PAGE)),
    )
    return {
        "items": [circle_out(circle) for circle in page.items],
        "count": page.count,
        "next_after": page.next_cursor,
    }


@router.post("/circles", response={201: CircleOut, **WRITE_ERRORS})
def create_circle(request, payload: CircleIn):
    """A new Circle; `people` are proposed as members (invite them with POST …/invitations)."""
    require_team(request)
    fields = _circle_fields(payload.dict())
    tags = _field("tags", resolve_tags, fields.pop("tags"))
    people = _field("people", people_from_uuids, fields.pop("people"))
    fields["host"] = fields["host"] or request.user
    circle = actions.create_circle(
        request.workspace, created_by=request.user, tags=tags, people=people, **fields
    )
    return Status(201, circle_out(_counted(request, circle)))


@router.get("/circles/{uuid}", response={200: CircleOut, **READ_ERRORS})
def get_circle_by_uuid(request, uuid: UUID):
    return circle_out(_counted(request, get_circle(request, uuid)))


@router.patch("/circles/{uuid}", response={200: CircleOut, **WRITE_ERRORS})
def update_circle(request, uuid: UUID, payload: CirclePatch):
    """Change the fields given; `tags`, when given, replaces the ICP tags."""
    circle = get_circle(request, uuid)
    require_team(request)
    fields = _circle_fields(payload.dict(exclude_unset=True))
    labels = fields.pop("tags", None)
    tags = None if labels is None else _field("tags", resolve_tags, labels)
    actions.update_circle(circle, tags=tags, **fields)
    return circle_out(_counted(request, circle))


# Members


def _members(circle: Circle, request):
    members = CircleMember.objects.filter(circle=circle).select_related(
        "person__organization", "user", "replaced_by"
    )
    if request.membership.is_guest:
        members = members.exclude(status=MemberStatus.PROPOSED)
    return members.order_by("created_at", "id")


@router.get("/circles/{uuid}/members", response={200: list[MemberOut], **READ_ERRORS})
def list_members(request, uuid: UUID, current: bool = False):
    """Every member row, history included (`current=true`: proposed, invited and active only)."""
    circle = get_circle(request, uuid)
    members = _members(circle, request)
    if current:
        members = members.current()
    return [member_out(member) for member in members]


def _newcomer(payload):
    """(person, teammate) named by a member or replacement payload: exactly one of them."""
    if bool(payload.person) == bool(payload.teammate):
        raise ValidationError({"person": "Give either `person` (a uuid) or `teammate` (an email)."})
    if payload.person:
        (person,) = _field("person", people_from_uuids, [payload.person])
        return person, None
    return None, _field("teammate", teammate_by_email, payload.teammate)


@router.post("/circles/{uuid}/members", response={201: MemberOut, **WRITE_ERRORS})
def add_member(request, uuid: UUID, payload: MemberIn):
    """Propose a directory person (then invite them), or add a teammate (active at once)."""
    circle = get_circle(request, uuid)
    require_team(request)
    person, teammate = _newcomer(payload)
    if person is not None:
        member = actions.add_person(circle, person, role=payload.role, added_by=request.user)
    else:
        member = actions.add_teammate(circle, teammate, role=payload.role, added_by=request.user)
    return Status(201, member_out(member))


@router.patch("/circles/{uuid}/members/{member}", response={200: MemberOut, **WRITE_ERRORS})
def change_member(request, uuid: UUID, member: UUID, payload: MemberPatch):
    circle = get_circle(request, uuid)
    found = get_member(request, circle, member)
    require_team(request)
    return member_out(actions.set_role(found, payload.role))


@router.delete("/circles/{uuid}/members/{member}", response={204: None, **WRITE_ERRORS})
def remove_member(request, uuid: UUID, member: UUID):
    """Take a member out: a proposed one is deleted, anyone else is kept as having left."""
    circle = get_circle(request, uuid)
    found = get_member(request, circle, member)
    require_team(request)
    actions.remove_member(found)
    return Status(204, None)


@router.post("/circles/{uuid}/members/{member}/replace", response={201: MemberOut, **WRITE_ERRORS})
def replace_member(request, uuid: UUID, member: UUID, payload: ReplacementIn):
    """Put someone in this member's place; the member is kept in the history as replaced."""
    circle = get_circle(request, uuid)
    found = get_member(request, circle, member)
    require_team(request)
    person, teammate = _newcomer(payload)
    successor = actions.replace_member(found, person=person, user=teammate, added_by=request.user)
    return Status(201, member_out(successor))


# Invitations


@router.get("/circles/{uuid}/invitations", response={200: list[InvitationOut], **READ_ERRORS})
def list_invitations(request, uuid: UUID):
    circle = get_circle(request, uuid)
    require_team(request)
    invitations = CircleInvitation.objects.filter(circle=circle).select_related(
        "member", "delivery"
    )
    return [invitation_out(invitation) for invitation in invitations]


@router.post("/circles/{uuid}/invitations", response={201: InviteOut, **WRITE_ERRORS})
def invite(request, uuid: UUID, payload: InviteIn):
    """Email invitations in the Circle's thread, from its host: to `members` (all of them or,
    if one cannot be invited, none: 422), or to every proposed member who can be."""
    circle = get_circle(request, uuid)
    require_team(request)
    members = None
    if payload.members:
        try:
            wanted = list(dict.fromkeys(UUID(value) for value in payload.members))
        except ValueError:
            raise ValidationError({"members": "Name members by their uuid."}) from None
        found = {
            m.uuid: m
            for m in CircleMember.objects.filter(circle=circle, uuid__in=wanted).select_related(
                "person", "circle"
            )
        }
        missing = [str(value) for value in wanted if value not in found]
        if missing:
            raise ValidationError({"members": f"Not members of this Circle: {', '.join(missing)}"})
        members = [found[value] for value in wanted]
    batch = actions.invite_members(circle, members, inviter=request.user)
    return Status(
        201,
        {
            "sent": [invitation_out(issued.invitation) for issued in batch.sent],
            "skipped": [{"member": m.uuid, "reason": reason} for m, reason in batch.skipped],
        },
    )


@router.post(
    "/circles/{uuid}/invitations/{invitation}/resend",
    response={200: InvitationOut, **WRITE_ERRORS},
)
def resend_invitation(request, uuid: UUID, invitation: UUID):
    """A new link (the old one stops working) and a fresh expiry date, in the same thread."""
    circle = get_circle(request, uuid)
    found = get_invitation(request, circle, invitation)
    require_team(request)
    return invitation_out(actions.resend(found, inviter=request.user).invitation)
