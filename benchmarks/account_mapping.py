"""Account mapping at scale: `roundtable map` on two generated exports, and the bulk account import.

    python -m benchmarks.account_mapping [--size small|medium|large] [--no-import]

Generates a HubSpot company export (left) and a Salesforce account export (right) of N rows
each (large: 1,000,000): about 30% of the companies on both sides, messy websites (scheme, www,
paths, ports, subsidiaries' subdomains, emails, upper case), 20% of rows without a website, name
variations (case, legal forms, accents dropped, a typo now and then).

1. `roundtable map LEFT RIGHT --out PAIRS` end to end (read, normalize, match by all three
   methods, write the pairs), in this process; reference: DuckDB reading both files, taking the
   lower-cased host without 'www.' from the website column, joining on it and writing the pairs.
   Both counts of true pairs are printed (ours must find at least as many).
2. Unless --no-import: importing the left file's rows as accounts (import_accounts: normalize,
   compare with what is stored, write) into SQLite and, when PostgreSQL answers at
   BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), into a scratch
   PostgreSQL database; reference: the same rows bulk-inserted bare into a plain table
   (executemany on SQLite, COPY on PostgreSQL). Each runs in a child process with its own
   database.

Last line: `account_mapping ours=… reference=… ratio=…` (the map timing; seconds).

Where the time goes (1M × 1M, idle 2-core machine): reading both files ~1.2 s and normalizing
them ~2.6 s (the two sides in parallel), matching ~7 s (exact tiers ~2.5 s, fuzzy neighbourhoods
and scoring ~2.5 s, whole-word prefixes ~2 s), writing the pairs ~0.2 s.

The import: on SQLite the bare executemany is itself slow, and ours adds normalization and four
indexes. On PostgreSQL the bare COPY takes ~2.6 s, less than normalization alone (~2.3 s); the
rest of ours is index upkeep (primary key, uuid, owner/status, workspace/private) and the
foreign-key checks PostgreSQL runs at commit, one per row and key (~7 s): the price of
referential integrity, kept on purpose.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

SIZES = {"small": 10_000, "medium": 100_000, "large": 1_000_000}
SYLLABLES = """
ka lo mi ne ro su ta vi ze bo da fe gi ha ju ke li mo nu pa qui ra se ti vo wa xe yo zu bel cor
dan fal gor hel jor kar lum mar nor pel quin ras sol tar ven wil xan yor zan ber cas del fin gal
hin kel lor mun nix pon rix sen tov ul vex wyn ax ex ox
""".split()  # noqa: SIM905
SECOND = """
labs systems digital media foods logistics health capital partners works studio group solutions
consulting analytics networks robotics energy retail brands games motors pharma finance travel
design software security cloud data
""".split()  # noqa: SIM905
FORMS = ["", "", "", " Inc.", " LLC", " GmbH", " Ltd", " S.A.", " B.V.", " AB", " Corp.",
         " SAS", " Pty Ltd", " S.p.A.", " & Co. KG"]  # fmt: skip
TLDS = ["com", "com", "com", "io", "de", "co.uk", "fr", "com.au", "nl", "net"]
COUNTRIES = ["United States", "Germany", "United Kingdom", "France", "", ""]


def _choice(options, rng: np.random.Generator, count: int) -> pl.Series:
    return pl.Series(np.array(options)[rng.integers(0, len(options), count)])


def companies(count: int, rng: np.random.Generator) -> pl.DataFrame:
    """`count` companies with made-up names of four syllables and a word ('Kalomi Labs'):
    some names repeat, as look-alike companies do."""
    parts = pl.DataFrame(
        {f"s{i}": _choice(SYLLABLES, rng, count) for i in range(4)}
        | {"word": _choice(SECOND, rng, count), "tld": _choice(TLDS, rng, count)}
    )
    slug = pl.concat_str(["s0", "s1", "s2", "s3"])
    return parts.select(
        name=pl.concat_str([slug.str.to_titlecase(), pl.col("word")], separator=" "),
        domain=pl.concat_str([slug, pl.col("word"), pl.lit("."), pl.col("tld")]),
        country=_choice(COUNTRIES, rng, count),
    ).with_row_index("company")


def messy(frame: pl.DataFrame, rng: np.random.Generator, side: str) -> pl.DataFrame:
    """One CRM's view of the companies: name variations and messy or missing websites."""
    n = frame.height

    def pick(options):
        return _choice(options, rng, n)

    roll = pl.Series(rng.random(n))
    name = pl.col("name")
    name = (
        pl.when(roll < 0.15)
        .then(name.str.to_uppercase())
        .when(roll < 0.22)
        .then(name.str.to_lowercase())
        .when(roll < 0.30)
        .then(name.str.replace("e", "é"))
        .otherwise(name)
    ) + pick(FORMS)
    typo = pl.Series(rng.random(n) < 0.02)
    # A dropped letter in the second word, now and then.
    name = pl.when(typo).then(name.str.replace(r"(\w{3})\w(\w+)", "${1}${2}")).otherwise(name)
    prefix = pick(["https://www.", "http://", "", "www.", "HTTPS://WWW.", "https://", "shop.",
                   "investor.", "info@"])  # fmt: skip
    suffix = pick(["", "/", "/en/", "/about?utm=crm", ":443/", ""])
    suffix = pl.when(prefix == "info@").then(pl.lit("")).otherwise(suffix)
    website = (
        pl.when(pl.Series(rng.random(n) < 0.2))
        .then(pl.lit(""))
        .otherwise(prefix + pl.col("domain") + suffix)
    )
    frame = frame.with_columns(name=name, website=website)
    if side == "left":
        return frame.select(
            pl.col("company").alias("__company"),
            pl.int_range(1, n + 1).cast(pl.String).alias("Record ID"),
            pl.col("name").alias("Company name"),
            pl.col("website").alias("Website URL"),
            pl.col("country").alias("Country/Region"),
            pick(["customer", "lead", "opportunity", "subscriber"]).alias("Lifecycle Stage"),
            pick(["Software", "Retail", "Manufacturing", ""]).alias("Industry"),
            pick(["Ana Lopez", "Sam Lee", "Kim Park"]).alias("Company owner"),
        )
    return frame.select(
        pl.col("company").alias("__company"),
        (pl.lit("001") + pl.int_range(0, n).cast(pl.String).str.zfill(12)).alias("Account ID"),
        pl.col("name").alias("Account Name"),
        pl.col("website").alias("Website"),
        pl.col("country").alias("Billing Country"),
        pick(["Customer", "Prospect", "Customer - Direct"]).alias("Type"),
        pick(["Retail", "Software", ""]).alias("Industry"),
        pick(["Jo Smith", "Max Meyer"]).alias("Account Owner"),
    )


def generate(rows: int, folder: Path) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    """Both exports; returns their paths and each row's company id (the truth)."""
    rng = np.random.default_rng(42)
    shared = int(rows * 0.3)
    pool = companies(2 * rows - shared, rng)
    left = pool.slice(0, rows)
    right = pl.concat([pool.slice(0, shared), pool.slice(rows, rows - shared)])
    left = messy(left, rng, "left").sample(fraction=1.0, shuffle=True, seed=1)
    right = messy(right, rng, "right").sample(fraction=1.0, shuffle=True, seed=2)
    paths = folder / "left_hubspot.csv", folder / "right_salesforce.csv"
    left.drop("__company").write_csv(paths[0])
    right.drop("__company").write_csv(paths[1])
    return *paths, left["__company"].to_numpy(), right["__company"].to_numpy()


def true_pairs(pairs: pl.DataFrame, left_company: np.ndarray, right_company: np.ndarray) -> int:
    left_rows = pairs["left_row"].cast(pl.Int64).to_numpy() - 1
    right_rows = pairs["right_row"].cast(pl.Int64).to_numpy() - 1
    return int(np.sum(left_company[left_rows] == right_company[right_rows]))


def time_ours(left: Path, right: Path, out: Path) -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("map", str(left), str(right), "--out", str(out), stderr=sys.stderr)
    return time.perf_counter() - started


def time_reference(left: Path, right: Path, out: Path) -> float:
    import duckdb

    host = r"regexp_extract(lower({col}), '^(?:[a-z]+://)?(?:www\.)?([^/:?#\s]+)', 1)"
    sql = f"""
    COPY (
      WITH l AS (
        SELECT row_number() OVER () AS left_row, "Company name" AS left_name,
               {host.format(col='"Website URL"')} AS host
        FROM read_csv('{left}', all_varchar = true)),
      r AS (
        SELECT row_number() OVER () AS right_row, "Account Name" AS right_name,
               {host.format(col='"Website"')} AS host
        FROM read_csv('{right}', all_varchar = true))
      SELECT left_row, right_row, left_name, right_name FROM l JOIN r USING (host)
      WHERE host <> ''
    ) TO '{out}' (HEADER)
    """
    started = time.perf_counter()
    duckdb.connect().execute(sql)
    return time.perf_counter() - started


# --- the import, in a child process per database -------------------------------------------------


def import_child(database_url: str, left: Path) -> None:
    """Prints `import DB ours=… reference=… ratio=…` for one database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "roundtable.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from roundtable.ecosystem.actions import ensure_our_organization
    from roundtable.imports.headers import match_headers
    from roundtable.mapping.accounts_import import import_accounts
    from roundtable.mapping.fields import ACCOUNT_FIELDS
    from roundtable.workspaces import actions
    from roundtable.workspaces.models import User

    call_command("migrate", verbosity=0)
    frame = pl.read_csv(left, infer_schema=False)
    mapping = match_headers(frame.columns, ACCOUNT_FIELDS)
    rows = frame.select([pl.col(frame.columns[i]).alias(f) for f, i in mapping.items()])
    user = User.objects.create_user("bench@bench.example", "bench-password-1")
    workspace = actions.create_workspace(name="Bench", domain="bench.example", owner=user)
    owner = ensure_our_organization(workspace)

    started = time.perf_counter()
    counts = import_accounts(workspace, owner, rows, source="hubspot")
    ours = time.perf_counter() - started
    again = time.perf_counter()
    repeat = import_accounts(workspace, owner, rows, source="hubspot")
    reimport = time.perf_counter() - again

    columns = list(frame.columns)
    quoted = ", ".join(f'"{c}" text' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        key = "bigserial" if connection.vendor == "postgresql" else "integer"
        cursor.execute(f"CREATE TABLE bench_bare (id {key} PRIMARY KEY, {quoted})")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = io.BytesIO()
            frame.write_csv(data, include_header=False)
            with cursor.cursor.copy(
                f"COPY bench_bare ({names}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(data.getvalue())
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO bench_bare ({names}) VALUES ({marks})", frame.rows())
        connection.commit() if not connection.in_atomic_block else None
    reference = time.perf_counter() - started
    print(
        f"import {connection.vendor} rows={frame.height:,} created={counts.created:,} "
        f"re-import unchanged={repeat.unchanged:,} in {reimport:.2f} s",
        file=sys.stderr,
    )
    print(f"import_{connection.vendor} ours={ours:.2f} reference={reference:.2f} "
          f"ratio={ours / reference:.2f}")  # fmt: skip


def run_import_children(left: Path, folder: Path) -> None:
    runs = [f"sqlite:///{folder / 'bench.sqlite3'}"]
    admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    scratch = f"roundtable_bench_{os.getpid()}"
    postgres = _create_postgres(admin_url, scratch)
    if postgres:
        runs.append(postgres)
    try:
        for url in runs:
            subprocess.run(
                [sys.executable, "-m", "benchmarks.account_mapping", "--import-child", url,
                 "--left", str(left)],
                check=True,
            )  # fmt: skip
    finally:
        if postgres:
            _drop_postgres(admin_url, scratch)


def _create_postgres(admin_url: str, name: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001  (no PostgreSQL here: skip that half)
        print(f"PostgreSQL not available ({error}); import measured on SQLite only.")
        return None
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--no-import", action="store_true", help="only the map benchmark")
    parser.add_argument("--import-child", help=argparse.SUPPRESS)
    parser.add_argument("--left", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        import_child(args.import_child, args.left)
        return
    rows = SIZES[args.size]
    with tempfile.TemporaryDirectory(prefix="bench-mapping-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        left, right, left_company, right_company = generate(rows, folder)
        print(f"generated 2 × {rows:,} rows in {time.perf_counter() - started:.1f} s")
        truth = len(np.intersect1d(left_company, right_company))
        if not args.no_import:
            run_import_children(left, folder)
        reference = time_reference(left, right, folder / "reference.csv")
        ours = time_ours(left, right, folder / "ours.csv")
        ours_pairs = pl.read_csv(folder / "ours.csv", infer_schema=False)
        reference_pairs = pl.read_csv(folder / "reference.csv", infer_schema=False)
        ours_true = true_pairs(ours_pairs, left_company, right_company)
        reference_true = true_pairs(reference_pairs, left_company, right_company)
        print(
            f"true pairs: {truth:,}; ours found {ours_true:,} of {ours_pairs.height:,} pairs "
            f"(precision {ours_true / max(1, ours_pairs.height):.4f}, recall "
            f"{ours_true / max(1, truth):.4f}); reference found {reference_true:,} of "
            f"{reference_pairs.height:,}"
        )
    print(f"account_mapping ours={ours:.2f} reference={reference:.2f} ratio={ours / reference:.2f}")


if __name__ == "__main__":
    main()
