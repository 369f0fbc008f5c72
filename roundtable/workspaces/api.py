from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from roundtable.workspaces import actions
from roundtable.workspaces.models import AuditEvent, Invitation, Membership
from roundtable.workspaces.schemas import (
    AuditEventOut,
    Error,
    InvitationIn,
    InvitationOut,
    MeOut,
    RoleIn,
    TeammateOut,
    ValidationErrors,
)

router = Router(tags=["workspace"])

# Every operation may answer these; declared once so the OpenAPI document tells the truth.
DENIED = {401: Error, 403: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 422: ValidationErrors}


def require_team(request) -> None:
    if request.membership.is_guest:
        raise PermissionDenied("Guests can reach only the Circles they were invited to.")


def require_admin(request) -> None:
    if not request.membership.is_admin:
        raise PermissionDenied("Only owners and admins can do this.")


def teammate_out(membership: Membership) -> dict:
    return {
        "uuid": membership.uuid,
        "email": membership.user.email,
        "name": membership.user.name,
        "role": membership.role,
        "since": membership.created_at,
    }


@router.get("/me", response={200: MeOut, 401: Error})
def me(request):
    """The token's user, its workspace and the user's role there."""
    return {"user": request.user, "workspace": request.workspace, "role": request.membership.role}


@router.get("/teammates", response={200: list[TeammateOut], **DENIED})
def list_teammates(request):
    require_team(request)
    return [teammate_out(m) for m in Membership.objects.select_related("user")]


@router.patch("/teammates/{uuid}", response={200: TeammateOut, 404: Error, **WRITE_ERRORS})
def change_teammate_role(request, uuid: UUID, payload: RoleIn):
    require_admin(request)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "workspace"), uuid=uuid
    )
    actions.change_role(membership, role=payload.role, actor=request.user, request=request)
    return teammate_out(membership)


@router.delete("/teammates/{uuid}", response={204: None, 404: Error, **WRITE_ERRORS})
def remove_teammate(request, uuid: UUID):
    require_admin(request)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "workspace"), uuid=uuid
    )
    actions.remove_member(membership, actor=request.user, request=request)
    return Status(204, None)


@router.get("/invitations", response={200: list[InvitationOut], **DENIED})
def list_invitations(request):
    require_admin(request)
    return list(Invitation.objects.pending())


@router.post("/invitations", response={201: InvitationOut, **WRITE_ERRORS})
def create_invitation(request, payload: InvitationIn):
    """Email an invitation to join this workspace with a role."""
    require_admin(request)
    issued = actions.invite_teammate(
        request.workspace,
        email=payload.email,
        role=payload.role,
        inviter=request.user,
        request=request,
    )
    return Status(201, issued.invitation)


@router.get("/audit", response={200: list[AuditEventOut], 422: ValidationErrors, **DENIED})
def list_audit_events(request, limit: int = 100):
    require_admin(request)
    return list(AuditEvent.objects.all()[: max(1, min(limit, 1000))])
