"""The demo's second workspace: Brightwave Commerce, connected with ours, sharing asymmetric."""

import pytest
from django_scopes import scope, scopes_disabled

from roundtable.ecosystem import demo as ecosystem_demo
from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.models import Organization
from roundtable.sharing import policy
from roundtable.sharing.demo import PARTNER_OWNER, load_sharing
from roundtable.sharing.models import Connection, OverlapCell, Share
from roundtable.workspaces import demo as workspaces_demo
from roundtable.workspaces.models import AuditEvent
from tests.conftest import client_for
from tests.sharing.factories import import_rows

pytestmark = pytest.mark.django_db

ROWS = [
    {"name": f"Company {i}", "website": f"company{i}.example",
     "status": ["customer", "prospect", "opportunity"][i % 3], "amount": "1000"}
    for i in range(60)
]  # fmt: skip


def state():
    with scopes_disabled():
        return (
            sorted(Connection.objects.values_list("uuid", "status")),
            sorted(Share.objects.values_list("uuid", "level", "fields")),
            sorted(OverlapCell.objects.values_list("population_id", "other_id", "count")),
            AuditEvent.objects.count(),
        )


def test_two_connected_workspaces_with_asymmetric_sharing():
    workspace = workspaces_demo.load_workspace("pw-demo-123")
    ours = ensure_our_organization(workspace)
    ecosystem_demo.load_ecosystem(workspace)
    with scope(workspace=workspace):
        brightwave = Organization.objects.get(domain=ecosystem_demo.DEMO_CORE_PARTNER_DOMAIN)
    import_rows(workspace, ours, ROWS, source="demo")
    # Their view of the same companies is a step ahead: our open deals are their customers.
    statuses = ["customer", "prospect", "opportunity"]
    theirs = [{**row, "status": statuses[(i + 1) % 3]} for i, row in enumerate(ROWS)]
    import_rows(workspace, brightwave, theirs, source="demo")

    partner = load_sharing(workspace, "pw-demo-123")
    first = state()
    load_sharing(workspace, "pw-demo-123")

    assert state() == first
    connection = Connection.objects.get()
    ours_view = policy.matrix(workspace, policy.counterpart(workspace, connection.uuid))
    theirs_view = policy.matrix(partner, policy.counterpart(partner, connection.uuid))
    assert [(c.name, c.level) for c in ours_view.columns] == [
        ("Customers", "records"),
        ("Prospects", "counts"),
    ]
    assert ours_view.hidden == 1
    assert ours_view.potential_revenue is not None
    assert {c.level for c in theirs_view.columns} == {"counts"}
    assert any(cell.openable for cell in ours_view.cells.values())
    assert not any(cell.openable for cell in theirs_view.cells.values())
    # Brightwave's owner signs in with the demo password and sees the same matrix.
    from roundtable.workspaces.models import User

    assert User.objects.get(email=PARTNER_OWNER).check_password("pw-demo-123")
    page = client_for(User.objects.get(email=PARTNER_OWNER)).get(
        f"/w/brightwave/overlaps/with/{connection.uuid}/"
    )
    assert "Northwind Commerce" in page.content.decode()
