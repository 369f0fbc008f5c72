from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    PARTNER_MANAGER = "partner_manager", "Partner manager"
    SALES = "sales", "Sales"
    CUSTOMER_SUCCESS = "customer_success", "Customer success"
    GUEST = "guest", "Guest"


# Who may manage teammates, invitations and the audit log.
ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})
# Who works in the workspace itself; guests only see the Circles they belong to.
TEAM_ROLES = frozenset(set(Role) - {Role.GUEST})


class AuditAction(models.TextChoices):
    WORKSPACE_CREATED = "workspace.created", "Workspace created"
    SIGNED_IN = "user.signed_in", "Signed in"
    SIGN_IN_FAILED = "user.sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "user.signed_out", "Signed out"
    PASSWORD_RESET = "user.password_reset", "Password reset"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_RESENT = "invitation.resent", "Invitation resent"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    ROLE_CHANGED = "member.role_changed", "Role changed"
    MEMBER_REMOVED = "member.removed", "Teammate removed"
    MEMBER_LEFT = "member.left", "Teammate left"
    TOKEN_CREATED = "token.created", "API token created"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
