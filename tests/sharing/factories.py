"""Plain factories for overlaps and sharing, and one row of each kind for the isolation test."""

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping.accounts_import import import_accounts
from roundtable.sharing import actions, policy
from roundtable.sharing.choices import Level
from roundtable.workspaces import actions as workspaces
from roundtable.workspaces.models import User
from tests.ecosystem.factories import make_partner

OUR_ROWS = [
    {"name": "Acme Inc.", "website": "acme.com", "country": "US", "status": "customer"},
    {"name": "Initech", "website": "initech.io", "status": "opportunity", "amount": "5000"},
    {"name": "Globex GmbH", "website": "", "country": "Germany", "status": "prospect"},
]
THEIR_ROWS = [
    {"name": "ACME Corporation", "website": "acme.com", "country": "USA", "status": "customer"},
    {"name": "Initech LLC", "website": "initech.io", "status": "customer"},
    {"name": "Globex", "website": "", "country": "DE", "status": "customer"},
]


def make_workspace(name: str, domain: str, email: str):
    owner = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "pw-123456789", name=name
    )
    return workspaces.create_workspace(name=name, domain=domain, owner=owner), owner


def import_rows(workspace, owner_org, rows, source="test"):
    return import_accounts(workspace, owner_org, rows, source=source, status_mode="auto")


def connect(left, left_user, right, right_user):
    """An accepted connection between two workspaces (right accepts left's request)."""
    connection = actions.request_connection(left, domain=right.domain, user=left_user)
    return actions.accept_connection(connection, right, user=right_user)


def share_all(workspace, connection, level=Level.RECORDS, fields=None, user=None):
    for population in actions.our_populations(workspace):
        actions.set_share(
            workspace, connection, population.uuid, level, fields or ["name", "domain"], user=user
        )


def populate_workspace(workspace, owner):
    ours = ensure_our_organization(workspace)
    partner = make_partner(
        workspace, f"{workspace.name} Overlap Partner", f"op-{workspace.slug}.example"
    )
    import_rows(workspace, ours, OUR_ROWS)
    import_rows(workspace, partner, THEIR_ROWS)
    population = actions.save_population(
        workspace, name="US customers", status="customer", countries="US", user=owner
    )
    actions.set_min_count(workspace, 2, user=owner)
    peer, peer_owner = make_workspace(
        f"{workspace.name} Peer",
        f"peer-{workspace.slug}.example",
        f"owner@peer-{workspace.slug}.example",
    )
    import_rows(peer, ensure_our_organization(peer), THEIR_ROWS)
    connection = connect(workspace, owner, peer, peer_owner)
    actions.set_share(workspace, connection, population.uuid, Level.COUNTS, user=owner)
    share_all(peer, connection, user=peer_owner)
    # The counts of both matrices, cached.
    for cp in policy.counterparts(workspace):
        policy.matrix(workspace, cp)
    return ours, partner, connection
