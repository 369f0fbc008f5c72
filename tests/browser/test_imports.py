"""A partner manager uploads a HubSpot company export, fixes one column's mapping, imports."""

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from roundtable.ecosystem.models import Organization
from roundtable.workspaces import actions
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HUBSPOT_EXPORT = (
    '"Record ID","Company name","Company Domain Name","Type","City","Country/Region",'
    '"Industry","Partnership level"\n'
    '"101","Acme Agency GmbH","acme-agency.example","Agency","Berlin","Germany","D2C","Gold"\n'
    '"102","Loop Returns","loop.example","Technology","London","United Kingdom","SaaS","Silver"\n'
)


def test_upload_a_hubspot_export_fix_a_mapping_and_import(page, tmp_path):
    owner = make_user("olga@northwind.example")
    workspace = actions.create_workspace(name="Northwind", domain="northwind.example", owner=owner)
    export = tmp_path / "hubspot-companies.csv"
    export.write_text(HUBSPOT_EXPORT, encoding="utf-8-sig")

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(owner.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Imports").click()
    page.get_by_label("The rows are").select_option("organizations")
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("file-facts")).to_contain_text("HubSpot export")
    expect(page.get_by_test_id("preview")).to_contain_text("Acme Agency GmbH")
    # Recognised without help; the tier column has an unusual name: map it by hand.
    expect(page.get_by_label("Name *")).to_have_value("Company name")
    expect(page.get_by_label("Tier", exact=True)).to_have_value("")
    page.get_by_label("Tier", exact=True).select_option("Partnership level")
    page.get_by_role("button", name="Import", exact=True).click()

    status = page.get_by_test_id("job-status")
    expect(status).to_have_attribute("data-status", "succeeded")
    expect(status).to_contain_text("2 created, 0 updated")
    with scope(workspace=workspace):
        acme = Organization.objects.get(domain="acme-agency.example")
    assert (acme.tier, acme.city, acme.kind) == ("Gold", "Berlin", "agency")
    page.get_by_role("link", name="← Imports").click()
    expect(page.get_by_test_id("import-history")).to_contain_text("hubspot-companies.csv")
