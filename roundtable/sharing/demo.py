"""The demo's second workspace: Brightwave Commerce, our core agency, also uses Roundtable.

Its own CRM holds the accounts we uploaded on its behalf in our workspace (the same companies,
so the two workspaces overlap as a partner's export overlaps ours). The two workspaces are
connected, with asymmetric sharing: we share counts only; Brightwave shares the records of its
customers, counts of its prospects, and hides its open opportunities — so our matrix shows
records in one column, counts in another and "1 population not shared", and theirs shows counts.
Idempotent: a second run changes nothing.
"""

from datetime import timedelta

import polars as pl
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.demo import DEMO_CORE_PARTNER_DOMAIN
from roundtable.ecosystem.models import Organization
from roundtable.mapping.accounts_import import import_accounts
from roundtable.mapping.models import Account, AccountStatus
from roundtable.sharing import actions
from roundtable.sharing.choices import ConnectionStatus, Level
from roundtable.sharing.models import Connection, OverlapCell
from roundtable.workspaces import actions as workspaces
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, Workspace

PARTNER_SLUG = "brightwave"
PARTNER_NAME = "Brightwave Commerce"
PARTNER_OWNER = "owner@brightwave.example"
DEMO_SOURCE = "demo"
ROW_FIELDS = ["external_id", "name", "website", "country", "status", "salesperson", "amount",
              "stage", "industry"]  # fmt: skip
# What each side sends: we share counts of everything; they share customers' records.
OUR_LEVELS = {status: (Level.COUNTS, []) for status in AccountStatus.values}
THEIR_LEVELS = {
    AccountStatus.CUSTOMER: (Level.RECORDS, ["name", "domain", "status", "country", "industry"]),
    AccountStatus.PROSPECT: (Level.COUNTS, []),
    AccountStatus.OPPORTUNITY: (Level.HIDDEN, []),
}


def _partner_workspace(password: str) -> tuple[Workspace, User]:
    user = User.objects.filter(email=PARTNER_OWNER).first()
    if user is None:
        user = User.objects.create_user(PARTNER_OWNER, password, name="Bea Brightwave")
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    workspaces._mark_email_verified(user)
    workspace = Workspace.objects.filter(slug=PARTNER_SLUG).first()
    if workspace is None:
        workspace = workspaces.create_workspace(
            name=PARTNER_NAME, domain=DEMO_CORE_PARTNER_DOMAIN, slug=PARTNER_SLUG, owner=user
        )
    with scope(workspace=workspace):
        Membership.objects.update_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
    return workspace, user


def _their_rows(workspace: Workspace) -> pl.DataFrame | None:
    """Brightwave's CRM: the records we hold on its behalf (or, before those exist, a share
    of our own accounts, so the demo still overlaps)."""
    with scope(workspace=workspace):
        partner = Organization.objects.filter(domain=DEMO_CORE_PARTNER_DOMAIN).first()
        accounts = Account.objects.filter(owner=partner) if partner else Account.objects.none()
        if not accounts.exists():
            ours = ensure_our_organization(workspace)
            accounts = Account.objects.filter(owner=ours, id__in=_every_third(ours))
        rows = list(
            accounts.order_by("id").values_list(
                "external_id", "name", "website", "country", "status", "salesperson", "amount",
                "stage", "industry", "id",
            )
        )  # fmt: skip
    if not rows:
        return None
    frame = pl.DataFrame(
        [[("" if v is None else str(v)) for v in row] for row in rows],
        schema=[*ROW_FIELDS, "id"],
        orient="row",
    )
    return frame.with_columns(
        external_id=pl.when(pl.col("external_id") == "")
        .then(pl.lit("bw-") + pl.col("id"))
        .otherwise(pl.col("external_id"))
    ).drop("id")


def _every_third(owner) -> list[int]:
    ids = Account.objects.filter(owner=owner).order_by("id").values_list("id", flat=True)
    return list(ids)[::3]


def _connection(ours: Workspace, theirs: Workspace, user: User) -> Connection:
    found = Connection.objects.filter(requester=ours, recipient=theirs).open().first()
    if found is None:
        found = Connection.objects.create(
            requester=ours,
            recipient=theirs,
            requested_by=user,
            message="Let's see which of our customers we share.",
            expires_at=timezone.now() + timedelta(days=14),
        )
    if found.status != ConnectionStatus.ACCEPTED:
        found.status = ConnectionStatus.ACCEPTED
        found.answered_at = timezone.now()
        found.save()
    return found


def _share(workspace: Workspace, connection: Connection, levels: dict, user: User) -> None:
    for population in actions.our_populations(workspace):
        level, fields = levels.get(population.status, (Level.HIDDEN, []))
        actions.set_share(workspace, connection, population.uuid, level, fields, user=user)


def load_sharing(workspace: Workspace, password: str) -> Workspace:
    """Create or refresh Brightwave's workspace, its accounts, the connection and the sharing;
    count the overlaps at once, so the matrix is ready when the demo opens."""
    with scopes_disabled():
        our_owner = User.objects.filter(email="owner@demo.example").first()
        partner, partner_owner = _partner_workspace(password)
        rows = _their_rows(workspace)
        their_org = ensure_our_organization(partner)
        with scope(workspace=partner):
            stored = Account.objects.filter(owner=their_org, source=DEMO_SOURCE).count()
        if rows is not None and stored != rows.height:
            import_accounts(partner, their_org, rows, source=DEMO_SOURCE)
        connection = _connection(workspace, partner, our_owner or partner_owner)
        _share(workspace, connection, OUR_LEVELS, our_owner)
        _share(partner, connection, THEIR_LEVELS, partner_owner)
        ours = ensure_our_organization(workspace)
        with scope(workspace=workspace):
            cached = OverlapCell.objects.filter(other__workspace=partner).exists()
        if not cached or stored != (rows.height if rows is not None else 0):
            actions.refresh_overlaps(workspace, ours, partner, their_org)
    return partner
