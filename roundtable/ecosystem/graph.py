"""The partnership graph in memory: Konnections, mutual partners, Circle candidates, the map.

Why in memory: "who partners with whom, and how many of our partners partner with them" is a
common-neighbour question. An indexed SQL self-join answers it in ~30 ms for a typical partner and
~2.5 s for a hub of a 5M-edge workspace; numpy CSR adjacency + `bincount` answers in ~1 ms / ~40 ms
(NOTES.md, benchmarks/konnections.py). So each process keeps, per workspace:

- an *edge layer*: CSR adjacency (indptr/indices) over dense node indexes, loaded from the
  Partnership table with one query. The expensive part (seconds at 5M edges), so it is rebuilt
  only when an edge appears or disappears;
- a *directory layer*: per-organization status, kind, people count, tags and name order. Cheap;
  rebuilt when organizations, people or tags change.

Each layer has a version: a random token in Django's cache, which is the DatabaseCache shared by
every process. A change schedules a bump (signals below, `bump_graph_version` for bulk writes);
the bump is written in the changing transaction (so it commits or rolls back with the change) and
at the latest when that transaction commits. A reader compares tokens (one cache read) and
rebuilds a layer whose token moved. Nothing assumes one process.
"""

import math
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_scopes import scope

from roundtable.ecosystem.choices import (
    OrgKind,
    PartnershipKind,
    PartnershipSource,
    PartnerStatus,
    TagType,
)
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag

EDGES = "edges"
DIRECTORY = "directory"
LAYERS = (EDGES, DIRECTORY)
# Snapshots kept per process (least recently used dropped first): a 5M-edge workspace takes ~60 MB.
KEEP_WORKSPACES = 8

KIND_CODES = {value: code for code, value in enumerate(OrgKind.values)}
STATUS_CODES = {value: code for code, value in enumerate(PartnerStatus.values)}
ACTIVE, PROSPECT, INACTIVE, CHURNED, NONE = (
    STATUS_CODES[s]
    for s in (
        PartnerStatus.ACTIVE,
        PartnerStatus.PROSPECT,
        PartnerStatus.INACTIVE,
        PartnerStatus.CHURNED,
        PartnerStatus.NONE,
    )
)


# --- Versions -------------------------------------------------------------------------------


def _version_key(workspace_id: int, layer: str) -> str:
    return f"ecosystem-graph:{workspace_id}:{layer}"


def _pending() -> set[str]:
    """Bumps scheduled on this thread's database connection and not yet written."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not hasattr(connection, "roundtable_graph_bumps"):
        connection.roundtable_graph_bumps = set()
    return connection.roundtable_graph_bumps


def _write_pending() -> None:
    pending = _pending()
    if pending:
        cache.set_many({key: uuid.uuid4().hex for key in pending}, timeout=None)
        pending.clear()


def bump_graph_version(workspace, *, edges: bool = True, directory: bool = True) -> None:
    """Tell every process that this workspace's graph changed.

    Call it after writes that skip model signals (bulk_create, queryset.update, raw SQL), e.g. at
    the end of an import. Inside a transaction the bumps of many rows coalesce into one write.
    """
    workspace_id = getattr(workspace, "pk", workspace)
    layers = [layer for layer, wanted in ((EDGES, edges), (DIRECTORY, directory)) if wanted]
    _pending().update(_version_key(workspace_id, layer) for layer in layers)
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # Registered per bump: a rolled-back savepoint discards its callbacks, not ours.
        transaction.on_commit(_write_pending)
    else:
        _write_pending()


def graph_versions(workspace_id: int) -> tuple[str, str]:
    """(edges token, directory token) as every process sees them; one cache read."""
    # This connection's own uncommitted changes must show in its own reads (and in tests, which
    # run inside one transaction that never commits).
    _write_pending()
    keys = [_version_key(workspace_id, layer) for layer in LAYERS]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # First use, or the cache dropped the key: any new token forces a rebuild everywhere.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return found[keys[0]], found[keys[1]]


@receiver(post_save, sender=Partnership, dispatch_uid="graph-edge-saved")
def _edge_saved(sender, instance, created, raw=False, **kwargs):
    # A changed edge leaves the adjacency as it was; only our partnerships' `since` (read with
    # the cheap directory layer) may have moved.
    if not raw:
        bump_graph_version(instance.workspace_id, edges=created, directory=not created)


@receiver(post_delete, sender=Partnership, dispatch_uid="graph-edge-deleted")
def _edge_deleted(sender, instance, **kwargs):
    bump_graph_version(instance.workspace_id, directory=False)


@receiver(post_save, sender=Organization, dispatch_uid="graph-organization-saved")
@receiver(post_save, sender=Person, dispatch_uid="graph-person-saved")
@receiver(post_delete, sender=Person, dispatch_uid="graph-person-deleted")
@receiver(post_delete, sender=Tag, dispatch_uid="graph-tag-deleted")
def _directory_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_graph_version(instance.workspace_id, edges=False)


@receiver(post_delete, sender=Organization, dispatch_uid="graph-organization-deleted")
def _organization_deleted(sender, instance, **kwargs):
    bump_graph_version(instance.workspace_id)


@receiver(m2m_changed, sender=Organization.tags.through, dispatch_uid="graph-tags-changed")
def _tags_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_graph_version(instance.workspace_id, edges=False)


# --- Layers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeLayer:
    """CSR adjacency: node i's partners are indices[indptr[i]:indptr[i + 1]] (node indexes)."""

    token: str
    nodes: np.ndarray  # int64 organization ids, ascending; node index = position
    indptr: np.ndarray  # int64, len(nodes) + 1
    indices: np.ndarray  # int32
    edge_count: int
    seconds: float


@dataclass(frozen=True)
class DirectoryLayer:
    """What the ranking needs of every organization, in organization-id order."""

    token: str
    ids: np.ndarray  # int64 organization ids, ascending
    us: int  # our own organization's id, or -1
    status: np.ndarray  # int8 STATUS_CODES
    kind: np.ndarray  # int8 KIND_CODES
    people: np.ndarray  # int32 people we know there
    name_rank: np.ndarray  # int32 position in case-insensitive name order
    touched: np.ndarray  # float64 day number of the status change or partner_since; nan: never
    tag_org: np.ndarray  # int64 organization id of each (organization, tag) pair
    tag_id: np.ndarray  # int64 tag id of each pair
    seconds: float


def _day(value) -> float:
    return float(value.toordinal()) if value is not None else math.nan


def _load_pairs_sqlite(cursor, workspace_id: int) -> tuple[np.ndarray, np.ndarray]:
    # Python's sqlite3 builds a tuple per row (~6 s for 5M rows here); asking SQLite for one
    # "a,b,a,b…" string (~90 MB at 5M edges, for a moment) and parsing it with numpy: ~2.5 s.
    cursor.execute(
        "SELECT group_concat(org_a_id || ',' || org_b_id, ',') FROM ecosystem_partnership"
        " WHERE workspace_id = %s",
        [workspace_id],
    )
    text = cursor.fetchone()[0]
    if not text:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pairs = np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _load_pairs_postgresql(connection, workspace_id: int) -> tuple[np.ndarray, np.ndarray]:
    # One bytea of big-endian int8 pairs, built by the server and sent in binary: ~1.6 s for 5M
    # edges. (COPY TO STDOUT hands Python one message per row: ~7 s.)
    import psycopg  # only here: SQLite installs need not have it

    connection.ensure_connection()
    # Django's cursors bind parameters client-side, which rules out binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            "SELECT string_agg(int8send(org_a_id) || int8send(org_b_id), ''::bytea)"
            " FROM ecosystem_partnership WHERE workspace_id = %s",
            [workspace_id],
            binary=True,
        )
        data = cursor.fetchone()[0]
    if not data:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pairs = np.frombuffer(data, dtype=">i8").astype(np.int64).reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _load_pairs(workspace_id: int) -> tuple[np.ndarray, np.ndarray]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        return _load_pairs_postgresql(connection, workspace_id)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _load_pairs_sqlite(cursor, workspace_id)
        cursor.execute(
            "SELECT org_a_id, org_b_id FROM ecosystem_partnership WHERE workspace_id = %s",
            [workspace_id],
        )
        pairs = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]


def _dense(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(node ids ascending, a as node indexes, b as node indexes)."""
    if len(a) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.int32)
    low, high = int(min(a.min(), b.min())), int(max(a.max(), b.max()))
    span = high - low + 1
    if span <= 4 * len(a) + 1_000_000:
        # Ids of one workspace are usually dense: a lookup table beats sorting 2 × edges ids.
        present = np.zeros(span, dtype=bool)
        present[a - low] = True
        present[b - low] = True
        nodes = np.flatnonzero(present).astype(np.int64) + low
        lookup = np.full(span, -1, dtype=np.int32)
        lookup[nodes - low] = np.arange(len(nodes), dtype=np.int32)
        return nodes, lookup[a - low], lookup[b - low]
    nodes = np.unique(np.concatenate([a, b]))
    return (
        nodes,
        np.searchsorted(nodes, a).astype(np.int32),
        np.searchsorted(nodes, b).astype(np.int32),
    )


def build_edge_layer(workspace_id: int, token: str) -> EdgeLayer:
    started = time.perf_counter()
    a, b = _load_pairs(workspace_id)
    nodes, ia, ib = _dense(a, b)
    n = len(nodes)
    source = np.concatenate([ia, ib])
    target = np.concatenate([ib, ia])
    order = np.argsort(source, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=indptr[1:])
    return EdgeLayer(
        token=token,
        nodes=nodes,
        indptr=indptr,
        indices=target[order].astype(np.int32, copy=False),
        edge_count=len(a),
        seconds=time.perf_counter() - started,
    )


def build_directory_layer(workspace_id: int, token: str) -> DirectoryLayer:
    started = time.perf_counter()
    organizations = list(
        Organization.objects.filter(workspace_id=workspace_id)
        .order_by("id")
        .values_list("id", "name", "status", "kind", "is_us", "status_changed_at", "partner_since")
    )
    ids = np.fromiter((row[0] for row in organizations), dtype=np.int64, count=len(organizations))
    by_name = sorted(range(len(organizations)), key=lambda i: (organizations[i][1].casefold(), i))
    name_rank = np.empty(len(organizations), dtype=np.int32)
    name_rank[by_name] = np.arange(len(organizations), dtype=np.int32)
    other_kind = KIND_CODES[OrgKind.OTHER]
    status = np.array([STATUS_CODES.get(row[2], NONE) for row in organizations], dtype=np.int8)
    kind = np.array([KIND_CODES.get(row[3], other_kind) for row in organizations], dtype=np.int8)
    touched = np.array(
        [
            max(_day(row[5].date() if row[5] else None), _day(row[6]), key=_nan_low)
            for row in organizations
        ],
        dtype=np.float64,
    )
    us = next((row[0] for row in organizations if row[4]), -1)
    people = np.zeros(len(organizations), dtype=np.int32)
    counted = (
        Person.objects.filter(workspace_id=workspace_id)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for organization_id, n in counted:
        position = np.searchsorted(ids, organization_id)
        if position < len(ids) and ids[position] == organization_id:
            people[position] = n
    pairs = np.array(
        list(
            Organization.tags.through.objects.filter(tag__workspace_id=workspace_id).values_list(
                "organization_id", "tag_id"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    return DirectoryLayer(
        token=token,
        ids=ids,
        us=us,
        status=status,
        kind=kind,
        people=people,
        name_rank=name_rank,
        touched=touched,
        tag_org=pairs[:, 0].copy(),
        tag_id=pairs[:, 1].copy(),
        seconds=time.perf_counter() - started,
    )


def _nan_low(value: float) -> float:
    return -math.inf if math.isnan(value) else value


# --- Snapshot: both layers in node space ----------------------------------------------------


@dataclass
class Snapshot:
    """One workspace's graph and directory, aligned on the edge layer's node indexes.

    Organizations without any partnership are not nodes: nobody's Konnection, no candidate.
    """

    edges: EdgeLayer
    directory_token: str
    status: np.ndarray
    kind: np.ndarray
    people: np.ndarray
    name_rank: np.ndarray
    touched: np.ndarray
    us: int  # node index of our organization, -1 if it has no partnership
    ours: np.ndarray  # bool: we partner with this organization
    our_count: np.ndarray  # int32: how many of our partners partner with it
    our_since: np.ndarray  # float64 day number our partnership began (edge `since`), nan
    tag_node: np.ndarray  # int32 node index per (organization, tag) pair; -1: not a node
    tag_id: np.ndarray
    _tag_masks: dict = field(default_factory=dict)
    _activity: tuple | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def nodes(self) -> np.ndarray:
        return self.edges.nodes

    @property
    def size(self) -> int:
        return len(self.edges.nodes)

    def index_of(self, organization_id: int) -> int:
        position = int(np.searchsorted(self.nodes, organization_id))
        if position < self.size and self.nodes[position] == organization_id:
            return position
        return -1

    def neighbours(self, node: int) -> np.ndarray:
        if node < 0:
            return np.empty(0, dtype=np.int32)
        return self.edges.indices[self.edges.indptr[node] : self.edges.indptr[node + 1]]

    def gather(self, nodes: np.ndarray) -> np.ndarray:
        """The concatenated partner lists of `nodes` (with repeats): bincount's input."""
        return gather(self.edges.indptr, self.edges.indices, nodes)

    def tag_mask(self, tag_id: int) -> np.ndarray:
        mask = self._tag_masks.get(tag_id)
        if mask is None:
            mask = np.zeros(self.size, dtype=bool)
            members = self.tag_node[(self.tag_id == tag_id) & (self.tag_node >= 0)]
            mask[members] = True
            self._tag_masks[tag_id] = mask
        return mask

    def tag_hits(self, tag_ids: list[int]) -> np.ndarray:
        hits = np.zeros(self.size, dtype=np.int32)
        for tag_id in tag_ids:
            hits += self.tag_mask(tag_id)
        return hits

    def activity(self, today: date) -> np.ndarray:
        """Activity of every node today: see `activity`. Cached for the day."""
        with self._lock:
            if self._activity is None or self._activity[0] != today:
                self._activity = (today, activity(self.people, self.last_touch, today))
            return self._activity[1]

    @property
    def last_touch(self) -> np.ndarray:
        """Day number of the latest status change or partnership start; nan: none known."""
        return np.fmax(self.touched, self.our_since)

    def common_neighbours(self, nodes: np.ndarray) -> np.ndarray:
        """For every node, how many of `nodes` it partners with (the bincount of their lists).

        Past a third of all edges (a hub's partners), one pass over the adjacency counts the
        marked partners of every node instead: 10M array reads beat gathering, then counting,
        the same order of entries through a scattered bincount.
        """
        edges = self.edges
        if len(nodes) == 0:
            return np.zeros(self.size, dtype=np.int64)
        degrees = edges.indptr[nodes + 1] - edges.indptr[nodes]
        if int(degrees.sum()) * 3 < len(edges.indices):
            return np.bincount(self.gather(nodes), minlength=self.size)
        marked = np.zeros(self.size, dtype=np.uint8)
        marked[nodes] = 1
        # Every node has a partnership (nodes are edge ends), so no row of the CSR is empty.
        return np.add.reduceat(marked[edges.indices], edges.indptr[:-1], dtype=np.int64)


def gather(indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """indices of every row in `nodes`, concatenated, without a Python loop over the rows."""
    starts = indptr[nodes]
    lengths = indptr[np.asarray(nodes) + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=indices.dtype)
    # Position p of the output belongs to row r: indices[starts[r] + (p - offset[r])].
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    shift += np.arange(total, dtype=np.int64)
    return indices[shift]


def _combine(edges: EdgeLayer, directory: DirectoryLayer, workspace_id: int) -> Snapshot:
    n = len(edges.nodes)
    at = np.searchsorted(directory.ids, edges.nodes)
    at = np.minimum(at, max(len(directory.ids) - 1, 0))
    known = (directory.ids[at] == edges.nodes) if len(directory.ids) else np.zeros(n, dtype=bool)

    def aligned(values, missing, dtype):
        out = np.full(n, missing, dtype=dtype)
        out[known] = values[at[known]]
        return out

    status = aligned(directory.status, NONE, np.int8)
    snapshot = Snapshot(
        edges=edges,
        directory_token=directory.token,
        status=status,
        kind=aligned(directory.kind, KIND_CODES[OrgKind.OTHER], np.int8),
        people=aligned(directory.people, 0, np.int32),
        name_rank=aligned(directory.name_rank, np.iinfo(np.int32).max, np.int32),
        touched=aligned(directory.touched, np.nan, np.float64),
        us=-1,
        ours=np.zeros(n, dtype=bool),
        our_count=np.zeros(n, dtype=np.int32),
        our_since=np.full(n, np.nan),
        tag_node=np.empty(0, np.int32),
        tag_id=directory.tag_id,
    )
    tag_at = np.searchsorted(edges.nodes, directory.tag_org)
    tag_at = np.minimum(tag_at, max(n - 1, 0))
    tag_known = (edges.nodes[tag_at] == directory.tag_org) if n else np.zeros(0, dtype=bool)
    snapshot.tag_node = np.where(tag_known, tag_at, -1).astype(np.int32)
    us = snapshot.index_of(directory.us) if directory.us >= 0 else -1
    snapshot.us = us
    snapshot.ours = our_partner_mask(status, snapshot.neighbours(us), us)
    snapshot.our_count = np.bincount(
        snapshot.gather(np.flatnonzero(snapshot.ours)), minlength=n
    ).astype(np.int32)
    if us >= 0:
        since = Partnership.objects.filter(workspace_id=workspace_id, since__isnull=False)
        rows = since.filter(org_a_id=directory.us).values_list("org_b_id", "since")
        rows = list(rows) + list(
            since.filter(org_b_id=directory.us).values_list("org_a_id", "since")
        )
        for organization_id, began in rows:
            node = snapshot.index_of(organization_id)
            if node >= 0:
                snapshot.our_since[node] = _day(began)
    return snapshot


def our_partner_mask(status: np.ndarray, linked_to_us: np.ndarray, us: int) -> np.ndarray:
    """Who "we partner with": an active or inactive partner status, or a partnership edge with
    our organization when no status says otherwise (prospects and churned partners are not)."""
    ours = (status == ACTIVE) | (status == INACTIVE)
    linked = np.zeros(len(status), dtype=bool)
    linked[linked_to_us] = True
    ours |= linked & (status == NONE)
    if us >= 0:
        ours[us] = False
    return ours


class _Snapshots:
    """This process's snapshots, per workspace, rebuilt when a version token moves."""

    def __init__(self):
        self._lock = threading.Lock()
        self._building: dict[int, threading.Lock] = {}
        self._edges: OrderedDict[int, EdgeLayer] = OrderedDict()
        self._directories: dict[int, DirectoryLayer] = {}
        self._snapshots: dict[int, Snapshot] = {}

    def get(self, workspace_id: int) -> Snapshot:
        edges_token, directory_token = graph_versions(workspace_id)
        current = self._snapshots.get(workspace_id)
        if (
            current is not None
            and current.edges.token == edges_token
            and current.directory_token == directory_token
        ):
            with self._lock:
                self._edges.move_to_end(workspace_id)
            return current
        with self._lock:
            building = self._building.setdefault(workspace_id, threading.Lock())
        # One build per workspace at a time in this process; other threads wait and reuse it.
        with building:
            edges = self._edges.get(workspace_id)
            if edges is None or edges.token != edges_token:
                edges = build_edge_layer(workspace_id, edges_token)
            directory = self._directories.get(workspace_id)
            if directory is None or directory.token != directory_token:
                directory = build_directory_layer(workspace_id, directory_token)
            snapshot = _combine(edges, directory, workspace_id)
            with self._lock:
                self._edges[workspace_id] = edges
                self._edges.move_to_end(workspace_id)
                self._directories[workspace_id] = directory
                self._snapshots[workspace_id] = snapshot
                while len(self._edges) > KEEP_WORKSPACES:
                    dropped, _ = self._edges.popitem(last=False)
                    self._directories.pop(dropped, None)
                    self._snapshots.pop(dropped, None)
            return snapshot

    def clear(self) -> None:
        with self._lock:
            self._edges.clear()
            self._directories.clear()
            self._snapshots.clear()


SNAPSHOTS = _Snapshots()


def snapshot(workspace) -> Snapshot:
    """The workspace's graph as of its current versions (built on first use in this process)."""
    with scope(workspace=workspace):
        return SNAPSHOTS.get(workspace.pk)


# --- Activity -------------------------------------------------------------------------------

RECENCY_DAYS = 730
PEOPLE_ENOUGH = 3


def activity(people: np.ndarray, last_touch: np.ndarray, today: date) -> np.ndarray:
    """How alive a relationship is, 0…1, from what the directory holds today: the people we know
    there (a Circle needs people) and how recent the partnership is (the status change or the
    start of the partnership, fading over two years). Leads and meetings join when they exist."""
    people_part = np.minimum(people, PEOPLE_ENOUGH) / PEOPLE_ENOUGH
    age = today.toordinal() - last_touch
    recency = np.where(np.isnan(age), 0.0, np.clip(1.0 - age / RECENCY_DAYS, 0.0, 1.0))
    return 0.5 * people_part + 0.5 * recency


def activity_words(people: int, last_touch: float, today: date) -> str:
    """The activity reason in words; it names only what the score used."""
    words = [f"{people} {'person' if people == 1 else 'people'} known" if people else "no people"]
    if not math.isnan(last_touch):
        days = today.toordinal() - int(last_touch)
        words.append(f"partnership last changed {_ago(days)}")
    return ", ".join(words)


def _ago(days: int) -> str:
    if days < 1:
        return "today"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


# --- Filters: one definition for the page, the API, the CSV export and the CLI ---------------

SINGLE_VALUED_TAG_TYPES = {TagType.SIZE: "size band"}


def resolve_tags(labels: list[str]) -> list[Tag]:
    """TYPE:VALUE labels → the workspace's tags; unknown or contradictory ones raise."""
    # actions imports this module (graph-version bumps), so its parser is imported late.
    from roundtable.ecosystem.actions import parse_tag

    wanted = []
    for label in dict.fromkeys(label.strip() for label in labels if label and label.strip()):
        if "\x00" in label or len(label) > 120:
            raise ValidationError("A tag is TYPE:VALUE, at most 100 characters of value.")
        try:
            wanted.append(parse_tag(label))
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from error
    if not wanted:
        return []
    known = {(tag.type, tag.name.casefold()): tag for tag in Tag.objects.all()}
    tags = []
    for tag_type, name in wanted:
        tag = known.get((tag_type, name.casefold()))
        if tag is None:
            raise ValidationError(f"There is no tag “{tag_type}:{name}” in this workspace.")
        tags.append(tag)
    for tag_type, word in SINGLE_VALUED_TAG_TYPES.items():
        same = [tag.name for tag in tags if tag.type == tag_type]
        if len(same) > 1:
            raise ValidationError(
                f"An organization has one {word}, so {' and '.join(same)} together match "
                f"nothing: choose one {word}."
            )
    return list(dict.fromkeys(tags))


class TagLabels(forms.Field):
    """Repeated `tag=TYPE:VALUE` parameters, resolved to the workspace's tags."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        return [value] if isinstance(value, str) else [str(item) for item in value]

    def clean(self, value):
        return resolve_tags(self.to_python(value))


KONNECTION_SORTS = {
    "name": "Organization",
    "kind": "Kind",
    "tags": "Tags",
    "status": "Status",
    "mutual": "You partner too",
    "link_kind": "Partnership kind",
    "source": "Source",
    "since": "Partners since",
    "common": "Our partners",
}
MUTUAL_CHOICES = [("", "All"), ("only", "Mutual only"), ("none", "Not mutual")]


class KonnectionsFilter(forms.Form):
    """Filters and order of a Konnections list (and of a mutual-partners list)."""

    tag = TagLabels(required=False, help_text="TYPE:VALUE; every tag must match")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *OrgKind.choices])
    link_kind = forms.ChoiceField(
        required=False, choices=[("", "Any partnership"), *PartnershipKind.choices]
    )
    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *PartnershipSource.choices]
    )
    mutual = forms.ChoiceField(required=False, choices=MUTUAL_CHOICES)
    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Default")]
        + list(KONNECTION_SORTS.items())
        + [(f"-{key}", f"{label} (descending)") for key, label in KONNECTION_SORTS.items()],
    )

    def clean(self):
        # A field of one value named twice with different values ('mutual=only&mutual=none')
        # contradicts itself: say so rather than silently keep the last one.
        data = super().clean()
        if hasattr(self.data, "getlist"):
            for name, field in self.fields.items():
                if isinstance(field, forms.ChoiceField) and len(set(self.data.getlist(name))) > 1:
                    self.add_error(name, "Give one value, not several that contradict each other.")
        return data

    @property
    def sort_key(self) -> str:
        return (self.cleaned_data.get("sort") or "-common") if self.is_valid() else "-common"

    def needs_edge_details(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("link_kind")
            or data.get("source")
            or self.sort_key.lstrip("-") in {"link_kind", "source", "since"}
        )


WEIGHTS = {
    "core": ("Partnership with the core partner", 3.0),
    "common": ("Our partners in common", 3.0),
    "tags": ("ICP tag fit", 3.0),
    "status": ("Our partnership status", 1.0),
    "activity": ("Activity", 1.0),
}
MAX_WEIGHT = 10.0
MAX_CANDIDATES = 200
STATUS_FIT = {ACTIVE: 1.0, PROSPECT: 0.6, INACTIVE: 0.3, NONE: 0.2, CHURNED: 0.0}
STATUS_WORDS = {
    ACTIVE: "active partner",
    PROSPECT: "prospect",
    INACTIVE: "inactive partner",
    NONE: "not our partner yet",
    CHURNED: "churned partner",
}
STATUS_FIT_BY_CODE = np.array([STATUS_FIT[code] for code in range(len(STATUS_CODES))])
# Shared partners with the core count up to this many; a direct partnership counts as full fit.
SHARED_ENOUGH = 10
COMMON_ENOUGH = 5


def find_organization(text: str):
    """An organization of the current workspace by uuid, domain or exact name (any case)."""
    from roundtable.core.domains import registrable_domain

    text = (text or "").strip()
    if not text or "\x00" in text:
        return None
    try:
        found = Organization.objects.filter(uuid=uuid.UUID(text)).first()
    except ValueError:
        found = None
    if found is None:
        domain = registrable_domain(text) if "." in text else ""
        if domain:
            found = Organization.objects.filter(domain=domain).first()
    if found is None:
        named = list(Organization.objects.filter(name__iexact=text)[:2])
        if len(named) > 1:
            raise ValidationError(
                f"Several organizations are named “{text}”: name it by its website or uuid."
            )
        found = named[0] if named else None
    return found


class CandidateFilter(forms.Form):
    """A core partner, an ICP and the weights of the ranking."""

    core = forms.CharField(max_length=500, help_text="The core partner: its name, website or uuid")
    tag = TagLabels(required=False, help_text="The ICP as TYPE:VALUE tags")
    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any kind but customers"),
            *[c for c in OrgKind.choices if c[0] != "customer"],
        ],
    )
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_CANDIDATES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, default) in WEIGHTS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=default,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": MAX_WEIGHT}),
            )

    def clean_core(self):
        organization = find_organization(self.cleaned_data["core"])
        if organization is None:
            raise ValidationError(
                f"No organization “{self.cleaned_data['core']}” in this workspace."
            )
        if organization.is_us:
            raise ValidationError(
                "That is your own company: choose a partner as the core of the Circle."
            )
        return organization

    def clean(self):
        data = super().clean()
        weights = self.weights()
        if not any(self.errors) and not any(weights.values()):
            raise ValidationError("Give at least one weight a value above zero.")
        return data

    def weights(self) -> dict[str, float]:
        data = getattr(self, "cleaned_data", {})
        chosen = {}
        for name, (_label, default) in WEIGHTS.items():
            value = data.get(f"weight_{name}")
            chosen[name] = default if value is None else float(value)
        return chosen

    @property
    def limit_value(self) -> int:
        return self.cleaned_data.get("limit") or 25


def form_errors(form: forms.Form) -> list[tuple[str, str]]:
    """(field, message) pairs of a form's errors ('__all__': about the form as a whole)."""
    return [(field, " ".join(errors)) for field, errors in form.errors.items()]


# --- Konnections ----------------------------------------------------------------------------


@dataclass
class NodeList:
    """Organizations in display order with their graph facts; details are loaded per page."""

    ids: np.ndarray  # int64 organization ids
    mutual: np.ndarray  # bool: we partner with them too
    common: np.ndarray  # int32: how many (other) partners of ours partner with them
    our_since: np.ndarray  # float64 day number, nan
    total: int  # before filters
    total_mutual: int
    edge_details: dict | None = None  # organization id → (kind, source, since) when loaded

    def __len__(self) -> int:
        return len(self.ids)


def _edge_details(organization_id: int, ids=None) -> dict[int, tuple[str, str, date | None]]:
    """(kind, source, since) of `organization_id`'s partnerships, by the partner's id."""
    found = {}
    # Two index lookups (org_a first, org_b first) rather than one OR that may scan.
    low = Partnership.objects.filter(org_a_id=organization_id)
    high = Partnership.objects.filter(org_b_id=organization_id)
    if ids is not None:
        low, high = low.filter(org_b_id__in=ids), high.filter(org_a_id__in=ids)
    for other, kind, source, since in low.values_list("org_b_id", "kind", "source", "since"):
        found[other] = (kind, source, since)
    for other, kind, source, since in high.values_list("org_a_id", "kind", "source", "since"):
        found[other] = (kind, source, since)
    return found


def _select(snap: Snapshot, rows: np.ndarray, form: KonnectionsFilter, anchors) -> NodeList:
    """Filter and order `rows` (node indexes) as the form says. The first anchor's edges give
    the partnership details; the anchors' own partnerships with the rows are not "in common"."""
    anchor = anchors[0]
    data = form.cleaned_data
    mutual = snap.ours[rows]
    keep = np.ones(len(rows), dtype=bool)
    if data.get("kind"):
        keep &= snap.kind[rows] == KIND_CODES[data["kind"]]
    for tag in data.get("tag", []):
        keep &= snap.tag_mask(tag.pk)[rows]
    if data.get("mutual") == "only":
        keep &= mutual
    elif data.get("mutual") == "none":
        keep &= ~mutual
    details = None
    if form.needs_edge_details() and anchor >= 0:
        details = _edge_details(int(snap.nodes[anchor]))
        ids = snap.nodes[rows]
        if data.get("link_kind"):
            keep &= np.array([details.get(int(i), ("",))[0] == data["link_kind"] for i in ids])
        if data.get("source"):
            keep &= np.array(
                [details.get(int(i), ("", ""))[1] == data["source"] for i in ids], dtype=bool
            )
    total, total_mutual = len(rows), int(mutual.sum())
    rows = rows[keep]
    common = snap.our_count[rows] - sum(int(snap.ours[a]) for a in anchors if a >= 0)
    order = _order(snap, rows, common, form.sort_key, details)
    rows, common = rows[order], common[order]
    return NodeList(
        ids=snap.nodes[rows],
        mutual=snap.ours[rows],
        common=common.astype(np.int32),
        our_since=snap.our_since[rows],
        total=total,
        total_mutual=total_mutual,
        edge_details=details,
    )


def _order(snap, rows, common, sort_key: str, details) -> np.ndarray:
    descending = sort_key.startswith("-")
    column = sort_key.lstrip("-")
    names = snap.name_rank[rows]
    if column == "name":
        key = names
    elif column == "common":
        key = common
    elif column == "mutual":
        # Mutual first when descending; among them the longest partnerships first.
        since = np.nan_to_num(snap.our_since[rows], nan=np.inf)
        ours = snap.ours[rows].astype(np.int8)
        return np.lexsort((names, since, -ours if descending else ours))
    elif column == "kind":
        key = _label_rank(snap.kind[rows], OrgKind.choices)
    elif column == "status":
        key = _label_rank(snap.status[rows], PartnerStatus.choices)
    elif column == "tags":
        key = _first_tag_rank(snap, rows)
    else:
        values = [details.get(int(i)) for i in snap.nodes[rows]]
        if column == "since":
            key = np.array([v[2].toordinal() if v and v[2] else 0 for v in values])
        else:
            position = 0 if column == "link_kind" else 1
            labels = sorted({v[position] if v else "" for v in values})
            key = np.array([labels.index(v[position] if v else "") for v in values])
    key = np.asarray(key, dtype=np.int64)
    # One argsort of a combined key: the column, then the name (ranks are below 2**31).
    combined = (-key if descending else key) * (1 << 32) + names
    return np.argsort(combined)


def _label_rank(codes: np.ndarray, choices) -> np.ndarray:
    labels = [label for _value, label in choices]
    order = sorted(range(len(labels)), key=lambda i: str(labels[i]).casefold())
    rank = np.empty(len(labels), dtype=np.int32)
    rank[order] = np.arange(len(labels), dtype=np.int32)
    return rank[codes]


def _first_tag_rank(snap: Snapshot, rows: np.ndarray) -> np.ndarray:
    """Alphabetical rank of each row's first tag label; untagged rows last."""
    tags = {tag.pk: tag.label.casefold() for tag in Tag.objects.all()}
    rank = {tag_id: i for i, tag_id in enumerate(sorted(tags, key=tags.get))}
    best = np.full(snap.size, len(rank), dtype=np.int64)
    ranks = np.array([rank.get(int(t), len(rank)) for t in snap.tag_id], dtype=np.int64)
    known = snap.tag_node >= 0
    np.minimum.at(best, snap.tag_node[known], ranks[known])
    return best[rows]


def konnections(workspace, organization, form: KonnectionsFilter) -> NodeList:
    """`organization`'s partners (our own company left out), filtered and ordered by `form`."""
    snap = snapshot(workspace)
    with scope(workspace=workspace):
        anchor = snap.index_of(organization.pk)
        rows = snap.neighbours(anchor)
        if snap.us >= 0:
            rows = rows[rows != snap.us]
        return _select(snap, rows, form, [anchor])


def mutual_partners(workspace, a, b, form: KonnectionsFilter) -> NodeList:
    """Organizations that partner with both `a` and `b` (our own company left out). One
    organization twice is refused: it would ask for its own partners under another name."""
    if a.pk == b.pk:
        raise ValidationError(
            {"other": "Choose two different organizations to see what they have in common."}
        )
    snap = snapshot(workspace)
    with scope(workspace=workspace):
        node_a, node_b = snap.index_of(a.pk), snap.index_of(b.pk)
        rows = np.intersect1d(snap.neighbours(node_a), snap.neighbours(node_b))
        rows = rows[(rows != snap.us) & (rows != node_a) & (rows != node_b)]
        return _select(snap, rows.astype(np.int32), form, [node_a, node_b])


@dataclass
class KonnectionRow:
    """One line of a Konnections (or mutual-partners) list, as every consumer shows it."""

    organization: Organization  # only the fields ROW_FIELDS names are loaded
    tags: list[tuple[str, str]]  # (type, name), in type and name order
    mutual: bool  # we partner with them too
    our_since: date | None  # when our own partnership with them began, when known
    common: int  # how many (other) partners of ours partner with them
    kind: str  # the partnership's kind with the listed organization
    source: str
    since: date | None
    other: tuple[str, str, date | None] | None = None  # with the second organization (mutual)

    @property
    def tag_labels(self) -> list[str]:
        return [f"{tag_type}:{name}" for tag_type, name in self.tags]


ROW_CHUNK = 1000
ROW_FIELDS = ["id", "uuid", "name", "domain", "website", "kind", "status", "partner_since"]


def tags_of(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(type, name) of the tags of each organization: one query, no model instances."""
    found: dict[int, list[tuple[str, str]]] = {}
    pairs = (
        Organization.tags.through.objects.filter(organization_id__in=ids)
        .order_by("tag__type", "tag__name")
        .values_list("organization_id", "tag__type", "tag__name")
    )
    for organization_id, tag_type, name in pairs:
        found.setdefault(organization_id, []).append((tag_type, name))
    return found


def konnection_rows(anchor, nodes: NodeList, start: int = 0, stop: int | None = None, other=None):
    """Rows `start:stop` of `nodes` with their details, read in chunks (any length)."""
    ids = [int(i) for i in nodes.ids[start:stop]]
    position = {organization_id: start + k for k, organization_id in enumerate(ids)}
    for offset in range(0, len(ids), ROW_CHUNK):
        chunk = ids[offset : offset + ROW_CHUNK]
        organizations = Organization.objects.filter(id__in=chunk).only(*ROW_FIELDS)
        found = {organization.pk: organization for organization in organizations}
        tags = tags_of(chunk)
        # Already read for a filter or an order on the partnership's kind, source or since?
        details = nodes.edge_details or _edge_details(anchor.pk, chunk)
        second = _edge_details(other.pk, chunk) if other is not None else {}
        for organization_id in chunk:
            organization = found.get(organization_id)
            if organization is None:  # deleted since the snapshot was built
                continue
            at = position[organization_id]
            kind, source, since = details.get(organization_id, ("", "", None))
            mutual = bool(nodes.mutual[at])
            our_since = None
            if mutual:
                began = nodes.our_since[at]
                known = not math.isnan(began)
                our_since = date.fromordinal(int(began)) if known else organization.partner_since
            yield KonnectionRow(
                organization=organization,
                tags=tags.get(organization_id, []),
                mutual=mutual,
                our_since=our_since,
                common=int(nodes.common[at]),
                kind=kind,
                source=source,
                since=since,
                other=second.get(organization_id) if other is not None else None,
            )


# --- Candidates -----------------------------------------------------------------------------


@dataclass
class Candidate:
    organization_id: int
    score: float  # 0…100
    partners_with_core: bool
    shared_with_core: int
    common: int
    tag_hits: int
    status: int
    activity: float
    people: int
    last_touch: float
    reasons: str = ""


@dataclass
class Candidates:
    rows: list[Candidate]
    pool: int  # organizations connected to the core partner or to our partners
    weights: dict[str, float]
    tags: list[Tag]


def score_components(snap: Snapshot, core: int, tag_ids: list[int], today: date) -> dict:
    """Every component of the ranking for every node, each 0…1 (plus the counts behind them)."""
    n = snap.size
    direct = np.zeros(n, dtype=bool)
    partners = snap.neighbours(core)
    direct[partners] = True
    shared = snap.common_neighbours(partners)
    common = snap.our_count - ((snap.ours[core] & direct) if core >= 0 else 0)
    hits = snap.tag_hits(tag_ids)
    return {
        "direct": direct,
        "shared": shared,
        "common": common,
        "hits": hits,
        "core": np.where(direct, 1.0, 0.5 * np.minimum(shared, SHARED_ENOUGH) / SHARED_ENOUGH),
        "common_fit": np.minimum(common, COMMON_ENOUGH) / COMMON_ENOUGH,
        "tags": hits / len(tag_ids) if tag_ids else np.zeros(n),
        "status": STATUS_FIT_BY_CODE[snap.status],
        "activity": snap.activity(today),
    }


def blend(parts: dict, weights: dict[str, float]) -> np.ndarray:
    total = sum(weights.values())
    score = (
        weights["core"] * parts["core"]
        + weights["common"] * parts["common_fit"]
        + weights["tags"] * parts["tags"]
        + weights["status"] * parts["status"]
        + weights["activity"] * parts["activity"]
    )
    return 100.0 * score / total


def rank_candidates(workspace, form: CandidateFilter, today: date | None = None) -> Candidates:
    """Organizations around the core partner, best Circle candidates first, with reasons."""
    today = today or date.today()
    data = form.cleaned_data
    core_org, tags, weights = data["core"], data.get("tag", []), form.weights()
    snap = snapshot(workspace)
    with scope(workspace=workspace):
        core = snap.index_of(core_org.pk)
        tag_ids = [tag.pk for tag in tags]
        parts = score_components(snap, core, tag_ids, today)
        pool = parts["direct"] | (parts["shared"] > 0) | (parts["common"] > 0)
        pool &= snap.kind != KIND_CODES[OrgKind.CUSTOMER]
        if data.get("kind"):
            pool &= snap.kind == KIND_CODES[data["kind"]]
        for excluded in (core, snap.us):
            if excluded >= 0:
                pool[excluded] = False
        score = blend(parts, weights)
        members = np.flatnonzero(pool)
        best = top(score[members], snap.name_rank[members], form.limit_value)
        chosen = members[best]
        last_touch = snap.last_touch
        rows = [
            Candidate(
                organization_id=int(snap.nodes[node]),
                score=float(score[node]),
                partners_with_core=bool(parts["direct"][node]),
                shared_with_core=int(parts["shared"][node]),
                common=int(parts["common"][node]),
                tag_hits=int(parts["hits"][node]),
                status=int(snap.status[node]),
                activity=float(parts["activity"][node]),
                people=int(snap.people[node]),
                last_touch=float(last_touch[node]),
            )
            for node in chosen
        ]
        for row in rows:
            row.reasons = reasons(row, tags, today, core_name=core_org.name)
        return Candidates(rows=rows, pool=len(members), weights=weights, tags=tags)


def top(score: np.ndarray, name_rank: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the `limit` best scores, best first; ties in name order."""
    if len(score) > 4 * limit:
        # Everything scoring at least the limit-th best score: a partial sort, then an exact one.
        threshold = np.partition(score, len(score) - limit)[len(score) - limit]
        shortlist = np.flatnonzero(score >= threshold)
    else:
        shortlist = np.arange(len(score))
    order = np.lexsort((name_rank[shortlist], -score[shortlist]))
    return shortlist[order][:limit]


def reasons(row: Candidate, tags: list[Tag], today: date, core_name: str) -> str:
    """The score in words: 'partners with Acme and with 4 of our partners; 3 of 3 ICP tags; …'."""
    ours = f"{row.common} of our partners" if row.common else "none of our partners"
    if row.partners_with_core:
        link = f"partners with {core_name} and with {ours}"
    else:
        shared = row.shared_with_core
        if shared:
            link = f"shares {shared} partner{'s' if shared != 1 else ''} with {core_name}"
        else:
            link = f"no partnership with {core_name}"
        link += f"; partners with {ours}"
    parts = [link]
    if tags:
        parts.append(f"{row.tag_hits} of {len(tags)} ICP tags")
    parts.append(f"{STATUS_WORDS[row.status]}: {activity_words(row.people, row.last_touch, today)}")
    return "; ".join(parts)


# Words of a title that say a person works with partners (who a Circle is for), and words that
# say they can commit their company (who can promise leads and budgets).
PARTNER_ROLE_WORDS = re.compile(r"partner|alliance|channel|ecosystem|reseller|affiliate", re.I)
SENIOR_ROLE_WORDS = re.compile(
    r"\b(?:founder|owner|ceo|chief|president|managing|vp|vice|head|director|lead|principal)\b",
    re.I,
)


def person_fit(person: Person) -> tuple[int, int, int]:
    """How well a person fits a Circle seat, best first when sorted descending: works with
    partners, senior enough to commit, and reachable by email (an invitation needs one)."""
    title = person.title or ""
    return (
        int(bool(PARTNER_ROLE_WORDS.search(title))),
        int(bool(SENIOR_ROLE_WORDS.search(title))),
        int(bool(person.email)),
    )


def rank_people(people) -> list[Person]:
    """An organization's people, the best fit for a Circle seat first (then by name)."""
    by_name = sorted(people, key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk))
    return sorted(by_name, key=person_fit, reverse=True)


def candidate_details(candidates: Candidates) -> list[tuple[Candidate, Organization, list]]:
    """(candidate, organization with tags, its people best fit first) for every ranked
    candidate: 2 queries."""
    ids = [row.organization_id for row in candidates.rows]
    organizations = Organization.objects.filter(id__in=ids).prefetch_related("tags", "people")
    found = {organization.pk: organization for organization in organizations}
    return [
        (row, found[row.organization_id], rank_people(found[row.organization_id].people.all()))
        for row in candidates.rows
        if row.organization_id in found
    ]


# --- The ecosystem map ----------------------------------------------------------------------

MAP_LIMIT = 200
MAP_WIDTH, MAP_HEIGHT = 1000, 720


@dataclass
class MapNode:
    organization_id: int
    role: str  # us, core, mutual, core_partner, our_partner
    x: float
    y: float
    radius: float
    activity: float
    common: int
    labelled: bool = False  # names of crowded groups show on hover only
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "middle"  # SVG text-anchor


@dataclass
class EcosystemMap:
    nodes: list[MapNode]
    edges: list[tuple[int, int]]  # positions in `nodes`
    total: int  # organizations the full picture would hold
    has_core: bool

    @property
    def filtered(self) -> bool:
        return self.total > len(self.nodes)


def ecosystem_map(workspace, core=None, limit: int = MAP_LIMIT, today=None) -> EcosystemMap:
    """Us, the core partner, its partners and ours: mutual ones between us; most relevant first
    when there are more than `limit` (mutual partners, then by our partners in common)."""
    today = today or date.today()
    snap = snapshot(workspace)
    with scope(workspace=workspace):
        us = snap.us
        c = snap.index_of(core.pk) if core is not None else -1
        ours = np.flatnonzero(snap.ours)
        core_partners = snap.neighbours(c)
        if us >= 0:
            core_partners = core_partners[core_partners != us]
        in_core = np.zeros(snap.size, dtype=bool)
        in_core[core_partners] = True
        act = snap.activity(today)
        relevance = snap.our_count.astype(np.float64) + act

        def ranked(nodes):
            nodes = nodes[(nodes != c) & (nodes != us)]
            return nodes[np.lexsort((snap.name_rank[nodes], -relevance[nodes]))]

        mutual = ranked(np.flatnonzero(snap.ours & in_core))
        core_only = ranked(np.flatnonzero(in_core & ~snap.ours))
        ours_only = ranked(ours[~in_core[ours]])
        total = len(mutual) + len(core_only) + len(ours_only)
        budget = max(limit - 2, 0)
        mutual = mutual[:budget]
        budget -= len(mutual)
        share = _split(budget, len(core_only), len(ours_only))
        core_only, ours_only = core_only[: share[0]], ours_only[: share[1]]
        return _layout(snap, us, c, core, mutual, core_only, ours_only, act, total)


def _split(budget: int, left: int, right: int) -> tuple[int, int]:
    """Share `budget` between two groups in proportion to their sizes, using it all if possible."""
    if left + right <= budget:
        return left, right
    first = min(left, max(budget - right, round(budget * left / (left + right))))
    return first, min(right, budget - first)


# Layout: us and the core partner side by side, mutual partners in columns between them, the
# others on arcs around their hub. Deterministic, so the same data always draws the same map.
MAP_HUB_RADIUS = 22
ROW_GAP = 40  # between mutual partners in a column
LABELLED_COLUMNS = 2  # more columns of mutual partners than this: names on hover
ARC_RADIUS, ARC_STEP, ARC_GAP = 190, 42, 26  # first ring, ring spacing, space per node
LABELLED_ON_ARCS = 32  # more organizations than this on one side: names on hover


def _columns(count: int, cx: float, cy: float, width: float, height: float):
    """`count` positions in centred columns: (points, number of columns)."""
    rows = max(1, min(count, int(height // ROW_GAP) + 1))
    columns = max(1, math.ceil(count / rows))
    dx = min(130.0, width / (columns - 1)) if columns > 1 else 0.0
    points = []
    for k in range(count):
        column, row = divmod(k, rows)
        in_column = min(rows, count - column * rows)
        points.append(
            (cx + (column - (columns - 1) / 2) * dx, cy + (row - (in_column - 1) / 2) * ROW_GAP)
        )
    return points, columns


def _arc(count: int, cx: float, cy: float, facing: float, spread: float):
    """`count` (x, y, angle) on arcs around (cx, cy) facing `facing`, rings growing outwards."""
    points = []
    ring = 0
    while len(points) < count:
        r = ARC_RADIUS + ring * ARC_STEP
        room = max(1, int(2 * spread * r / ARC_GAP))
        take = min(room, count - len(points))
        for k in range(take):
            angle = facing - spread + 2 * spread * ((k + 0.5) / take)
            points.append((cx + r * math.cos(angle), cy + r * math.sin(angle), angle))
        ring += 1
    return points


def _layout(snap, us, c, core, mutual, core_only, ours_only, act, total) -> EcosystemMap:
    nodes: list[MapNode] = []
    edges: list[tuple[int, int]] = []
    has_core = core is not None
    mid_y = MAP_HEIGHT / 2
    us_xy = (MAP_WIDTH * 0.32, mid_y) if has_core else (MAP_WIDTH / 2, mid_y)
    core_xy = (MAP_WIDTH * 0.68, mid_y)
    # Circles sized by activity; smaller in crowded pictures.
    low, high = (4.0, 10.0) if total > 100 else (5.0, 14.0)

    # The core partner is drawn on its own: its partners' counts leave it out, as the
    # Konnections table's do.
    core_is_ours = has_core and c >= 0 and bool(snap.ours[c])

    def add(node: int, role: str, xy, radius: float | None = None) -> MapNode:
        known = node >= 0
        common = int(snap.our_count[node]) if known else 0
        if role in ("mutual", "core_partner") and core_is_ours:
            common -= 1
        shown = MapNode(
            organization_id=int(snap.nodes[node]) if known else core.pk,
            role=role,
            x=round(xy[0], 1),
            y=round(xy[1], 1),
            radius=radius if radius is not None else round(low + (high - low) * act[node], 1),
            activity=float(act[node]) if known else 0.0,
            common=common,
        )
        nodes.append(shown)
        return shown

    def below(shown: MapNode) -> None:
        shown.labelled, shown.anchor = True, "middle"
        shown.label_x, shown.label_y = shown.x, round(shown.y + shown.radius + 12, 1)

    def outward(shown: MapNode, angle: float) -> None:
        distance = shown.radius + 5
        shown.labelled = True
        shown.label_x = round(shown.x + distance * math.cos(angle), 1)
        shown.label_y = round(shown.y + distance * math.sin(angle) + 4, 1)
        cos = math.cos(angle)
        shown.anchor = "end" if cos < -0.25 else "start" if cos > 0.25 else "middle"

    hubs = {}
    if us >= 0:
        below(add(us, "us", us_xy, MAP_HUB_RADIUS))
        hubs["us"] = len(nodes) - 1
    if has_core:
        # The core partner may have no partnership recorded yet: it still stands on the map.
        below(add(c, "core", core_xy, MAP_HUB_RADIUS))
        hubs["core"] = len(nodes) - 1
    if len(hubs) == 2 and c >= 0 and snap.ours[c]:
        edges.append((hubs["us"], hubs["core"]))
    band = core_xy[0] - us_xy[0] - 2 * (MAP_HUB_RADIUS + 40)
    points, columns = _columns(len(mutual), MAP_WIDTH / 2, mid_y, band, MAP_HEIGHT - 160)
    for node, xy in zip(mutual, points, strict=True):
        shown = add(node, "mutual", xy)
        if columns <= LABELLED_COLUMNS:
            below(shown)
        edges.extend((hubs[hub], len(nodes) - 1) for hub in ("us", "core") if hub in hubs)
    sides = [(ours_only, "our_partner", "us", us_xy, math.pi)]
    if has_core:
        sides.append((core_only, "core_partner", "core", core_xy, 0.0))
    for group, role, hub, centre, facing in sides:
        spread = 0.62 * math.pi if has_core else math.pi
        for node, (x, y, angle) in zip(
            group, _arc(len(group), *centre, facing, spread), strict=True
        ):
            shown = add(node, role, (x, y))
            if len(group) <= LABELLED_ON_ARCS:
                outward(shown, angle)
            if hub in hubs:
                edges.append((hubs[hub], len(nodes) - 1))
    return EcosystemMap(nodes=nodes, edges=edges, total=total, has_core=has_core)
