"""Every change to Circles, their members and invitations: pages, API, CLI and the demo call these,
so the rules (one seat per person, invitations only to people with an address, one-use links,
guests never replace a teammate's seat) live in one place."""

from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr, parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.circles.choices import (
    CircleStatus,
    MemberRole,
    MemberStatus,
    PurposeKind,
)
from roundtable.circles.models import MAX_TARGET_SIZE, Circle, CircleInvitation, CircleMember
from roundtable.circles.queries import fellow_members
from roundtable.core.emails import queue_email
from roundtable.ecosystem.models import Organization, Person, Tag
from roundtable.workspaces.actions import _mark_email_verified
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, hash_secret

CIRCLE_FIELDS = {
    "name", "purpose_kind", "purpose", "core_partner", "target_size", "host", "status",
}  # fmt: skip


# Circles


def thread_id(circle: Circle) -> str:
    """The Message-ID every email about the Circle refers to (stable: derived from its uuid)."""
    host = urlparse(settings.SITE_URL).hostname or "roundtable"
    if "." not in host:
        host = f"{host}.roundtable"
    return f"<circle.{circle.uuid}@{host}>"


def is_teammate(workspace, user) -> bool:
    with scope(workspace=workspace):
        return Membership.objects.filter(user=user).exclude(role=Role.GUEST).exists()


def _check_circle(circle: Circle) -> None:
    circle.name = " ".join((circle.name or "").split())
    if not circle.name:
        raise ValidationError({"name": "Give the Circle a name, e.g. “D2C Shopify EMEA”."})
    if len(circle.name) > 200:
        raise ValidationError({"name": "A Circle's name has at most 200 characters."})
    clash = Circle.objects.filter(name__iexact=circle.name).exclude(pk=circle.pk).first()
    if clash is not None:
        raise ValidationError({"name": f"There is already a Circle named “{clash.name}”."})
    if circle.purpose_kind not in PurposeKind.values:
        raise ValidationError({"purpose_kind": f"Choose one of {', '.join(PurposeKind.values)}."})
    if circle.status not in CircleStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(CircleStatus.values)}."})
    try:
        size = int(circle.target_size)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= MAX_TARGET_SIZE:
        raise ValidationError(
            {"target_size": f"The target size is a number from 1 to {MAX_TARGET_SIZE}."}
        )
    circle.target_size = size
    if circle.host is not None and not is_teammate(circle.workspace, circle.host):
        raise ValidationError({"host": "The host is a teammate of this workspace."})
    core = circle.core_partner
    if core is not None:
        if core.workspace_id != circle.workspace_id:
            raise ValidationError({"core_partner": "No such organization."})
        if core.is_us:
            raise ValidationError(
                {"core_partner": "That is your own company: choose a partner as the core."}
            )


# A Circle's references and the model each must be; the message says what to give instead.
REFERENCE_MODELS = {
    "core_partner": (Organization, "Choose a partner organization, or none."),
    "host": (User, "The host is a teammate of this workspace."),
}


def _check_references(fields: dict) -> None:
    """A reference is a row or None. Anything else (a caller's blank text, an id) is bad input
    to name, not a ValueError from Django while assigning it."""
    for name, (model, message) in REFERENCE_MODELS.items():
        value = fields.get(name)
        if value is not None and not isinstance(value, model):
            raise ValidationError({name: message})


def _save_circle(circle: Circle) -> None:
    try:
        with transaction.atomic():
            circle.save()
    except IntegrityError as exc:  # the same name saved by another request a moment ago
        raise ValidationError(
            {"name": f"There is already a Circle named “{circle.name}”."}
        ) from exc


def _check_tags(workspace, tags) -> list[Tag]:
    tags = list(dict.fromkeys(tags or []))
    if any(tag.workspace_id != workspace.pk for tag in tags):
        raise ValidationError({"tags": "No such tag."})
    return tags


@transaction.atomic
def create_circle(
    workspace,
    *,
    created_by: User | None,
    name: str,
    purpose_kind: str = PurposeKind.ICP,
    purpose: str = "",
    tags=(),
    core_partner: Organization | None = None,
    target_size: int = 5,
    host: User | None = None,
    status: str = CircleStatus.FORMING,
    people=(),
) -> Circle:
    """A new Circle, with `people` (directory people) proposed as its first members."""
    _check_references({"core_partner": core_partner, "host": host})
    with scope(workspace=workspace):
        circle = Circle(
            workspace=workspace,
            name=name,
            purpose_kind=purpose_kind,
            purpose=(purpose or "").strip(),
            core_partner=core_partner,
            target_size=target_size,
            host=host,
            status=status,
            created_by=created_by,
        )
        _check_circle(circle)
        tags = _check_tags(workspace, tags)
        circle.thread_id = thread_id(circle)
        _save_circle(circle)
        circle.tags.set(tags)
        for person in dict.fromkeys(people):
            add_person(circle, person, added_by=created_by)
    return circle


@transaction.atomic
def update_circle(circle: Circle, *, tags=None, **fields) -> Circle:
    """Change some of a Circle's fields (and, when given, its ICP tags)."""
    unknown = set(fields) - CIRCLE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field does not exist."))
    _check_references(fields)
    with scope(workspace=circle.workspace):
        for name, value in fields.items():
            setattr(circle, name, value)
        if "purpose" in fields:
            circle.purpose = (circle.purpose or "").strip()
        _check_circle(circle)
        _save_circle(circle)
        if tags is not None:
            circle.tags.set(_check_tags(circle.workspace, tags))
    return circle


# Members


def _already_in(circle: Circle, *, person=None, user=None) -> CircleMember | None:
    members = CircleMember.objects.current().filter(circle=circle)
    if person is not None:
        return members.filter(person=person).first()
    return members.filter(user=user).first()


def _save_new_member(member: CircleMember, field_name: str) -> CircleMember:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # another request added the same person a moment ago
        raise ValidationError({field_name: f"{member.name} is already in this Circle."}) from exc
    return member


def _check_role(role: str) -> None:
    if role not in MemberRole.values:
        raise ValidationError({"role": f"Choose one of {', '.join(MemberRole.values)}."})


@transaction.atomic
def add_person(
    circle: Circle, person: Person, *, role: str = MemberRole.MEMBER, added_by: User | None = None
) -> CircleMember:
    """Propose a partner person as a member; the invitation is a separate step."""
    _check_role(role)
    if person.workspace_id != circle.workspace_id:
        raise ValidationError({"person": "No such person."})
    with scope(workspace=circle.workspace):
        existing = _already_in(circle, person=person)
        if existing is not None:
            raise ValidationError(
                {
                    "person": f"{person.full_name} is already in this Circle "
                    f"({existing.get_status_display().lower()})."
                }
            )
        member = CircleMember(
            workspace=circle.workspace,
            circle=circle,
            person=person,
            name=person.full_name[:200],
            email=person.email,
            organization_name=person.organization.name,
            role=role,
            status=MemberStatus.PROPOSED,
            added_by=added_by,
        )
        return _save_new_member(member, "person")


@transaction.atomic
def add_teammate(
    circle: Circle, user: User, *, role: str = MemberRole.MEMBER, added_by: User | None = None
) -> CircleMember:
    """A teammate joins at once: they already have a seat in the workspace."""
    _check_role(role)
    if not is_teammate(circle.workspace, user):
        raise ValidationError({"teammate": f"{user.email} is not a teammate of this workspace."})
    with scope(workspace=circle.workspace):
        if _already_in(circle, user=user) is not None:
            raise ValidationError({"teammate": f"{user.display_name} is already in this Circle."})
        now = timezone.now()
        member = CircleMember(
            workspace=circle.workspace,
            circle=circle,
            user=user,
            name=user.name or user.display_name,
            email=user.email,
            organization_name=circle.workspace.name,
            role=role,
            status=MemberStatus.ACTIVE,
            joined_at=now,
            added_by=added_by,
        )
        return _save_new_member(member, "teammate")


@transaction.atomic
def set_role(member: CircleMember, role: str) -> CircleMember:
    _check_role(role)
    if not member.is_current:
        raise ValidationError({"role": f"{member.name} is no longer in this Circle."})
    member.role = role
    member.save(update_fields=["role", "updated_at"])
    return member


def _withdraw_invitation(member: CircleMember, now) -> None:
    CircleInvitation.objects.filter(
        member=member, accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)


@transaction.atomic
def remove_member(member: CircleMember) -> CircleMember | None:
    """Take a member out. A proposed member was never told, so the row goes; anyone invited or
    active stays in the history as having left (an open invitation is withdrawn)."""
    if not member.is_current:
        raise ValidationError(
            {"member": f"{member.name} already {member.get_status_display().lower()}."}
        )
    with scope(workspace=member.workspace):
        if member.status == MemberStatus.PROPOSED:
            member.delete()
            return None
        now = timezone.now()
        _withdraw_invitation(member, now)
        member.status = MemberStatus.LEFT
        member.ended_at = now
        member.save(update_fields=["status", "ended_at", "updated_at"])
    return member


@transaction.atomic
def replace_member(
    member: CircleMember,
    *,
    person: Person | None = None,
    user: User | None = None,
    added_by: User | None = None,
) -> CircleMember:
    """Put someone in `member`'s place: the new member takes the same role (a person is proposed,
    ready to invite; a teammate is active at once) and the old one is kept as replaced."""
    if (person is None) == (user is None):
        raise ValidationError({"person": "Choose the person (or the teammate) who replaces them."})
    if not member.is_current:
        raise ValidationError(
            {"member": f"{member.name} already {member.get_status_display().lower()}."}
        )
    circle = member.circle
    with scope(workspace=member.workspace):
        if person is not None:
            successor = add_person(circle, person, role=member.role, added_by=added_by)
        else:
            successor = add_teammate(circle, user, role=member.role, added_by=added_by)
        now = timezone.now()
        _withdraw_invitation(member, now)
        member.status = MemberStatus.REPLACED
        member.ended_at = now
        member.replaced_by = successor
        member.save(update_fields=["status", "ended_at", "replaced_by", "updated_at"])
    return successor


# Invitations


def invitation_url(token: str, *, decline: bool = False) -> str:
    url = settings.SITE_URL + reverse("circle_invitation", kwargs={"token": token})
    return url + "?answer=decline" if decline else url


def _sender(host: User) -> str:
    """'Olivia via Roundtable <roundtable@…>': the host's name on our own address, so the mail
    passes SPF/DMARC while the reader sees who invites them (Reply-To is the host)."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{host.display_name} via Roundtable", address))


def _thread_headers(circle: Circle) -> dict:
    if not circle.thread_id:
        return {}
    return {"In-Reply-To": circle.thread_id, "References": circle.thread_id}


def _send_invitation(invitation: CircleInvitation, token: str, inviter: User) -> None:
    circle = invitation.circle
    host = circle.host or inviter
    member = invitation.member
    email = queue_email(
        to=[invitation.email],
        template_prefix="circles/email/invitation",
        context={
            "circle": circle,
            "member": member,
            "host": host,
            "workspace": circle.workspace,
            "tags": list(circle.tags.all()),
            "fellows": fellow_members(member),
            "accept_url": invitation_url(token),
            "decline_url": invitation_url(token, decline=True),
            "expires_at": invitation.expires_at,
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        from_email=_sender(host),
        reply_to=[host.email],
        headers=_thread_headers(circle),
        workspace=circle.workspace,
        kind="circle_invitation",
    )
    invitation.delivery = email
    invitation.save(update_fields=["delivery", "updated_at"])


@dataclass
class IssuedInvitation:
    invitation: CircleInvitation
    token: str  # known only when issued; the database keeps its hash


@dataclass
class InvitationBatch:
    sent: list[IssuedInvitation] = field(default_factory=list)
    skipped: list[tuple[CircleMember, str]] = field(default_factory=list)


def invitation_problem(member: CircleMember) -> str | None:
    """Why `member` cannot be invited now, in the host's words; None when they can."""
    if member.circle.status == CircleStatus.CLOSED:
        return "This Circle is closed: reopen it before inviting anyone."
    if member.status == MemberStatus.INVITED:
        return f"{member.name} is already invited: resend the invitation instead."
    if member.status == MemberStatus.ACTIVE:
        return f"{member.name} is already an active member of this Circle."
    if member.status != MemberStatus.PROPOSED:
        return (
            f"{member.name} {member.get_status_display().lower()}: add them to the Circle again "
            "to send a new invitation."
        )
    if not _address_of(member):
        return f"{member.name} has no email address: add one in the directory, then invite them."
    return None


def _address_of(member: CircleMember) -> str:
    if member.person is not None:
        return member.person.email
    return member.email


def _issue(member: CircleMember, inviter: User) -> IssuedInvitation:
    """The member's invitation, recorded and marked invited; `_send_all` emails it."""
    now = timezone.now()
    token = CircleInvitation.new_token()
    email = _address_of(member)
    # A member row has one invitation; an earlier one can only be a withdrawn leftover.
    CircleInvitation.objects.filter(member=member).delete()
    invitation = CircleInvitation.objects.create(
        workspace=member.workspace,
        circle=member.circle,
        member=member,
        email=email,
        token_hash=hash_secret(token),
        sent_by=inviter,
        sent_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    member.status = MemberStatus.INVITED
    member.invited_at = now
    member.email = email
    member.save(update_fields=["status", "invited_at", "email", "updated_at"])
    return IssuedInvitation(invitation, token)


def _send_all(issued: list[IssuedInvitation], inviter: User) -> None:
    """Email each invitation once every one of them is issued, so each email names everyone
    invited with it."""
    for one in issued:
        _send_invitation(one.invitation, one.token, inviter)


@transaction.atomic
def invite(member: CircleMember, *, inviter: User) -> IssuedInvitation:
    """Email one member their personal invitation, in the Circle's thread."""
    problem = invitation_problem(member)
    if problem:
        raise ValidationError({"member": problem})
    with scope(workspace=member.workspace):
        issued = _issue(member, inviter)
        _send_all([issued], inviter)
    return issued


@transaction.atomic
def invite_members(circle: Circle, members=None, *, inviter: User) -> InvitationBatch:
    """Invite `members` (all of them, or nothing if one cannot be invited), or, when None, every
    proposed member who can be: the others are reported, not invited."""
    batch = InvitationBatch()
    with scope(workspace=circle.workspace):
        if members is None:
            candidates = list(
                CircleMember.objects.awaiting_invitation()
                .filter(circle=circle)
                .select_related("person", "circle")
                .order_by("created_at", "id")
            )
            for member in candidates:
                problem = invitation_problem(member)
                if problem:
                    batch.skipped.append((member, problem))
                else:
                    batch.sent.append(_issue(member, inviter))
        else:
            members = list(members)
            if any(member.circle_id != circle.pk for member in members):
                raise ValidationError({"members": "Every member must belong to this Circle."})
            problems = [problem for member in members if (problem := invitation_problem(member))]
            if problems:
                raise ValidationError({"members": problems})
            batch.sent = [_issue(member, inviter) for member in members]
        _send_all(batch.sent, inviter)
    return batch


@transaction.atomic
def resend(invitation: CircleInvitation, *, inviter: User) -> IssuedInvitation:
    """A new link (the old one stops working) and a fresh expiry date, in the same thread."""
    state = invitation.state
    if state not in {"pending", "expired"}:
        raise ValidationError(
            {"invitation": f"This invitation was {state}; it cannot be sent again."}
        )
    now = timezone.now()
    token = CircleInvitation.new_token()
    with scope(workspace=invitation.workspace):
        invitation.token_hash = hash_secret(token)
        invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
        invitation.sent_at = now
        invitation.send_count += 1
        invitation.sent_by = inviter
        invitation.save(
            update_fields=[
                "token_hash", "expires_at", "sent_at", "send_count", "sent_by", "updated_at",
            ]
        )  # fmt: skip
        member = invitation.member
        member.invited_at = now
        member.save(update_fields=["invited_at", "updated_at"])
        _send_invitation(invitation, token, inviter)
    return IssuedInvitation(invitation, token)


class InvitationLinkError(Exception):
    """A Circle invitation link that cannot be used; the message says why, in the user's words."""


def find_invitation(token: str) -> CircleInvitation:
    """The invitation behind a link, or InvitationLinkError saying why the link is no good."""
    with scopes_disabled():
        invitation = (
            CircleInvitation.objects.select_related(
                "workspace", "circle__host", "member__person__organization", "sent_by"
            )
            .filter(token_hash=hash_secret(token or ""))
            .first()
        )
    if invitation is None:
        raise InvitationLinkError(
            "This invitation link is not valid. It may have been replaced by a newer one: use "
            "the link in the most recent email, or ask the Circle's host for a new invitation."
        )
    host = invitation.circle.host or invitation.sent_by
    host_name = host.display_name if host else "the host"
    state = invitation.state
    if state == "accepted":
        raise InvitationLinkError(
            "This invitation was already accepted. Sign in to open the Circle."
        )
    if state == "declined":
        raise InvitationLinkError(
            f"This invitation was declined. If you changed your mind, ask {host_name} to "
            "invite you again."
        )
    if state == "withdrawn":
        raise InvitationLinkError(f"This invitation was withdrawn by {host_name}.")
    if state == "expired":
        raise InvitationLinkError(f"This invitation has expired. Ask {host_name} to send it again.")
    return invitation


def _locked(token: str) -> CircleInvitation:
    """The invitation, checked, then locked and checked again (two clicks at once)."""
    invitation = find_invitation(token)
    with scopes_disabled():
        CircleInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    return find_invitation(token)


@transaction.atomic
def accept(token: str, *, user: User) -> CircleMember:
    """The invitee joins: their account gets a guest seat in the workspace unless they already
    have one (a teammate keeps their role), and the member becomes active."""
    invitation = _locked(token)
    if user.email.lower() != invitation.email.lower():
        raise InvitationLinkError(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
            "Sign out and open the link again."
        )
    workspace, member = invitation.workspace, invitation.member
    now = timezone.now()
    with scope(workspace=workspace):
        if (
            CircleMember.objects.current()
            .filter(circle=invitation.circle, user=user)
            .exclude(pk=member.pk)
            .exists()
        ):
            raise InvitationLinkError("You are already a member of this Circle.")
        Membership.objects.get_or_create(
            workspace=workspace,
            user=user,
            defaults={"role": Role.GUEST, "invited_by": invitation.sent_by},
        )
        member.user = user
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
        member.save(update_fields=["user", "status", "joined_at", "updated_at"])
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        _tell_host(invitation, accepted=True)
    _mark_email_verified(user)
    return member


@transaction.atomic
def sign_up_and_accept(token: str, *, name: str, password: str) -> CircleMember:
    """Create the account of an invitee who has none yet, then accept."""
    invitation = find_invitation(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationLinkError(
            f"An account for {invitation.email} already exists. Sign in, then open the link again."
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(invitation.email, password, name=name.strip())
    except IntegrityError as exc:
        raise InvitationLinkError(f"An account for {invitation.email} already exists.") from exc
    return accept(token, user=user)


@transaction.atomic
def decline(token: str) -> CircleMember:
    """The invitee says no; the member stays in the history as declined. No sign-in needed:
    the personal link is the proof, as for accepting."""
    invitation = _locked(token)
    member = invitation.member
    now = timezone.now()
    with scope(workspace=invitation.workspace):
        member.status = MemberStatus.DECLINED
        member.ended_at = now
        member.save(update_fields=["status", "ended_at", "updated_at"])
        invitation.declined_at = now
        invitation.save(update_fields=["declined_at", "updated_at"])
        _tell_host(invitation, accepted=False)
    return member


def _tell_host(invitation: CircleInvitation, *, accepted: bool) -> None:
    circle = invitation.circle
    host = circle.host or invitation.sent_by
    if host is None:
        return
    queue_email(
        to=[host.email],
        template_prefix="circles/email/answer",
        context={
            "circle": circle,
            "member": invitation.member,
            "host": host,
            "accepted": accepted,
            "url": settings.SITE_URL
            + reverse("circle_detail", kwargs={"ws": circle.workspace.slug, "circle": circle.uuid}),
            "current": CircleMember.objects.current().filter(circle=circle).count(),
        },
        headers=_thread_headers(circle),
        workspace=circle.workspace,
        kind="circle_answer",
    )
