"""In a real browser: ticking a tag or typing a search refreshes the Partners table in place."""

import pytest
from playwright.sync_api import expect

from roundtable.ecosystem import actions
from roundtable.workspaces import actions as workspace_actions
from tests.conftest import PASSWORD, make_user
from tests.ecosystem.factories import make_org, make_partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filters_refresh_the_table_without_reloading_the_page(page, live_server):
    owner = make_user("olga@acme.example")
    workspace = workspace_actions.create_workspace(name="Acme", domain="acme.example", owner=owner)
    loop = make_partner(workspace, "Loop Digital", "loopdigital.example", city="Berlin")
    north = make_partner(workspace, "Northstar Agency", "northstar.example", city="Boston")
    actions.set_tags(loop, ["ecosystem:Shopify", "region:EMEA"])
    actions.set_tags(north, ["ecosystem:Shopify", "region:North America"])
    for n in range(60):
        make_org(workspace, f"Zeta Studio {n:02}", f"zeta{n}.example")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("olga@acme.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Partners", exact=True).first.click()
    table = page.get_by_test_id("organizations")
    expect(table).to_contain_text("Loop Digital")
    expect(page.get_by_test_id("organization-count")).to_have_text("63 organizations")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_text("Region / city").click()
    page.get_by_label("EMEA").check()
    expect(page.get_by_test_id("organization-count")).to_have_text("1 organization matches")
    expect(table).to_contain_text("Loop Digital")
    expect(table).not_to_contain_text("Northstar Agency")
    assert "tag=region%3AEMEA" in page.url
    assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped the table only
    href = page.get_by_test_id("export").get_attribute("href")
    assert href.endswith("partners/export.csv?tag=region%3AEMEA")

    page.get_by_label("EMEA").uncheck()
    page.get_by_label("Search").fill("zeta studio 5")
    expect(page.get_by_test_id("organization-count")).to_have_text("10 organizations match")
    page.get_by_label("Search").fill("")
    expect(page.get_by_test_id("organization-count")).to_have_text("63 organizations")
    page.get_by_role("link", name="Next →").click()
    expect(table).to_contain_text("Zeta Studio 59")
    expect(table).not_to_contain_text("Loop Digital")
    assert page.evaluate("window.stillTheSamePage") is True
