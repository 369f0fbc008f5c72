"""`roundtable export accounts`: an owner's accounts in the columns the accounts import reads."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping.accounts_import import import_accounts
from roundtable.mapping.exports import ACCOUNT_COLUMNS
from roundtable.mapping.models import Account
from tests.ecosystem.factories import make_partner
from tests.mapping.factories import PARTNER_ROWS, US_ROWS

pytestmark = pytest.mark.django_db


def export(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export", "accounts", *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture
def accounts(cast):
    partner = make_partner(cast.acme, "Partner Agency", "partner-agency.example")
    evil = {"name": "=HYPERLINK(\"http://evil.example\")", "website": "evil.example",
            "status": "customer", "amount": "1200", "employees": "51-200"}  # fmt: skip
    import_accounts(cast.acme, ensure_our_organization(cast.acme), [*US_ROWS, evil])
    import_accounts(cast.acme, partner, PARTNER_ROWS, source="salesforce")
    return partner


def test_our_accounts_export_in_the_import_columns_formula_safe(cast, accounts):
    rows = export("--workspace", "acme")

    assert list(rows[0]) == ACCOUNT_COLUMNS
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {
        "Acme Inc.",
        "Globex GmbH",
        "Initech",
        '\'=HYPERLINK("http://evil.example")',
    }
    assert by_name["Initech"]["status"] == "opportunity"
    assert by_name["Initech"]["amount"] == "5000.00"
    assert by_name["Acme Inc."]["domain"] == "acme.com"


def test_a_partners_accounts_filtered_by_population(cast, accounts):
    rows = export("--workspace", "acme", "--filter", "owner=partner-agency.example",
                  "--filter", "status=customer")  # fmt: skip

    assert sorted(row["name"] for row in rows) == ["Globex", "Umbrella Corp"]


def test_an_export_re_imports_unchanged(cast, accounts, tmp_path):
    # Given our accounts exported to a file
    target = tmp_path / "accounts.csv"
    call_command("export", "accounts", "--workspace", "acme", "--out", str(target),
                 stderr=io.StringIO())  # fmt: skip
    with scope(workspace=cast.acme):
        before = sorted(Account.objects.values_list("id", "name", "status", "amount"))

    # When the file is imported again for the same owner
    call_command("import", "accounts", str(target), workspace="acme", source="plain",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip

    # Then nothing changed: same ids, names (the formula cell unescaped), statuses, amounts
    with scope(workspace=cast.acme):
        after = sorted(Account.objects.values_list("id", "name", "status", "amount"))
    assert after == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filter", "owner=nobody.example"], "No organization 'nobody.example'"),
        (["--filter", "status=maybe"], "--filter status"),
        (["--tag", "region:EMEA"], "no filter tag"),
    ],
)
def test_bad_filters_get_a_clear_message(cast, accounts, args, message):
    with pytest.raises(CommandError, match=message):
        export("--workspace", "acme", *args)
