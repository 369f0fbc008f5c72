"""`roundtable import KIND FILE --workspace SLUG`: all or nothing, row-level errors, re-import."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from roundtable.ecosystem.choices import OrgKind
from roundtable.ecosystem.models import Organization, Partnership, Person
from roundtable.imports.models import ImportJob

pytestmark = pytest.mark.django_db


def run(*args, capsys):
    """(exit code, stderr lines) of one command-line import."""
    code = 0
    try:
        call_command("import", *map(str, args))
    except SystemExit as exit_:
        code = exit_.code
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


def orgs(workspace):
    with scope(workspace=workspace):
        return {o.domain or o.name: o for o in Organization.objects.prefetch_related("tags")}


def test_a_hubspot_company_export_imports_without_any_mapping(cast, fixture_path, capsys):
    code, err = run(
        "organizations", fixture_path("hubspot_companies.csv"), "--workspace", "acme", capsys=capsys
    )

    assert code == 0
    assert err[-1].startswith("rows read 3, created 3, updated 0, unchanged 0, skipped 0 in ")
    imported = orgs(cast.acme)
    acme = imported["acme-agency.example"]
    assert (acme.name, acme.kind, acme.city, acme.country, acme.external_id) == (
        "Acme Agency GmbH", OrgKind.AGENCY, "Berlin", "Germany", "9001",
    )  # fmt: skip
    assert [t.label for t in acme.tags.all()] == ["vertical:D2C"]
    assert imported["loop.example"].kind == OrgKind.TECHNOLOGY
    # A formula is stored as the text it is, never evaluated.
    assert imported["formula.example"].name == '=HYPERLINK("http://evil.example","click")'
    with scope(workspace=cast.acme):
        job = ImportJob.objects.get()
    assert (job.status, job.source_format, job.created_count) == ("succeeded", "hubspot", 3)


def test_importing_the_same_file_again_updates_instead_of_duplicating(cast, fixture_path, capsys):
    path = fixture_path("hubspot_companies.csv")
    run("organizations", path, "--workspace", "acme", capsys=capsys)
    before = len(orgs(cast.acme))

    code, err = run("organizations", path, "--workspace", "acme", capsys=capsys)

    assert code == 0
    assert "created 0, updated 0, unchanged 3" in err[-1]
    assert len(orgs(cast.acme)) == before


def test_a_changed_row_updates_the_stored_record(cast, tmp_path, capsys):
    first = tmp_path / "v1.csv"
    first.write_text("name,website,city\nAcme,acme.example,Berlin\n")
    second = tmp_path / "v2.csv"
    second.write_text("name,website,city\nAcme Group,https://www.acme.example,Munich\n")
    run("organizations", first, "--workspace", "globex", capsys=capsys)

    code, err = run("organizations", second, "--workspace", "globex", capsys=capsys)

    assert "created 0, updated 1" in err[-1]
    org = orgs(cast.globex)["acme.example"]
    assert (org.name, org.city) == ("Acme Group", "Munich")


def test_any_invalid_row_writes_nothing_and_names_row_column_and_reason(cast, tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text(
        "name,website,kind,partner_since,partner_manager\n"
        "Good One,good.example,agency,2024-03-01,alice@acme.example\n"
        ",nameless.example,agency,,\n"
        "Bad Site,not a website,agency,,\n"
        "Bad Kind,kind.example,wizard,,\n"
        "Bad Date,date.example,agency,2024-13-45,\n"
        "Bad Manager,pm.example,agency,,nobody@acme.example\n"
        "Good One Again,good.example,agency,,\n"
    )

    code, err = run("organizations", path, "--workspace", "acme", capsys=capsys)

    assert code == 1
    assert err[:6] == [
        "row 2: name: missing: every organization needs a name",
        "row 3: website: 'not a website' is not a website address (expected e.g. acme.com)",
        "row 4: kind: 'wizard' is not a kind of organization; use one of: agency, technology, "
        "platform, customer, other",
        "row 5: partner_since: '2024-13-45' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01",
        "row 6: partner_manager: no teammate has the email nobody@acme.example; invite them "
        "first or leave the cell empty",
        "row 7: (whole row): is the same record as row 1 (same website domain, or same name when "
        "there is no website); keep one of the two",
    ]
    assert err[-1].startswith("nothing written: rows read 7, created 0")
    assert set(orgs(cast.acme)) == {"acme.example"}  # only our own organization


def test_skip_invalid_writes_the_valid_rows_and_reports_the_others(cast, tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text("name,website\nGood,good.example\n,nameless.example\nAlso Good,\n")

    code, err = run("organizations", path, "--workspace", "acme", "--skip-invalid", capsys=capsys)

    assert code == 1  # not everything was imported
    assert err[0] == "row 2: name: missing: every organization needs a name"
    assert err[-1].startswith("rows read 3, created 2, updated 0, unchanged 0, skipped 1")
    assert {"good.example", "Also Good"} <= set(orgs(cast.acme))


def test_dry_run_checks_everything_and_writes_nothing(cast, fixture_path, capsys):
    code, err = run(
        "organizations", fixture_path("hubspot_companies.csv"), "--workspace", "acme", "--dry-run",
        capsys=capsys,
    )  # fmt: skip

    assert code == 0
    assert "created 3" in err[-1]
    assert err[-1].startswith("dry run")
    assert set(orgs(cast.acme)) == {"acme.example"}


def test_a_mapping_file_maps_unusual_headers(cast, tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Firm;Homepage;Level\nAcme Partners;acme-partners.example;Gold\n", encoding="utf-8"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"name": "Firm", "website": "Homepage", "tier": "Level"}))

    code, _ = run("organizations", path, "--workspace", "acme", "--mapping", mapping, capsys=capsys)

    assert code == 0
    assert orgs(cast.acme)["acme-partners.example"].tier == "Gold"


def test_a_file_without_a_name_column_says_what_to_map(cast, tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text("Firm,Homepage\nAcme,acme.example\n")
    with pytest.raises(CommandError, match=r"No column was found for name \(Name\)"):
        call_command("import", "organizations", str(path), "--workspace", "acme")


def test_a_salesforce_account_export_is_recognised(cast, fixture_path, capsys):
    code, err = run(
        "organizations",
        fixture_path("salesforce_accounts.csv"),
        "--workspace",
        "acme",
        capsys=capsys,
    )

    assert code == 0
    imported = orgs(cast.acme)
    assert imported["globex-partners.example"].kind == OrgKind.TECHNOLOGY
    assert imported["initech.example"].kind == OrgKind.AGENCY
    assert imported["initech.example"].city == "Lyon"


def test_people_are_attached_to_their_organizations_which_are_created_if_missing(
    cast, fixture_path, capsys
):
    run(
        "organizations", fixture_path("hubspot_companies.csv"), "--workspace", "acme", capsys=capsys
    )

    code, err = run(
        "people", fixture_path("hubspot_contacts.csv"), "--workspace", "acme", capsys=capsys
    )

    assert code == 0
    with scope(workspace=cast.acme):
        people = {p.email: p for p in Person.objects.select_related("organization")}
    assert people["ana@acme-agency.example"].organization.domain == "acme-agency.example"
    assert people["ana@acme-agency.example"].linkedin_url == "https://linkedin.com/in/anasilva"
    # NewCo did not exist: the email's domain names it.
    assert people["ben@newco.example"].organization.domain == "newco.example"
    # A gmail address says nothing about the company: the name does.
    assert people["cleo@gmail.com"].organization.name == "Solo Studio"
    again_code, again = run(
        "people", fixture_path("hubspot_contacts.csv"), "--workspace", "acme", capsys=capsys
    )
    assert "created 0, updated 0, unchanged 3" in again[-1]


def test_partnership_edges_link_organizations_by_website_or_name(cast, tmp_path, capsys):
    path = tmp_path / "edges.csv"
    path.write_text(
        "organization,organization_website,partner,partner_website,kind,since\n"
        "Acme Agency,acme-agency.example,Loop,loop.example,integration,2023-05-01\n"
        "Loop,loop.example,Acme Agency,acme-agency.example,integration,\n"
        "Acme Agency,acme-agency.example,Acme Agency,acme-agency.example,,\n"
    )

    code, err = run("partnerships", path, "--workspace", "acme", capsys=capsys)

    assert code == 1
    assert err[0].startswith("row 2: (whole row): is the same record as row 1")
    assert (
        err[1]
        == "row 3: partner: is the same organization: an organization cannot partner with itself"
    )
    code, err = run("partnerships", path, "--workspace", "acme", "--skip-invalid", capsys=capsys)
    with scope(workspace=cast.acme):
        edge = Partnership.objects.select_related("org_a", "org_b").get()
    assert {edge.org_a.domain, edge.org_b.domain} == {"acme-agency.example", "loop.example"}
    assert (edge.kind, edge.source, str(edge.since)) == ("integration", "import", "2023-05-01")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The file is empty."), (b"PK\x03\x04....", "spreadsheet workbook")],
)
def test_an_unreadable_file_is_one_error_naming_the_file(cast, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"bad.csv: .*{message}"):
        call_command("import", "organizations", str(path), "--workspace", "acme")


def test_unknown_workspace_and_kind_are_clear_errors(cast, fixture_path):
    path = str(fixture_path("hubspot_companies.csv"))
    with pytest.raises(CommandError, match="No workspace with the slug 'nope'"):
        call_command("import", "organizations", path, "--workspace", "nope")
    with pytest.raises(CommandError, match="Unknown import kind 'orgs'"):
        call_command("import", "orgs", path, "--workspace", "acme")


def test_one_workspaces_import_never_touches_another(cast, fixture_path, capsys):
    run(
        "organizations",
        fixture_path("hubspot_companies.csv"),
        "--workspace",
        "globex",
        capsys=capsys,
    )
    assert set(orgs(cast.acme)) == {"acme.example"}
    assert "acme-agency.example" in orgs(cast.globex)


def test_imports_command_lists_jobs_and_resumes_stalled_ones(cast, fixture_path, capsys, settings):
    from django.utils import timezone

    run(
        "organizations", fixture_path("hubspot_companies.csv"), "--workspace", "acme", capsys=capsys
    )
    call_command("imports", "list", "--workspace", "acme")
    assert "hubspot_companies.csv" in capsys.readouterr().out

    ImportJob.objects.with_scopes_disabled().update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    call_command("imports", "resume")
    # A command-line job has no stored file: it fails cleanly instead of hanging as "running".
    assert "1 stalled import job re-queued." in capsys.readouterr().out
    assert ImportJob.objects.with_scopes_disabled().get().status == ImportJob.Status.FAILED


def test_imported_partnerships_show_in_konnections_at_once(cast, tmp_path, capsys):
    from tests.conftest import api_client

    api = api_client(cast.alice, cast.acme)
    path = tmp_path / "edges.csv"

    def konnections_of_hub() -> set[str]:
        hub = orgs(cast.acme)["hub.example"]
        body = api.get(f"/api/v1/organizations/{hub.uuid}/konnections").json()
        return {row["domain"] for row in body["items"]}

    path.write_text("organization,organization_website,partner,partner_website\n"
                    "Hub Agency,hub.example,Loop,loop.example\n")  # fmt: skip
    run("partnerships", path, "--workspace", "acme", capsys=capsys)
    before = konnections_of_hub()
    path.write_text("organization,organization_website,partner,partner_website\n"
                    "Hub Agency,hub.example,Beta,beta.example\n")  # fmt: skip

    run("partnerships", path, "--workspace", "acme", capsys=capsys)

    assert (before, konnections_of_hub()) == ({"loop.example"}, {"loop.example", "beta.example"})
