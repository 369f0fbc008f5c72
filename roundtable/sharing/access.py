"""One helper per sharing object: the object the current workspace may reach, or 404; and who
may change sharing."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.sharing.models import Connection, Population
from roundtable.workspaces.choices import Role

# Who may change populations, private marks, connections and what is shared.
MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.PARTNER_MANAGER})


def can_manage(membership) -> bool:
    return membership is not None and membership.role in MANAGER_ROLES


def require_manager(request) -> None:
    if not can_manage(request.membership):
        raise PermissionDenied("Only owners, admins and partner managers can change sharing.")


def get_connection(request, uuid) -> Connection:
    """A connection or request of the current workspace, in any state."""
    connection = (
        Connection.objects.involving(request.workspace)
        .select_related("requester", "recipient")
        .filter(uuid=uuid)
        .first()
    )
    if connection is None:
        raise Http404("No such connection.")
    return connection


def get_population(request, uuid) -> Population:
    """One of our own populations (the current workspace's own organization)."""
    population = (
        Population.objects.select_related("owner", "workspace")
        .filter(uuid=uuid, owner=ensure_our_organization(request.workspace))
        .first()
    )
    if population is None:
        raise Http404("No such population.")
    return population
