"""`roundtable demo`: each app contributes the part of the demo workspace it owns, in order."""

from django.db import transaction
from django_scopes import scopes_disabled

from roundtable.circles import demo as circles_demo
from roundtable.ecosystem import demo as ecosystem_demo
from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping import demo as mapping_demo
from roundtable.sharing import demo as sharing_demo
from roundtable.workspaces import demo as workspaces_demo


@transaction.atomic
def load_demo(password: str):
    with scopes_disabled():
        workspace = workspaces_demo.load_workspace(password)
        ensure_our_organization(workspace)
        ecosystem_demo.load_ecosystem(workspace)
        circles_demo.load_circles(workspace, password=password)
        mapping_demo.load_accounts(workspace)
        # After the accounts: Brightwave Commerce's own workspace, connected with ours.
        sharing_demo.load_sharing(workspace, password)
    return workspace
