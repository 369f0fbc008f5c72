"""Importing accounts: for our workspace or a partner, re-import without churn, row problems."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scope

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping.accounts_import import derive_status, import_accounts, validate_account_row
from roundtable.mapping.models import Account
from tests.ecosystem.factories import make_partner

pytestmark = pytest.mark.django_db

ROWS = [
    {"name": "Acme Inc.", "website": "https://www.acme.com", "country": "US",
     "status": "customer", "external_id": "1"},
    {"name": "Globex GmbH", "country": "Deutschland", "status": "lead", "external_id": "2"},
    {"name": "Initech", "website": "initech.io", "amount": "$12,500.00", "stage": "Proposal",
     "employees": "51-200", "external_id": "3"},
]  # fmt: skip


def accounts(workspace):
    with scope(workspace=workspace):
        return {a.external_id: a for a in Account.objects.all()}


def test_accounts_are_normalized_once_at_import(cast):
    ours = ensure_our_organization(cast.acme)
    counts = import_accounts(cast.acme, ours, ROWS, source="hubspot")
    assert (counts.created, counts.updated, counts.removed) == (3, 0, 0)
    stored = accounts(cast.acme)
    assert stored["1"].domain == "acme.com"
    assert stored["1"].normalized_name == "acme"
    assert stored["2"].country_code == "DE"
    assert stored["2"].status == "prospect"
    assert stored["3"].status == "opportunity"
    assert str(stored["3"].amount) == "12500.00"
    assert stored["3"].employees == 51


def test_re_import_keeps_unchanged_ids_updates_changes_and_removes_what_is_gone(cast):
    ours = ensure_our_organization(cast.acme)
    import_accounts(cast.acme, ours, ROWS, source="hubspot")
    before = {k: a.pk for k, a in accounts(cast.acme).items()}
    # When the same export comes again with one row changed and one row gone
    changed = [dict(ROWS[0], industry="Software"), ROWS[1]]
    counts = import_accounts(cast.acme, ours, changed, source="hubspot")
    # Then ids stay, the change is applied, and the missing row is removed
    assert (counts.created, counts.updated, counts.unchanged, counts.removed) == (0, 1, 1, 1)
    after = accounts(cast.acme)
    assert {k: a.pk for k, a in after.items()} == {"1": before["1"], "2": before["2"]}
    assert after["1"].industry == "Software"


def test_a_partners_accounts_and_another_source_are_left_alone(cast):
    ours = ensure_our_organization(cast.acme)
    partner = make_partner(cast.acme, "Partner Agency", "partner-agency.example")
    import_accounts(cast.acme, ours, ROWS, source="hubspot")
    import_accounts(cast.acme, partner, ROWS[:1], source="hubspot")
    import_accounts(cast.acme, ours, ROWS[:1], source="salesforce")
    counts = import_accounts(cast.acme, ours, [], source="salesforce")
    assert counts.removed == 1
    with scope(workspace=cast.acme):
        assert Account.objects.of_owner(partner).count() == 1
        assert Account.objects.of_owner(ours).count() == 3
    with scope(workspace=cast.globex):
        assert Account.objects.count() == 0


def test_status_mode_forces_the_population(cast):
    ours = ensure_our_organization(cast.acme)
    import_accounts(cast.acme, ours, ROWS, source="plain", status_mode="customer")
    assert {a.status for a in accounts(cast.acme).values()} == {"customer"}


@pytest.mark.parametrize(
    ("status", "amount", "stage", "expected"),
    [("customer", "", "", "customer"), ("Customer - Direct", "", "", "customer"),
     ("marketingqualifiedlead", "", "", "prospect"), ("Opportunity", "", "", "opportunity"),
     ("", "1000", "", "opportunity"), ("", "", "Closed Lost", "prospect"),
     ("", "", "", "prospect")],
)  # fmt: skip
def test_status_comes_from_hubspot_lifecycle_or_salesforce_type(status, amount, stage, expected):
    assert derive_status(status, amount, stage) == expected


def test_row_problems_name_the_field():
    assert validate_account_row({"name": "", "website": ""})[0][0] == "name"
    assert validate_account_row({"name": "Acme", "amount": "lots"}) == [
        ("amount", "'lots' is not an amount")
    ]
    assert validate_account_row({"name": "Acme", "employees": "many"})[0][0] == "employees"
    assert validate_account_row({"name": "Acme", "amount": "1.234,50 €"}) == []


def test_the_import_command_imports_accounts_for_a_partner(cast, tmp_path):
    make_partner(cast.acme, "Partner Agency", "partner-agency.example")
    export = tmp_path / "accounts.csv"
    export.write_text(
        "Account ID,Account Name,Website,Billing Country,Type\n"
        "A1,ACME Corp,acme.com,US,Customer\nA2,,,,Prospect\nA3,Beta,beta.io,,Prospect\n"
    )
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "accounts", str(export), workspace="acme",
                     owner="partner-agency.example", stderr=err)  # fmt: skip
    assert "row 2" in err.getvalue()
    assert "no company name and no website" in err.getvalue()
    with pytest.raises(SystemExit):  # written, but the bad row is still reported
        call_command("import", "accounts", str(export), workspace="acme",
                     owner="Partner Agency", skip_invalid=True, stderr=err)  # fmt: skip
    with scope(workspace=cast.acme):
        assert sorted(Account.objects.values_list("name", "status")) == [
            ("ACME Corp", "customer"),
            ("Beta", "prospect"),
        ]


def test_the_import_command_replaces_only_the_accounts_of_its_source(cast, tmp_path):
    # Given our accounts imported from two CRMs
    export = tmp_path / "accounts.csv"
    export.write_text("name,website\nAcme,acme.com\n")
    for source in ("hubspot", "salesforce"):
        call_command("import", "accounts", str(export), workspace="acme", source=source,
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    # When the HubSpot export comes again, with other rows
    export.write_text("name,website\nBeta,beta.io\n")
    call_command("import", "accounts", str(export), workspace="acme", source="hubspot",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    # Then HubSpot's accounts are replaced and Salesforce's kept
    with scope(workspace=cast.acme):
        assert sorted(Account.objects.values_list("source", "name")) == [
            ("hubspot", "Beta"),
            ("salesforce", "Acme"),
        ]
