from datetime import datetime
from uuid import UUID

from ninja import Schema

from roundtable.workspaces.choices import Role


class Error(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    """422: what was wrong, field by field (`loc` is the path to the field)."""

    detail: list[FieldError]


class UserOut(Schema):
    email: str
    name: str


class WorkspaceOut(Schema):
    uuid: UUID
    name: str
    slug: str
    domain: str


class MeOut(Schema):
    user: UserOut
    workspace: WorkspaceOut
    role: Role


class TeammateOut(Schema):
    uuid: UUID
    email: str
    name: str
    role: Role
    since: datetime


class InvitationIn(Schema):
    email: str
    role: Role = Role.PARTNER_MANAGER


class InvitationOut(Schema):
    uuid: UUID
    email: str
    role: Role
    state: str
    expires_at: datetime


class RoleIn(Schema):
    role: Role


class AuditEventOut(Schema):
    created_at: datetime
    actor_email: str
    action: str
    target: str
    data: dict
    ip_address: str | None
