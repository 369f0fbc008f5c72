"""Importing organizations from a CSV export, through the same path as `roundtable import`.

    python -m benchmarks.import_orgs [--size small|full] [--rows N]

Generates a HubSpot-style company export (names with legal forms and accents, messy websites,
some without one, tags in columns), imports it into a fresh workspace (checking every row, then
writing all of it in one transaction) and, as the reference, reads the same file with DuckDB's
read_csv. Runs on SQLite in a temporary folder, or on the database DATABASE_URL names.
Last line: `import_orgs ours=… reference=… ratio=…` (seconds; ratio = ours / reference).
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"small": 10_000, "full": 100_000}
FORMS = ["Inc.", "GmbH", "Ltd", "S.A.", "LLC", "B.V.", "AB", "", "", ""]
WORDS = ["Nord", "Blue", "Peak", "Pixel", "Loop", "Vert", "Café", "Müller", "Bright", "Atlas",
         "Orbit", "Stack", "Hive", "Forge", "Lumen", "Ridge", "Nova", "Kite", "Sage"]  # fmt: skip
KINDS = ["Agency", "Technology", "Partner", "Reseller", ""]
ECOSYSTEMS = ["HubSpot", "Shopify", "HubSpot; Shopify", "Salesforce", ""]
REGIONS = ["EMEA", "North America", "APAC", "LATAM", ""]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Record ID", "Company name", "Website URL", "Type", "City",
                         "Country/Region", "Industry", "Ecosystem", "Region"])  # fmt: skip
        for i in range(rows):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i} {rng.choice(FORMS)}".strip()
            slug = name.lower().split()[0].replace("é", "e").replace("ü", "ue")
            host = f"{slug}{i}.example"
            website = rng.choice([f"https://www.{host}/", host, f"http://{host}/en", ""])
            writer.writerow([
                1000 + i, name, website, rng.choice(KINDS), rng.choice(["Berlin", "Austin", ""]),
                rng.choice(["Germany", "United States", ""]), rng.choice(["D2C", "SaaS", ""]),
                rng.choice(ECOSYSTEMS), rng.choice(REGIONS),
            ])  # fmt: skip


def setup_django(workdir: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    # Production settings: DEBUG records every SQL statement, which is not what users run.
    os.environ.update(DEBUG="0", SECRET_KEY="benchmark-only-" + "x" * 40, ALLOWED_HOSTS="localhost")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_ours(path: Path) -> tuple[float, int]:
    from django_scopes import scope

    from roundtable.ecosystem.models import Organization
    from roundtable.imports.engine import resolve_mapping, run_import
    from roundtable.imports.kinds import get_kind
    from roundtable.imports.reader import read_table
    from roundtable.workspaces import actions
    from roundtable.workspaces.models import User

    owner, _ = User.objects.get_or_create(email="bench@bench.example")
    workspace = actions.create_workspace(name=f"Bench {time.time_ns()}", owner=owner)
    kind = get_kind("organizations")
    started = time.perf_counter()
    table = read_table(path)
    result = run_import(workspace, kind, table, resolve_mapping(kind, table.headers))
    seconds = time.perf_counter() - started
    if not (result.written and result.ok):
        raise SystemExit(f"the import refused rows: {result.problems[:5]}")
    with scope(workspace=workspace):
        stored = Organization.objects.count() - 1  # our own organization
    workspace.delete()
    return seconds, stored


def run_reference(path: Path) -> tuple[float, int]:
    import duckdb

    connection = duckdb.connect()
    started = time.perf_counter()
    # Materialize every column, as an import must; a bare count(*) could skip parsing cells.
    connection.execute(
        f"CREATE TABLE companies AS SELECT * FROM read_csv('{path}', all_varchar=true)"
    )
    seconds = time.perf_counter() - started
    rows = connection.execute("SELECT count(*) FROM companies").fetchall()[0][0]
    return seconds, rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--rows", type=int, help="override the number of rows")
    args = parser.parse_args(argv)
    rows = args.rows or SIZES[args.size]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / "companies.csv"
        generate(path, rows)
        setup_django(workdir)
        from django.db import connection

        ours, stored = run_ours(path)
        reference, read = run_reference(path)
        print(
            f"{rows:,} rows on {connection.vendor}: imported {stored:,} organizations in "
            f"{ours:.2f} s ({rows / ours:,.0f} rows/s); DuckDB read_csv {read:,} rows in "
            f"{reference:.3f} s",
            file=sys.stderr,
        )
        print(f"import_orgs ours={ours:.3f} reference={reference:.3f} ratio={ours / reference:.1f}")


if __name__ == "__main__":
    main()
