"""Konnections and candidate ranking on a 100,000-organization, 5,000,000-edge workspace.

    python -m benchmarks.konnections [--size small|full] [--database sqlite|postgresql|both]

Generates a workspace with power-law partner counts (most organizations have tens of partners, a
few hubs over 10,000), with statuses, kinds, tags and people, loads it into a benchmark database
of its own (SQLite under var/bench/, kept between runs; PostgreSQL when DATABASE_URL points at
one, in a database of its own on that server), and times, for a typical organization, a
99th-percentile one and the largest hub, through the code the pages use:

- konnections: the Konnections list (filter form, partners, mutual flags, our partners in
  common, default order) — graph.konnections;
- candidates: Circle candidates around the organization as core partner, for a two-tag ICP
  (filter form, ranking by common neighbours, tags, status, activity, top 25 with reasons) —
  graph.rank_candidates.

The reference computes the same answers in the same run from plain numpy adjacency arrays with
`bincount`, per call; every answer must equal it. Each measure is the median of several runs
with the graph already loaded in the process (a request's view); the one-off build is reported
on its own line. Last line per measure: `NAME ours=… reference=… ratio=…` (seconds; ratio =
ours / reference); with two databases, the contract lines carry the worse of the two.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

SIZES = {"small": (20_000, 500_000), "full": (100_000, 5_000_000)}
VERSION = 1  # bump when the generated data changes: kept databases are rebuilt
SEED = 20240601
ALPHA = 1.5  # Pareto shape of the partner counts: median ~60, p99 ~700, hubs >10k at full size
ORG_OFFSET = 1_000_000  # organization ids of the generated workspace: ORG_OFFSET + node
TAG_OFFSET = 1_000_000
RUNS = 15
ICP = ["ecosystem:Shopify", "region:EMEA"]
MEASURES = ["konnections", "candidates"]
WHICH = ["typical", "p99", "hub"]
ROOT = Path(__file__).resolve().parent.parent
STAMP = "2024-06-01 12:00:00"

KINDS = ["agency", "technology", "platform", "customer", "other"]
KIND_SHARE = [0.5, 0.35, 0.05, 0.05, 0.05]
TAGS = [
    ("ecosystem", "Shopify"), ("ecosystem", "HubSpot"), ("ecosystem", "BigCommerce"),
    ("size", "under $25M"), ("size", "$25M-$100M"), ("size", "$100M-$1B"), ("size", "over $1B"),
    ("vertical", "D2C"), ("vertical", "B2B SaaS"), ("vertical", "Fashion"), ("vertical", "Food"),
    ("vertical", "Health"),
    ("region", "EMEA"), ("region", "North America"), ("region", "APAC"), ("region", "LATAM"),
]  # fmt: skip


# --- The generated world ---------------------------------------------------------------------


@dataclass
class World:
    n: int
    a: np.ndarray  # node index of each edge's lower end (a < b), edges sorted by (a, b)
    b: np.ndarray
    names: list[str]
    kind: np.ndarray  # index into KINDS
    status: np.ndarray  # PartnerStatus value per node
    status_changed: np.ndarray  # day number or nan
    partner_since: np.ndarray  # day number or nan
    people: np.ndarray
    tag_org: np.ndarray  # node of each (organization, tag) pair
    tag_idx: np.ndarray  # index into TAGS
    us: int
    us_since: dict  # node → day number of our partnership's `since`
    edge_kind: np.ndarray  # index into PARTNERSHIP_KINDS


PARTNERSHIP_KINDS = ["integration", "referral", "reseller", "services", "unknown"]


def generate(n: int, m: int) -> World:
    """A deterministic power-law ecosystem (Chung–Lu: endpoints drawn by Pareto weights)."""
    rng = np.random.default_rng(SEED)
    weights = rng.pareto(ALPHA, n) + 1.0
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        k = int((m - len(keys)) * 1.2) + 1000
        x = np.searchsorted(cdf, rng.random(k))
        y = np.searchsorted(cdf, rng.random(k))
        low, high = np.minimum(x, y), np.maximum(x, y)
        keep = low != high
        keys = np.unique(np.concatenate([keys, low[keep] * n + high[keep]]))
    keys = np.sort(rng.permutation(keys)[:m])
    a, b = (keys // n).astype(np.int32), (keys % n).astype(np.int32)
    degree = np.bincount(np.concatenate([a, b]), minlength=n)

    order = rng.permutation(n)  # names are not in id order
    names = [f"Org {order[i]:06d}" for i in range(n)]
    kind = rng.choice(len(KINDS), size=n, p=KIND_SHARE)
    # Our company: a mid-size partner program (90th percentile of partner counts).
    target = np.percentile(degree, 90)
    us = int(np.argmin(np.abs(degree - target) + (kind != 0) * 1e9))
    linked = np.concatenate([b[a == us], a[b == us]])
    status = np.full(n, "", dtype=object)
    roll = rng.random(len(linked))
    status[linked[roll < 0.8]] = "active"
    status[linked[(roll >= 0.8) & (roll < 0.9)]] = "inactive"
    status[linked[roll >= 0.9]] = "prospect"
    others = rng.random(n)
    status[(others < 0.005) & (status == "")] = "active"  # partners without a recorded edge
    status[(others > 0.998) & (status == "")] = "churned"
    status[us] = ""
    today = date.today().toordinal()
    has_status = status != ""
    status_changed = np.where(has_status, today - rng.integers(0, 3 * 365, n), np.nan)
    partner_since = np.where(status == "active", today - rng.integers(0, 5 * 365, n), np.nan)
    people = np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0)
    tag_org, tag_idx = _draw_tags(rng, n)
    since_roll = rng.random(len(linked))
    us_since = {
        int(node): float(today - int(rng.integers(30, 4 * 365)))
        for node, r in zip(linked, since_roll, strict=True)
        if r < 0.7
    }
    return World(
        n=n,
        a=a,
        b=b,
        names=names,
        kind=kind,
        status=status,
        status_changed=status_changed.astype(np.float64),
        partner_since=partner_since.astype(np.float64),
        people=people,
        tag_org=tag_org,
        tag_idx=tag_idx,
        us=us,
        us_since=us_since,
        edge_kind=rng.integers(0, len(PARTNERSHIP_KINDS), m),
    )


def _draw_tags(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    by_type: dict[str, list[int]] = {}
    for index, (tag_type, _name) in enumerate(TAGS):
        by_type.setdefault(tag_type, []).append(index)
    orgs, tags = [], []

    def add(mask, choices, p=None):
        chosen = np.flatnonzero(mask)
        orgs.append(chosen)
        tags.append(np.asarray(choices)[rng.choice(len(choices), size=len(chosen), p=p)])

    eco = by_type["ecosystem"]
    add(np.ones(n, dtype=bool), eco, [0.45, 0.4, 0.15])
    second = rng.random(n) < 0.2  # some organizations live in two ecosystems
    add(second, eco, [0.2, 0.6, 0.2])
    add(rng.random(n) < 0.8, by_type["size"], [0.5, 0.3, 0.15, 0.05])
    add(rng.random(n) < 0.6, by_type["vertical"])
    add(rng.random(n) < 0.9, by_type["region"], [0.4, 0.35, 0.15, 0.1])
    pairs = np.unique(np.concatenate(orgs).astype(np.int64) * 100 + np.concatenate(tags))
    return (pairs // 100).astype(np.int64), (pairs % 100).astype(np.int64)


# --- Loading it into a database --------------------------------------------------------------


def _uuid(prefix: int, number: int) -> str:
    return f"{prefix:08x}{number:024x}"


def _rows(world: World, workspace_id: int):
    """Every table's rows as tuples, in the column order of COLUMNS."""
    day = date.fromordinal
    tag_rows = [
        (TAG_OFFSET + i, _uuid(1, i), STAMP, STAMP, workspace_id, tag_type, name)
        for i, (tag_type, name) in enumerate(TAGS)
    ]
    org_rows = (
        (
            ORG_OFFSET + i,
            _uuid(2, i),
            STAMP,
            STAMP,
            workspace_id,
            world.names[i],
            world.names[i].lower(),
            "",
            "",
            KINDS[world.kind[i]],
            "",
            "",
            "",
            world.status[i],
            None
            if np.isnan(world.status_changed[i])
            else f"{day(int(world.status_changed[i])).isoformat()} 12:00:00",
            "",
            None if np.isnan(world.partner_since[i]) else day(int(world.partner_since[i])),
            i == world.us,
            "",
        )
        for i in range(world.n)
    )
    through_rows = (
        (ORG_OFFSET + int(o), TAG_OFFSET + int(t))
        for o, t in zip(world.tag_org, world.tag_idx, strict=True)
    )
    people_rows = []
    for node in np.flatnonzero(world.people):
        for _ in range(int(world.people[node])):
            number = len(people_rows)
            people_rows.append(
                (_uuid(3, number), STAMP, STAMP, workspace_id, ORG_OFFSET + int(node), "Pat",
                 f"Person {number}", f"p{number}@org{node}.example", "", "", "", "", "")
            )  # fmt: skip
    us = world.us

    def edge_rows():
        for e in range(len(world.a)):
            a, b = int(world.a[e]), int(world.b[e])
            since = None
            if a == us or b == us:
                began = world.us_since.get(b if a == us else a)
                since = day(int(began)) if began is not None else None
            yield (
                _uuid(4, e), STAMP, STAMP, workspace_id, ORG_OFFSET + a, ORG_OFFSET + b,
                PARTNERSHIP_KINDS[world.edge_kind[e]], "import", since, "",
            )  # fmt: skip

    return tag_rows, org_rows, through_rows, people_rows, edge_rows()


COLUMNS = {
    "ecosystem_tag": "id, uuid, created_at, updated_at, workspace_id, type, name",
    "ecosystem_organization": (
        "id, uuid, created_at, updated_at, workspace_id, name, normalized_name, website, domain,"
        " kind, city, country, description, status, status_changed_at, tier, partner_since,"
        " is_us, external_id"
    ),
    "ecosystem_organization_tags": "organization_id, tag_id",
    "ecosystem_person": (
        "uuid, created_at, updated_at, workspace_id, organization_id, first_name, last_name,"
        " email, title, city, linkedin_url, phone, external_id"
    ),
    "ecosystem_partnership": (
        "uuid, created_at, updated_at, workspace_id, org_a_id, org_b_id, kind, source, since, note"
    ),
}


def _workspace_name(size: str) -> str:
    return f"Konnections benchmark v{VERSION} {size}"


def load(world: World, size: str) -> int:
    """Write the world into the benchmark database (once); returns the workspace id."""
    from django.db import connection
    from django_scopes import scopes_disabled

    from roundtable.ecosystem.models import Partnership
    from roundtable.workspaces.models import Workspace

    slug = f"bench-konnections-{size}"
    with scopes_disabled():
        existing = Workspace.objects.filter(slug=slug).first()
        if existing is not None:
            edges = Partnership.objects.filter(workspace=existing).count()
            if existing.name == _workspace_name(size) and edges == len(world.a):
                return existing.pk
            _wipe(existing.pk)
    workspace_id = _insert_workspace(slug, size)
    started = time.perf_counter()
    rows = _rows(world, workspace_id)
    if connection.vendor == "sqlite":
        _load_sqlite(connection, rows)
    else:
        _load_postgresql(connection, rows)
    print(f"# loaded {len(world.a):,} edges in {time.perf_counter() - started:.0f} s", flush=True)
    return workspace_id


def _wipe(workspace_id: int) -> None:
    """Remove an outdated generated workspace (plain SQL: millions of rows, no signals)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM ecosystem_organization_tags WHERE tag_id IN"
            " (SELECT id FROM ecosystem_tag WHERE workspace_id = %s)",
            [workspace_id],
        )
        for table in ["ecosystem_partnership", "ecosystem_person", "ecosystem_organization",
                      "ecosystem_tag", "workspaces_workspace"]:  # fmt: skip
            column = "id" if table == "workspaces_workspace" else "workspace_id"
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [workspace_id])


def _insert_workspace(slug: str, size: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO workspaces_workspace (uuid, created_at, updated_at, name, slug, domain)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [_uuid(0, 1), STAMP, STAMP, _workspace_name(size), slug, "bench.example"],
        )
        cursor.execute("SELECT id FROM workspaces_workspace WHERE slug = %s", [slug])
        return cursor.fetchone()[0]


def _load_sqlite(connection, rows) -> None:
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    # Secondary indexes are cheaper to build once at the end than to grow row by row.
    indexes = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name = 'ecosystem_partnership'"
    ).fetchall()
    # Django's connection is in autocommit mode: one transaction for the whole load, not per row.
    raw.execute("BEGIN")
    for name, _sql in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    for table, batch in zip(COLUMNS, rows, strict=True):
        marks = ", ".join("?" * len(COLUMNS[table].split(",")))
        raw.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", batch)
    for _name, sql in indexes:
        raw.execute(sql)
    raw.execute("COMMIT")
    raw.execute("ANALYZE")
    raw.execute("PRAGMA foreign_keys = ON")


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _load_postgresql(connection, rows) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Generated rows are consistent by construction; foreign-key triggers for 5M rows would
        # queue millions of deferred checks (a superuser-only switch, fine for a benchmark).
        raw.execute("SET session_replication_role = replica")
        for table, batch in zip(COLUMNS, rows, strict=True):
            with raw.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                buffer = []
                for row in batch:
                    buffer.append("\t".join(_copy_text(v) for v in row))
                    if len(buffer) >= 50_000:
                        copy.write("\n".join(buffer) + "\n")
                        buffer.clear()
                if buffer:
                    copy.write("\n".join(buffer) + "\n")
        raw.execute("SET session_replication_role = DEFAULT")
        for table in COLUMNS:
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")  # fmt: skip
            raw.execute(f"ANALYZE {table}")


# --- The reference: numpy adjacency and bincount, per call -----------------------------------


class Reference:
    """The same answers, computed per call from CSR arrays of the generated world."""

    def __init__(self, world: World):
        n = world.n
        source = np.concatenate([world.a, world.b])
        target = np.concatenate([world.b, world.a])
        order = np.argsort(source, kind="stable")
        self.indices = target[order]
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(source, minlength=n), out=self.indptr[1:])
        self.world = world
        ranks = sorted(range(n), key=lambda i: (world.names[i].casefold(), i))
        self.name_rank = np.empty(n, dtype=np.int64)
        self.name_rank[ranks] = np.arange(n)
        status = world.status
        # Plain arrays of numbers: what a numpy implementation holds (no per-call string work).
        self.active_or_inactive = (status == "active") | (status == "inactive")
        self.no_status = status == ""
        self.status_fit = np.select(
            [status == "active", status == "prospect", status == "inactive", status == ""],
            [1.0, 0.6, 0.3, 0.2],
            0.0,
        )
        self.is_customer = world.kind == KINDS.index("customer")
        touched = np.fmax(world.status_changed, world.partner_since)
        since = np.full(n, np.nan)
        for node, day in world.us_since.items():
            since[node] = day
        self.last_touch = np.fmax(touched, since)
        self.tag_masks = {}
        for index, (tag_type, name) in enumerate(TAGS):
            mask = np.zeros(n, dtype=bool)
            mask[world.tag_org[world.tag_idx == index]] = True
            self.tag_masks[f"{tag_type}:{name}"] = mask

    def partners(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def ours(self) -> np.ndarray:
        linked = np.zeros(self.world.n, dtype=bool)
        linked[self.partners(self.world.us)] = True
        ours = self.active_or_inactive | (linked & self.no_status)
        ours[self.world.us] = False
        return ours

    def our_count(self, ours: np.ndarray) -> np.ndarray:
        lists = [self.partners(p) for p in np.flatnonzero(ours)]
        return np.bincount(np.concatenate(lists), minlength=self.world.n)

    def konnections(self, node: int):
        ours = self.ours()
        count = self.our_count(ours)
        rows = self.partners(node)
        rows = rows[rows != self.world.us]
        common = count[rows] - int(ours[node])
        order = np.lexsort((self.name_rank[rows], -common))
        return rows[order], ours[rows][order], common[order]

    def candidates(self, core: int, today: date, limit: int = 25):
        n = self.world.n
        ours = self.ours()
        count = self.our_count(ours)
        partners = self.partners(core)
        direct = np.zeros(n, dtype=bool)
        direct[partners] = True
        shared = np.bincount(np.concatenate([self.partners(p) for p in partners]), minlength=n)
        common = count - (ours[core] & direct)
        hits = sum(self.tag_masks[label].astype(np.int64) for label in ICP)
        people = np.minimum(self.world.people, 3) / 3
        age = today.toordinal() - self.last_touch
        recency = np.where(np.isnan(age), 0.0, np.clip(1.0 - age / 730, 0.0, 1.0))
        activity = 0.5 * people + 0.5 * recency
        core_fit = np.where(direct, 1.0, 0.5 * np.minimum(shared, 10) / 10)
        weights = {"core": 3.0, "common": 3.0, "tags": 3.0, "status": 1.0, "activity": 1.0}
        score = (
            100.0
            * (
                weights["core"] * core_fit
                + weights["common"] * (np.minimum(common, 5) / 5)
                + weights["tags"] * (hits / len(ICP))
                + weights["status"] * self.status_fit
                + weights["activity"] * activity
            )
            / sum(weights.values())
        )
        pool = (direct | (shared > 0) | (common > 0)) & ~self.is_customer
        pool[core] = pool[self.world.us] = False
        members = np.flatnonzero(pool)
        best = members[np.lexsort((self.name_rank[members], -score[members]))[:limit]]
        return best, score[best], common[best], shared[best]


# --- Timing ------------------------------------------------------------------------------------


def race(ours, reference, runs: int) -> tuple[float, object, float, object]:
    """Median seconds of each, runs interleaved so both meet the same machine load."""
    ours_answer, reference_answer = ours(), reference()  # warm: caches, the graph in memory
    ours_times, reference_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        ours_answer = ours()
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        reference_answer = reference()
        reference_times.append(time.perf_counter() - started)
    return (
        statistics.median(ours_times),
        ours_answer,
        statistics.median(reference_times),
        reference_answer,
    )


def pick_nodes(reference: Reference) -> dict[str, int]:
    degree = np.diff(reference.indptr)
    degree_us = degree.copy()
    degree_us[reference.world.us] = -(10**9)
    picks = {}
    for which, target in (
        ("typical", np.median(degree)),
        ("p99", np.percentile(degree, 99)),
        ("hub", degree.max()),
    ):
        picks[which] = int(np.argmin(np.abs(degree_us - target)))
    return picks


def measure(size: str, runs: int) -> dict:
    from django.db import connection
    from django.http import QueryDict
    from django_scopes import scope

    from roundtable.ecosystem import graph
    from roundtable.ecosystem.models import Organization
    from roundtable.workspaces.models import Workspace

    n, m = SIZES[size]
    started = time.perf_counter()
    world = generate(n, m)
    print(f"# generated {n:,} organizations, {m:,} edges in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    workspace_id = load(world, size)
    workspace = Workspace.objects.get(pk=workspace_id)
    reference = Reference(world)
    picks = pick_nodes(reference)
    vendor = connection.vendor
    results = {"database": vendor, "measures": {}, "degrees": {}}

    graph.SNAPSHOTS.clear()
    started = time.perf_counter()
    snap = graph.snapshot(workspace)
    build = time.perf_counter() - started
    results["build"] = {
        "total": build,
        "edges": snap.edges.seconds,
        "edge_count": snap.edges.edge_count,
    }
    print(
        f"konnections-build[{vendor}] {build:.2f} s for {snap.edges.edge_count:,} edges "
        f"(edge layer {snap.edges.seconds:.2f} s; the rest: directory and our partners)",
        flush=True,
    )
    today = date.today()
    with scope(workspace=workspace):
        for which, node in picks.items():
            organization = Organization.objects.get(pk=ORG_OFFSET + node)
            degree = int(reference.indptr[node + 1] - reference.indptr[node])
            results["degrees"][which] = degree

            def ours_konnections(organization=organization):
                form = graph.KonnectionsFilter(QueryDict())
                form.is_valid()
                return graph.konnections(workspace, organization, form)

            ours_time, ours, ref_time, ref = race(
                ours_konnections, lambda node=node: reference.konnections(node), runs
            )
            same = (
                np.array_equal(ours.ids, ref[0] + ORG_OFFSET)
                and np.array_equal(ours.mutual, ref[1])
                and np.array_equal(ours.common, ref[2])
            )
            _report(results, vendor, f"konnections-{which}", ours_time, ref_time, same, degree)

            query = QueryDict(mutable=True)
            query["core"] = str(organization.uuid)
            query.setlist("tag", ICP)

            def ours_candidates(query=query):
                form = graph.CandidateFilter(query)
                if not form.is_valid():
                    raise SystemExit(f"candidate form: {form.errors}")
                return graph.rank_candidates(workspace, form, today=today)

            ours_time, ours, ref_time, ref = race(
                ours_candidates, lambda node=node: reference.candidates(node, today), runs
            )
            ids = np.array([row.organization_id for row in ours.rows]) - ORG_OFFSET
            same = (
                np.array_equal(ids, ref[0])
                and np.allclose([row.score for row in ours.rows], ref[1], rtol=0, atol=1e-9)
                and [row.common for row in ours.rows] == ref[2].tolist()
                and [row.shared_with_core for row in ours.rows] == ref[3].tolist()
            )
            _report(results, vendor, f"candidates-{which}", ours_time, ref_time, same, degree)
    return results


def _report(results, vendor, name, ours, reference, same, degree) -> None:
    results["measures"][name] = {"ours": ours, "reference": reference, "same": bool(same)}
    verdict = "" if same else "  ANSWERS DIFFER FROM THE REFERENCE"
    print(
        f"{name}[{vendor}] ours={ours:.6f} reference={reference:.6f} "
        f"ratio={ours / reference:.2f} (degree {degree:,}){verdict}",
        flush=True,
    )


# --- Processes: one per database ---------------------------------------------------------------


def worker(size: str, runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    # Production settings: DEBUG records every SQL statement, which is not what users run.
    os.environ.update(DEBUG="0", SECRET_KEY="benchmark-only-" + "x" * 40, ALLOWED_HOSTS="localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = measure(size, runs)
    print("RESULT " + json.dumps(results), flush=True)
    if not all(m["same"] for m in results["measures"].values()):
        sys.exit(1)


def postgresql_url(size: str) -> str | None:
    """A database of the benchmark's own on the server DATABASE_URL names (created if needed)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    name = f"{settings['NAME']}_bench_konnections_{size}"
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def run_database(database: str, size: str, runs: int) -> dict:
    environment = dict(os.environ)
    if database == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        environment["DATABASE_URL"] = f"sqlite:///{folder / f'konnections-{size}.sqlite3'}"
    else:
        environment["DATABASE_URL"] = postgresql_url(size)
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.konnections", "--size", size, "--runs", str(runs),
         "--worker"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    result = None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit(f"the {database} run failed (exit {process.returncode})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="both: SQLite, and PostgreSQL too when DATABASE_URL points at it",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per measure")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        worker(options.size, options.runs)
        return
    databases = ["sqlite"] if options.database in {"sqlite", "both"} else []
    if options.database in {"postgresql", "both"} and postgresql_url(options.size):
        databases.append("postgresql")
    if not databases:
        raise SystemExit("--database postgresql needs DATABASE_URL=postgres://…")
    results = [run_database(database, options.size, options.runs) for database in databases]
    for which in WHICH:
        for measure_name in MEASURES:
            name = f"{measure_name}-{which}"
            # The contract line carries the database where we did worst.
            worst = max(
                (r["measures"][name] for r in results), key=lambda m: m["ours"] / m["reference"]
            )
            ours, reference = worst["ours"], worst["reference"]
            print(f"{name} ours={ours:.6f} reference={reference:.6f} ratio={ours / reference:.2f}")


if __name__ == "__main__":
    main()
