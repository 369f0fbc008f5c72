"""Every state change of workspaces, teammates, invitations and tokens: views, API, CLI and
tasks all call these, so the rules (last owner, one open invitation, audit) live in one place."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scope, scopes_disabled

from roundtable.core.emails import queue_email
from roundtable.workspaces.choices import AuditAction, Role
from roundtable.workspaces.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    User,
    Workspace,
    hash_secret,
)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    workspace: Workspace,
    action: str,
    *,
    actor: User | None = None,
    target: str = "",
    data: dict | None = None,
    request=None,
) -> AuditEvent:
    """Append one audit event. Callers pass the request when there is one, for the IP address."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    with scope(workspace=workspace):
        return AuditEvent.objects.create(
            workspace=workspace,
            actor=actor,
            actor_email=actor.email if actor else "",
            action=action,
            target=str(target)[:300],
            data=data or {},
            ip_address=client_ip(request),
        )


def unique_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def normalize_domain(value: str) -> str:
    """'https://www.Acme.com/about' → 'acme.com' (a plain host; the directory refines it)."""
    value = (value or "").strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    value = value.split("/")[0].split("?")[0].split(":")[0].removeprefix("www.")
    return value.strip(".")


@transaction.atomic
def create_workspace(*, name: str, owner: User, domain: str = "", slug: str = "") -> Workspace:
    workspace = Workspace.objects.create(
        name=name.strip(), domain=normalize_domain(domain), slug=slug or unique_slug(name)
    )
    with scope(workspace=workspace):
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    record(workspace, AuditAction.WORKSPACE_CREATED, actor=owner, target=workspace.name)
    return workspace


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str, inviter: User) -> None:
    queue_email(
        to=[invitation.email],
        template_prefix="workspaces/email/invitation",
        context={
            "invitation": invitation,
            "workspace": invitation.workspace,
            "inviter": inviter,
            "url": invitation_url(token),
            "role": invitation.get_role_display(),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        reply_to=[inviter.email],
        workspace=invitation.workspace,
        kind="invitation",
    )


@dataclass
class IssuedInvitation:
    invitation: Invitation
    token: str  # only known at the moment it is issued; the database keeps its hash


@transaction.atomic
def invite_teammate(
    workspace: Workspace, *, email: str, role: str, inviter: User, request=None
) -> IssuedInvitation:
    email = User.objects.normalize_email(email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"'{email}' is not a valid email address."}) from exc
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role '{role}'. Choose one of {', '.join(Role.values)}."}
        )
    if role == Role.OWNER and not _is_owner(workspace, inviter):
        raise ValidationError({"role": "Only an owner can invite another owner."})
    with scope(workspace=workspace):
        if Membership.objects.filter(user__email__iexact=email).exists():
            raise ValidationError({"email": f"{email} is already a teammate in this workspace."})
        if Invitation.objects.pending().filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": f"{email} already has a pending invitation: resend it from the list."}
            )
        # An expired, unanswered invitation gives way to the new one.
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        token = Invitation.new_token()
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=hash_secret(token),
            invited_by=inviter,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
    _send_invitation(invitation, token, inviter)
    record(
        workspace,
        AuditAction.INVITATION_SENT,
        actor=inviter,
        target=email,
        data={"role": role},
        request=request,
    )
    return IssuedInvitation(invitation, token)


@transaction.atomic
def resend_invitation(invitation: Invitation, *, inviter: User, request=None) -> IssuedInvitation:
    """A new link (the old one stops working) and a fresh expiry date."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation was already {invitation.state}; send a new one.")
    token = Invitation.new_token()
    invitation.token_hash = hash_secret(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
    _send_invitation(invitation, token, inviter)
    record(
        invitation.workspace,
        AuditAction.INVITATION_RESENT,
        actor=inviter,
        target=invitation.email,
        request=request,
    )
    return IssuedInvitation(invitation, token)


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User, request=None) -> None:
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted; remove the teammate instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        record(
            invitation.workspace,
            AuditAction.INVITATION_REVOKED,
            actor=actor,
            target=invitation.email,
            request=request,
        )


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, in the user's words."""


def find_invitation(token: str) -> Invitation:
    """The invitation behind a link, or InvitationError saying why the link is no good."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("workspace", "invited_by")
            .filter(token_hash=hash_secret(token or ""))
            .first()
        )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. It may have been replaced by a newer one: "
            "use the link in the most recent email, or ask for a new invitation."
        )
    if invitation.accepted_at:
        raise InvitationError("This invitation was already used. Sign in to open the workspace.")
    if invitation.revoked_at:
        raise InvitationError("This invitation was withdrawn. Ask the sender for a new one.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask the sender to resend it.")
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, user: User, request=None) -> Membership:
    invitation = find_invitation(token)
    with scopes_disabled():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError("This invitation was already used. Sign in to open the workspace.")
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
            "Sign out and open the link again."
        )
    workspace = invitation.workspace
    with scope(workspace=workspace):
        membership, created = Membership.objects.get_or_create(
            workspace=workspace,
            user=user,
            defaults={"role": invitation.role, "invited_by": invitation.invited_by},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    _mark_email_verified(user)
    record(
        workspace,
        AuditAction.INVITATION_ACCEPTED,
        actor=user,
        target=user.email,
        data={"role": membership.role},
        request=request,
    )
    return membership


def _mark_email_verified(user: User) -> None:
    """Following the emailed link proves the address, so allauth need not ask again."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def sign_up_invitee(token: str, *, name: str, password: str, request=None) -> Membership:
    """Create the account of an invitee who has none yet, then accept the invitation."""
    invitation = find_invitation(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(
            f"An account for {invitation.email} already exists. Sign in, then open the link again."
        )
    try:
        user = User.objects.create_user(invitation.email, password, name=name.strip())
    except IntegrityError as exc:
        raise InvitationError(f"An account for {invitation.email} already exists.") from exc
    return accept_invitation(token, user=user, request=request)


def _is_owner(workspace: Workspace, user: User) -> bool:
    with scope(workspace=workspace):
        return Membership.objects.owners().filter(user=user).exists()


def _lock_owners(workspace: Workspace) -> list[Membership]:
    """Lock the owners' rows so two admins can't remove the last two owners at once."""
    with scope(workspace=workspace):
        return list(Membership.objects.owners().select_for_update().order_by("pk"))


@transaction.atomic
def change_role(membership: Membership, *, role: str, actor: User, request=None) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role '{role}'."})
    workspace = membership.workspace
    owners = _lock_owners(workspace)
    if (role == Role.OWNER or membership.role == Role.OWNER) and not _is_owner(workspace, actor):
        raise ValidationError({"role": "Only an owner can make or unmake an owner."})
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise ValidationError({"role": "This is the last owner. Make someone else an owner first."})
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    record(
        workspace,
        AuditAction.ROLE_CHANGED,
        actor=actor,
        target=membership.user.email,
        data={"from": previous, "to": role},
        request=request,
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: User, request=None) -> None:
    workspace = membership.workspace
    owners = _lock_owners(workspace)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise ValidationError("This is the last owner and cannot be removed.")
    if membership.role == Role.OWNER and not _is_owner(workspace, actor):
        raise ValidationError("Only an owner can remove an owner.")
    email = membership.user.email
    leaving = membership.user_id == actor.pk
    with scope(workspace=workspace):
        ApiToken.objects.filter(user=membership.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        membership.delete()
    record(
        workspace,
        AuditAction.MEMBER_LEFT if leaving else AuditAction.MEMBER_REMOVED,
        actor=actor,
        target=email,
        request=request,
    )


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once


@transaction.atomic
def create_api_token(workspace: Workspace, *, user: User, name: str, request=None) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. 'CRM sync script'."})
    secret = ApiToken.new_secret()
    with scope(workspace=workspace):
        token = ApiToken.objects.create(
            workspace=workspace,
            user=user,
            name=name[:100],
            prefix=secret[: len(ApiToken.PREFIX) + 6],
            token_hash=hash_secret(secret),
        )
    record(workspace, AuditAction.TOKEN_CREATED, actor=user, target=token.name, request=request)
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User, request=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record(
            token.workspace,
            AuditAction.TOKEN_REVOKED,
            actor=actor,
            target=token.name,
            request=request,
        )


def authenticate_token(secret: str) -> tuple[ApiToken, Membership] | None:
    """The token and its owner's current seat, or None if the token or the seat is gone."""
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    with scopes_disabled():
        token = (
            ApiToken.objects.select_related("workspace", "user")
            .filter(token_hash=hash_secret(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        membership = Membership.objects.filter(workspace=token.workspace, user=token.user).first()
    if membership is None:
        return None
    now = timezone.now()
    # Write at most once a minute: a busy script must not turn every read into a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        with scopes_disabled():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, membership
