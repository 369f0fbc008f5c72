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


TWO_ACMES = "name,website,city\nAcme,acme.com,Berlin\nAcme,,Paris\n"
AMBIGUOUS = "the name matches 2 organizations; add their website to choose"


@pytest.mark.parametrize("flags", [(), ("--dry-run",)])
def test_a_name_that_matches_two_stored_organizations_is_a_row_error(cast, tmp_path, capsys, flags):
    path = tmp_path / "acme.csv"
    path.write_text(TWO_ACMES)
    run("organizations", path, "--workspace", "globex", capsys=capsys)  # two organizations
    path.write_text(TWO_ACMES.replace("Berlin", "Munich"))

    code, err = run("organizations", path, "--workspace", "globex", *flags, capsys=capsys)

    assert (code, err[0]) == (1, f"row 2: name: {AMBIGUOUS}")
    assert orgs(cast.globex)["acme.com"].city == "Berlin"  # all or nothing


def test_skip_invalid_writes_the_rows_whose_names_are_not_ambiguous(cast, tmp_path, capsys):
    path = tmp_path / "acme.csv"
    path.write_text(TWO_ACMES)
    run("organizations", path, "--workspace", "globex", capsys=capsys)
    path.write_text(TWO_ACMES.replace("Berlin", "Munich") + "Beta,beta.com,Rome\n")

    code, err = run("organizations", path, "--workspace", "globex", "--skip-invalid", capsys=capsys)

    assert (code, err[0]) == (1, f"row 2: name: {AMBIGUOUS}")
    assert err[-1].startswith("rows read 3, created 1, updated 1, unchanged 0, skipped 1")
    assert orgs(cast.globex)["acme.com"].city == "Munich"


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("people", "first_name,email,organization\nAnn,ann@gmail.com,Acme\n"),
        ("partnerships", "organization,partner\nAcme,Beta\n"),
    ],
)
def test_people_and_partnerships_naming_an_ambiguous_organization_are_row_errors(
    cast, tmp_path, capsys, kind, content
):
    acmes = tmp_path / "acme.csv"
    acmes.write_text(TWO_ACMES)
    run("organizations", acmes, "--workspace", "globex", capsys=capsys)
    path = tmp_path / "rows.csv"
    path.write_text(content)

    for flags in [(), ("--dry-run",), ("--skip-invalid",)]:
        code, err = run(kind, path, "--workspace", "globex", *flags, capsys=capsys)

        assert (code, err[0]) == (1, f"row 1: organization: {AMBIGUOUS}")
    assert set(orgs(cast.globex)) == {"globex.example", "acme.com", "Acme"}  # no Beta was created


def test_people_naming_a_new_organization_by_website_and_by_name_share_it(cast, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(
        "first_name,email,organization\nAnn,ann@newco.example,NewCo\nBob,bob@gmail.com,NewCo\n"
    )

    code, err = run("people", path, "--workspace", "globex", capsys=capsys)

    assert code == 0
    with scope(workspace=cast.globex):
        people = {p.first_name: p.organization.domain for p in Person.objects.all()}
    assert people == {"Ann": "newco.example", "Bob": "newco.example"}


def test_a_partnership_whose_two_ends_are_one_organization_is_a_row_error(cast, tmp_path, capsys):
    from tests.ecosystem.factories import make_org

    with scope(workspace=cast.acme):
        make_org(cast.acme, "Brightline Digital", "brightline.io")
    path = tmp_path / "edges.csv"
    path.write_text(
        "organization,organization_website,partner,partner_website,kind\n"
        "Brightline Digital,,,brightline.io,referral\n"
        "Brightline Digital,,Loop,loop.example,referral\n"
    )
    expected = (
        "row 1: partner: 'brightline.io' is the same organization as 'Brightline Digital': an "
        "organization cannot partner with itself"
    )

    code, err = run("partnerships", path, "--workspace", "acme", capsys=capsys)
    assert (code, err[0]) == (1, expected)
    with scope(workspace=cast.acme):
        assert not Partnership.objects.exists()

    code, err = run("partnerships", path, "--workspace", "acme", "--skip-invalid", capsys=capsys)
    assert (code, err[0]) == (1, expected)
    with scope(workspace=cast.acme):
        edge = Partnership.objects.select_related("org_a", "org_b").get()
    assert {edge.org_a.domain, edge.org_b.domain} == {"brightline.io", "loop.example"}


def test_a_cell_of_200000_characters_is_read_and_checked_against_its_fields_limit(
    cast, tmp_path, capsys
):
    path = tmp_path / "long.csv"
    long = "x" * 200_000
    path.write_text(
        f"name,website,description,city\nAcme,acme.com,{long},\nBeta,beta.com,,{long}\n"
    )

    code, err = run("organizations", path, "--workspace", "acme", "--skip-invalid", capsys=capsys)

    assert (code, err[0]) == (1, "row 2: city: is 200,000 characters long; at most 120 fit")
    assert orgs(cast.acme)["acme.com"].description == long


def test_a_quote_that_never_closes_refuses_the_file(cast, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('name,website,city\n"Acme Inc,acme.com,Berlin\nBeta,beta.com,Paris\n')

    message = r'quote.csv: row 1: a quote \("\) opens here and is never closed'
    with pytest.raises(CommandError, match=message):
        call_command("import", "organizations", str(path), "--workspace", "acme")
    assert set(orgs(cast.acme)) == {"acme.example"}


def test_every_bad_row_is_listed_however_many(cast, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("name,website\n" + ",nameless.example\n" * 1500)

    code, err = run("organizations", path, "--workspace", "acme", capsys=capsys)

    assert code == 1
    assert err[:-1] == [f"row {n}: name: missing: every organization needs a name" for n in
                        range(1, 1501)]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(1, 256)) * 40, "control codes"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    ],
)
def test_a_file_that_is_not_text_is_refused_as_such(cast, tmp_path, content, message):
    path = tmp_path / "partners.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"partners.csv: This file is not text.*{message}"):
        call_command("import", "organizations", str(path), "--workspace", "acme")


def test_a_directory_or_an_unreadable_file_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError, match=r"is a directory, not a file"):
        call_command("import", "organizations", str(tmp_path), "--workspace", "acme")
    mapping = tmp_path / "mapping.json"
    mapping.mkdir()
    path = tmp_path / "p.csv"
    path.write_text("name\nAcme\n")
    with pytest.raises(CommandError, match=r"mapping.json: is a directory, not a file"):
        call_command(
            "import", "organizations", str(path), "--workspace", "acme", "--mapping", str(mapping)
        )
    # /proc/self/mem exists but cannot be read from the start, even by root.
    with pytest.raises(CommandError, match=r"mem: cannot be read \(Input/output error\)"):
        call_command("import", "organizations", "/proc/self/mem", "--workspace", "acme")
