"""In a real browser: Globex shares its customers' records with Acme; Alice opens the matrix,
opens a cell, marks an account private (it leaves the matrix), then Globex ends the
connection and the matrix is gone."""

import pytest
from playwright.sync_api import expect

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.sharing import actions
from roundtable.sharing.choices import Level
from roundtable.workspaces import actions as workspace_actions
from tests.conftest import PASSWORD, make_user
from tests.sharing.factories import connect, import_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OURS = [
    {"name": f"Shared Co {n}", "website": f"shared{n}.example", "status": "opportunity",
     "amount": "1000"}
    for n in range(4)
] + [{"name": "Only Ours", "website": "ours.example", "status": "customer"}]  # fmt: skip
THEIRS = [
    {"name": f"Shared Company {n}", "website": f"shared{n}.example", "status": "customer"}
    for n in range(4)
] + [{"name": "Only Theirs", "website": "theirs.example", "status": "customer"}]  # fmt: skip


def test_a_shared_cell_opens_and_revocation_closes_it(page, live_server):
    alice, charlie = make_user("alice@acme.example"), make_user("charlie@globex.example")
    acme = workspace_actions.create_workspace(name="Acme", domain="acme.example", owner=alice)
    globex = workspace_actions.create_workspace(
        name="Globex", domain="globex.example", owner=charlie
    )
    import_rows(acme, ensure_our_organization(acme), OURS)
    import_rows(globex, ensure_our_organization(globex), THEIRS)
    connection = connect(acme, alice, globex, charlie)
    customers = actions.our_populations(globex)[0]
    actions.set_share(globex, connection, customers.uuid, Level.RECORDS, ["domain"], user=charlie)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@acme.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Overlaps", exact=True).first.click()
    page.get_by_role("link", name="Globex").click()
    matrix = page.get_by_test_id("matrix")
    expect(matrix).to_contain_text("Customers")
    expect(page.get_by_test_id("hidden")).to_contain_text("2 populations not shared")
    expect(page.get_by_test_id("revenue")).to_contain_text("4,000")
    matrix.get_by_role("link", name="4").click()
    records = page.get_by_test_id("records")
    expect(records).to_contain_text("Shared Company 2")
    expect(records).not_to_contain_text("Only Theirs")

    page.goto("/w/acme/overlaps/private/")
    page.get_by_label("select Shared Co 0").check()
    page.get_by_role("button", name="Mark selected private").click()
    expect(page.get_by_test_id("private-total")).to_contain_text("1 private account")
    page.goto(f"/w/acme/overlaps/with/{connection.uuid}/")
    expect(page.get_by_test_id("matrix")).to_contain_text("3")
    expect(page.get_by_test_id("revenue")).to_contain_text("3,000")

    actions.revoke_connection(connection, globex, user=charlie)
    response = page.goto(f"/w/acme/overlaps/with/{connection.uuid}/")
    assert response.status == 404
