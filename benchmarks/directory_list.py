"""The Partners list at 100,000 organizations: keyset pages and a capped count against OFFSET
pages and an exact COUNT, on SQLite and (when DATABASE_URL points at PostgreSQL) on PostgreSQL.

    python -m benchmarks.directory_list [--size small|full]

Each database runs in a child process on a scratch database (a temporary SQLite file; a
`<name>_bench_directory` PostgreSQL database, dropped afterwards). The workspace gets `--size`
organizations (full: 100,000) with about five typed tags each. For each scenario (first page, a
page 90% deep, two tags, a common and a rare search word, kind + status) it times what the page
runs — the filter form, `keyset_page` with its capped count, `with_tag_lists` — against what a
plain Django list would run: the same filter with `Paginator` (OFFSET + exact COUNT) and
`prefetch_related("tags")`. It also times the whole page request through the test client. Each
line: `NAME ours=… reference=… ratio=…` in seconds (median of several runs; ratio =
ours/reference, lower is better).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse, urlunparse

SIZES = {"small": 10_000, "full": 100_000}
RUNS = 7
WORDS = ["north", "bright", "copper", "atlas", "lumen", "harbor", "cedar", "summit", "kestrel",
         "nimbus", "quartz", "willow", "ember", "tidal", "vantage", "granite", "orchard",
         "meridian", "saffron", "cobalt", "driftwood", "indigo", "juniper", "pine", "beacon",
         "falcon", "silver", "maple", "aurora", "signal"]  # fmt: skip
SUFFIXES = ["Digital", "Commerce", "Studio", "Labs", "Agency", "Growth", "Partners", "Analytics",
            "Pay", "Ship", "Systems", "Collective", "GmbH", "Ltd", "Inc", "BV"]  # fmt: skip
CITIES = [f"City {n:03}" for n in range(200)]


def median_time(function, runs: int = RUNS) -> float:
    function()  # warm caches and connections: we time steady state
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build(size: int):
    """A workspace with `size` organizations, ~5 tags each, and Alice to open the page."""
    from django.db import connection, transaction
    from django_scopes import scope

    from roundtable.core.names import normalize_company_name
    from roundtable.ecosystem.choices import OrgKind, PartnerStatus, TagType
    from roundtable.ecosystem.models import Organization, Tag
    from roundtable.workspaces import actions
    from roundtable.workspaces.models import User

    rng = random.Random(7)
    alice = User.objects.create_user("alice@bench.example", "bench-password-123")
    workspace = actions.create_workspace(name="Bench", domain="bench.example", owner=alice)
    started = time.perf_counter()
    with scope(workspace=workspace), transaction.atomic():
        vocab = {
            TagType.ECOSYSTEM: ["HubSpot", "Shopify", "Salesforce", "BigCommerce", "Klaviyo",
                                "WooCommerce", "Magento", "Zendesk"],
            TagType.SIZE: ["under $25M", "$25M–$100M", "$100M–$1B", "$1B+"],
            TagType.VERTICAL: [f"Vertical {n:02}" for n in range(20)],
            TagType.REGION: ["EMEA", "North America", "APAC", "LATAM", "DACH", *CITIES],
        }  # fmt: skip
        tags = Tag.objects.bulk_create(
            Tag(workspace=workspace, type=t, name=name)
            for t, names in vocab.items()
            for name in names
        )
        by_type = {t: [tag for tag in tags if tag.type == t] for t in vocab}
        kinds, statuses = OrgKind.values, PartnerStatus.values
        orgs = []
        for n in range(size):
            name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {rng.choice(SUFFIXES)}"
            orgs.append(
                Organization(
                    workspace=workspace, name=name, normalized_name=normalize_company_name(name),
                    domain=f"org{n}.example", website=f"org{n}.example",
                    kind=rng.choice(kinds), status=rng.choice(statuses),
                    city=rng.choice(CITIES), country=rng.choice(["DE", "GB", "US", "FR", "NL"]),
                )
            )  # fmt: skip
        Organization.objects.bulk_create(orgs, batch_size=5000)
        through = Organization.tags.through._meta.db_table
        rows = []
        for org in orgs:
            chosen = {
                *rng.sample(by_type[TagType.ECOSYSTEM], rng.randint(1, 2)),
                rng.choice(by_type[TagType.SIZE]),
                rng.choice(by_type[TagType.VERTICAL]),
                rng.choice(by_type[TagType.REGION][:5]),
                rng.choice(by_type[TagType.REGION][5:]),
            }
            rows.extend((org.pk, tag.pk) for tag in chosen)
        # Plain executemany: half a million link rows as model instances would dominate the build.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {through} (organization_id, tag_id) VALUES (%s, %s)", rows
            )
    if connection.vendor == "postgresql":
        # Autovacuum analyzes a freshly loaded table within a minute; without statistics the
        # planner sorts all 100,000 rows for every page. SQLite gathers none unless asked, so it
        # is measured as it runs by default.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return workspace, alice, time.perf_counter() - started, len(rows)


def scenarios(workspace):
    """(name, query parameters, cursor depth) of what people do on the Partners page."""
    return [
        ("first-page", {}, None),
        ("deep-page", {}, 0.9),
        ("two-tags", {"tag": ["ecosystem:Shopify", "region:EMEA"]}, None),
        ("two-tags-deep", {"tag": ["ecosystem:Shopify", "region:EMEA"]}, 0.9),
        ("search", {"q": "harbor"}, None),
        ("search-rare", {"q": "zzzz"}, None),
        ("kind-status", {"kind": "agency", "status": "active"}, None),
    ]


def measure(size: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from roundtable.core.pagination import keyset_page
    from roundtable.ecosystem.filters import OrganizationFilter
    from roundtable.ecosystem.queries import with_tag_lists

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    workspace, alice, build_seconds, tag_rows = build(size)
    client = Client()
    client.force_login(alice)
    results = {"vendor": connection.vendor, "build": build_seconds, "tag_rows": tag_rows}
    for name, params, depth in scenarios(workspace):
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        with scope(workspace=workspace):
            form = OrganizationFilter(data)
            assert form.is_valid(), form.errors
            queryset = form.organizations()
            total = queryset.count()
            cursor, page_number = None, 1
            if depth:
                position = int(total * depth)
                cursor = queryset.order_by("name", "id").values_list("uuid", flat=True)[position]
                page_number = position // 50 + 1

            def ours(queryset=queryset, cursor=cursor):
                page = keyset_page(queryset, ordering=["name", "id"], after=cursor, size=50)
                return [len(org.tag_list) for org in with_tag_lists(page.items)], page.count

            def reference(queryset=queryset, page_number=page_number):
                ordered = queryset.prefetch_related("tags").order_by("name", "id")
                page = Paginator(ordered, 50).page(page_number)
                return [len(org.tags.all()) for org in page.object_list], page.paginator.count

            ours_seconds = median_time(ours)
            reference_seconds = median_time(reference)
        query = data.urlencode() + (f"&after={cursor}" if cursor else "")
        url = f"/w/{workspace.slug}/partners/?{query}"
        request_seconds = median_time(lambda url=url: client.get(url))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        results[name] = {
            "ours": ours_seconds,
            "reference": reference_seconds,
            "request": request_seconds,
            "queries": len(captured),
            "matches": total,
        }
    return results


def postgres_scratch(url: str) -> tuple[str, str]:
    """(scratch database URL, maintenance URL) next to the database DATABASE_URL names."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "roundtable"
    scratch = urlunparse(parsed._replace(path=f"/{name}_bench_directory"))
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    return scratch, maintenance


def run_child(size: int, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.directory_list", "--child", "--size-rows", str(size)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the benchmark child failed ({env.get('DATABASE_URL') or 'SQLite'})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(label: str, results: dict) -> list[str]:
    print(f"# {label}: {results['build']:.1f} s to build ({results['tag_rows']:,} tag rows)")
    lines = []
    for name, _params, _depth in scenarios(None):
        r = results[name]
        print(
            f"#   {name}: {r['matches']:,} matches, page request {r['request'] * 1000:.1f} ms "
            f"with {r['queries']} queries"
        )
        lines.append(
            f"directory-{label}-{name} ours={r['ours']:.4f} reference={r['reference']:.4f} "
            f"ratio={r['ours'] / r['reference']:.2f}"
        )
    for line in lines:
        print(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size-rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.size_rows)))
        return
    size = SIZES[args.size]
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "roundtable.settings",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}  # fmt: skip
    database_url = base.pop("DATABASE_URL", "")
    lines = []
    with tempfile.TemporaryDirectory() as var_dir:
        lines += report("sqlite", run_child(size, {**base, "ROUNDTABLE_VAR_DIR": var_dir}))
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        scratch, maintenance = postgres_scratch(database_url)
        name = urlparse(scratch).path.lstrip("/")
        with psycopg.connect(maintenance, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        try:
            lines += report("postgres", run_child(size, {**base, "DATABASE_URL": scratch}))
        finally:
            with psycopg.connect(maintenance, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    # The contract's last line: the deep page, where OFFSET and COUNT hurt most.
    deep = [line for line in lines if "-deep-page " in line]
    print(deep[-1].replace("directory-postgres-deep-page", "directory-list").replace(
        "directory-sqlite-deep-page", "directory-list"))  # fmt: skip


if __name__ == "__main__":
    main()
