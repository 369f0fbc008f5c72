"""`roundtable map LEFT.csv RIGHT.csv [--out FILE] [--fuzzy/--no-fuzzy]`: the contract."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HUBSPOT = (
    "Record ID,Company name,Company Domain Name,Website URL,Country/Region,Lifecycle Stage\n"
    "1,Acme Inc.,acme.com,,United States,customer\n"
    "2,Delta Faucet Company,,deltafaucet.com,USA,lead\n"
    "\n"
    "3,Société Générale S.A.,,,France,customer\n"
    "4,Initech Sytems Inc,,,US,lead\n"
    '5,=HYPERLINK("x"),,,,lead\n'
)
SALESFORCE = (
    "Account ID,Account Name,Website,Billing Country,Type\n"
    "A1,ACME Corp,https://www.acme.com/about,US,Customer\n"
    "A2,Delta Air Lines,delta.com,US,Prospect\n"
    "A3,Societe Generale,,FR,Customer\n"
    "A4,Initech Systems,,United States,Customer\n"
    'A5,=HYPERLINK("x"),,,Prospect\n'
)
HEADER = ["left_row", "right_row", "left_name", "right_name", "method", "score"]


@pytest.fixture
def exports(tmp_path: Path):
    left, right = tmp_path / "hubspot.csv", tmp_path / "salesforce.csv"
    left.write_text(HUBSPOT, encoding="utf-8")
    right.write_text(SALESFORCE, encoding="utf-8")
    return left, right


def run_map(*args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("map", *map(str, args), stdout=out, stderr=err)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), err.getvalue()


def test_a_hubspot_and_a_salesforce_export_map_without_configuration(exports):
    # When a partner manager maps two CRM exports
    rows, summary = run_map(*exports)
    # Then each matched pair is one row, numbered by data row (blank line not counted)
    pairs = {(r["left_row"], r["right_row"]): r for r in rows}
    assert list(rows[0]) == HEADER
    assert pairs[("1", "1")]["method"] == "domain"
    assert pairs[("3", "3")]["method"] == "name"
    assert pairs[("3", "3")]["left_name"] == "Société Générale S.A."
    assert pairs[("4", "4")]["method"] == "fuzzy"
    assert 0.9 <= float(pairs[("4", "4")]["score"]) < 1
    # and look-alikes and placeholders are not paired; a formula-like name is made harmless
    assert ("2", "2") not in pairs
    assert pairs[("5", "5")]["left_name"].startswith("'=")
    assert "5 rows read" in summary
    assert "pairs: 4 (domain 1, name 2, fuzzy 1)" in summary


def test_no_fuzzy_leaves_similar_names_out_and_out_writes_a_file(exports, tmp_path):
    target = tmp_path / "pairs.csv"
    rows, summary = run_map(*exports, "--no-fuzzy", "--out", target)
    assert rows == []
    written = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {(r["left_row"], r["method"]) for r in written} == {
        ("1", "domain"),
        ("3", "name"),
        ("5", "name"),
    }
    assert "fuzzy off" in summary


def test_a_semicolon_windows_1252_plain_file_is_read_like_the_engine_reads_it(tmp_path):
    left = tmp_path / "plain.csv"
    left.write_bytes("name;website;country\nMüller GmbH;;Deutschland\n".encode("cp1252"))
    right = tmp_path / "other.csv"
    right.write_text("domain,name,country\n,Muller,DE\n", encoding="utf-8")
    rows, _ = run_map(left, right)
    assert [(r["left_name"], r["right_name"], r["method"]) for r in rows] == [
        ("Müller GmbH", "Muller", "name")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"PK\x03\x04binary", "spreadsheet"), (b"a,b\n1,2\n", "company name")],
)
def test_a_file_the_reader_refuses_is_an_error_naming_the_file(exports, tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=rf"bad\.csv: .*{message}"):
        run_map(exports[0], bad)
    with pytest.raises(CommandError, match="missing.csv: no such file"):
        run_map(exports[0], tmp_path / "missing.csv")


def test_a_million_rows_of_one_name_neither_explodes_nor_matches(tmp_path):
    # Given two files whose rows all carry one name (a placeholder a CRM filled in)
    rows = 200_000
    for side in ("left", "right"):
        (tmp_path / f"{side}.csv").write_text("name\n" + "Same Company\n" * rows)
    # When they are mapped, then the key is refused instead of pairing 4·10¹⁰ rows
    pairs, summary = run_map(tmp_path / "left.csv", tmp_path / "right.csv")
    assert pairs == []
    assert f"{rows:,} rows read" in summary


def test_it_runs_without_a_database(exports, tmp_path):
    # Given a machine where Roundtable is installed but no database was ever migrated
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "roundtable.settings"
    result = subprocess.run(
        [sys.executable, "-m", "roundtable.cli", "map", *map(str, exports)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(",".join(HEADER))
    assert not (tmp_path / "never-migrated.sqlite3").exists() or (
        (tmp_path / "never-migrated.sqlite3").stat().st_size == 0
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    refused = subprocess.run(
        [sys.executable, "-m", "roundtable.cli", "map", str(bad), str(exports[1])],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "bad.csv: The file is empty." in refused.stderr
