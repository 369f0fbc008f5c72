"""One helper per object: it returns the object of the current workspace or raises 404, and
one decorator per role rule. Views use these and nothing else to reach workspace objects."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from roundtable.workspaces.models import ApiToken, Invitation, Membership


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_admin:
            raise PermissionDenied("Only owners and admins can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def get_membership(request, uuid) -> Membership:
    # The scoped manager already limits the query to request.workspace.
    return get_object_or_404(Membership.objects.select_related("user", "workspace"), uuid=uuid)


def get_invitation(request, uuid) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("workspace"), uuid=uuid)


def get_own_token(request, uuid) -> ApiToken:
    """Tokens are personal: even an admin cannot revoke someone else's from this page."""
    return get_object_or_404(
        ApiToken.objects.select_related("workspace"), uuid=uuid, user=request.user
    )
