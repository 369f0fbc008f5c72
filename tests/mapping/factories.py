"""Plain factories for account mapping, and one row of each kind for the isolation test."""

from django_scopes import scope

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping import actions
from roundtable.mapping.accounts_import import import_accounts
from tests.ecosystem.factories import make_partner

US_ROWS = [
    {"name": "Acme Inc.", "website": "https://www.acme.com", "country": "US", "status": "customer"},
    {"name": "Globex GmbH", "website": "", "country": "Germany", "status": "lead"},
    {"name": "Initech", "website": "initech.io", "stage": "Negotiation", "amount": "5,000"},
]
PARTNER_ROWS = [
    {"name": "ACME Corporation", "website": "acme.com", "country": "USA", "status": "Prospect"},
    {"name": "Globex", "website": "", "country": "DE", "status": "Customer"},
    {"name": "Umbrella Corp", "website": "umbrella.example", "status": "Customer"},
]


def populate_workspace(workspace, owner):
    ours = ensure_our_organization(workspace)
    partner = make_partner(
        workspace, f"{workspace.name} Mapping Partner", f"mp-{workspace.slug}.example"
    )
    import_accounts(workspace, ours, US_ROWS, source="hubspot")
    import_accounts(workspace, partner, PARTNER_ROWS, source="salesforce")
    run = actions.map_account_sets(workspace, ours, "", partner, "", user=owner)
    with scope(workspace=workspace):
        pair = run.pairs.first()
    actions.decide(pair, "confirmed", user=owner)
    actions.add_domain_alias(workspace, f"acme-{workspace.slug}.de", "acme.com", user=owner)
    return ours, partner, run
