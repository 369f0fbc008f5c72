"""The one place that decides what may leave a workspace.

Every page, API route, export, notification and error path that shows anything about another
side's accounts asks this module, and shows only what it returns:

- the other side is either a partner organization of our own workspace whose accounts we
  uploaded (we see everything of it, but private accounts), or a connected workspace (all of
  its sharing rules apply);
- a connected workspace's population shows only if that workspace shares it (counts or
  records); hidden ones are only counted ("N populations not shared"), never named;
- counts from a connected workspace below its minimum show as "fewer than N", and such a cell
  opens no list;
- overlapping records show only where the sender shares records, with the fields it chose;
- private accounts (of either side) never take part in any overlap;
- anything not shared answers exactly like something that does not exist (404), and a revoked
  connection is looked up afresh on every request, so revocation holds from the next one.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db.models import Exists, OuterRef
from django.http import Http404
from django_scopes import scope, scopes_disabled

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.models import Organization
from roundtable.mapping.models import Account, AccountStatus
from roundtable.sharing import actions, choices
from roundtable.sharing.choices import SHAREABLE_FIELDS, Level
from roundtable.sharing.models import Connection, OverlapCell, Population, Share
from roundtable.sharing.overlaps import cell_pairs
from roundtable.workspaces.actions import record

NOT_SHARED = "Nothing is shared here."


class NotShared(Http404):
    """Raised for anything the viewer may not see; answered as 404 everywhere."""


@dataclass
class Counterpart:
    """The other side of a matrix, as the viewer may know it."""

    uuid: object  # the partner organization's uuid, or the connection's
    label: str
    kind: str  # "partner" or "connection"
    workspace: object  # the other side's workspace (ours, for a partner)
    owner: Organization  # whose accounts the other side's populations hold
    connection: Connection | None = None

    @property
    def is_connection(self) -> bool:
        return self.connection is not None


@dataclass
class Column:
    population: Population
    level: str
    fields: list[str]

    @property
    def uuid(self):
        return self.population.uuid

    @property
    def name(self) -> str:
        return self.population.name


@dataclass
class Cell:
    ours: Population
    theirs: Population
    text: str  # what is shown: "12", "fewer than 3", or "…" while computing
    count: int | None  # None when the number itself may not be shown
    openable: bool


@dataclass
class Matrix:
    counterpart: Counterpart
    rows: list[Population]
    columns: list[Column]
    cells: dict = field(default_factory=dict)
    hidden: int = 0
    min_count: int | None = None
    computed_at: object = None
    pending: bool = False
    potential_revenue: Decimal | None = None

    def cell(self, ours: Population, theirs: Column) -> Cell:
        return self.cells[(ours.pk, theirs.population.pk)]

    @property
    def grid(self) -> list[tuple[Population, list[Cell]]]:
        return [(ours, [self.cell(ours, c) for c in self.columns]) for ours in self.rows]


# --- Who the other side is -----------------------------------------------------------------------


def _partner_counterpart(viewer, organization: Organization) -> Counterpart:
    return Counterpart(organization.uuid, organization.name, "partner", viewer, organization)


def _connection_counterpart(viewer, connection: Connection) -> Counterpart:
    other = connection.other_side(viewer)
    return Counterpart(
        connection.uuid, other.name, "connection", other, ensure_our_organization(other), connection
    )


def accepted_connection(viewer, uuid) -> Connection:
    connection = (
        Connection.objects.involving(viewer)
        .accepted()
        .select_related("requester", "recipient")
        .filter(uuid=uuid)
        .first()
    )
    if connection is None:
        raise NotShared(NOT_SHARED)
    return connection


def counterpart(viewer, uuid) -> Counterpart:
    """A partner organization of the viewer's workspace with accounts, or an accepted
    connection of it; 404 for anything else (another workspace's object, a revoked one)."""
    with scope(workspace=viewer):
        organization = Organization.objects.filter(uuid=uuid, is_us=False).first()
    if organization is not None:
        return _partner_counterpart(viewer, organization)
    return _connection_counterpart(viewer, accepted_connection(viewer, uuid))


def counterparts(viewer) -> list[Counterpart]:
    """Everyone the viewer has a matrix with: connected workspaces, then partners whose accounts
    it holds."""
    with scope(workspace=viewer):
        partners = list(
            Organization.objects.filter(is_us=False)
            .filter(Exists(Account.objects.filter(owner=OuterRef("pk"))))
            .order_by("name")
        )
    connections = list(
        Connection.objects.involving(viewer).accepted().select_related("requester", "recipient")
    )
    return [_connection_counterpart(viewer, c) for c in connections] + [
        _partner_counterpart(viewer, p) for p in partners
    ]


@dataclass
class Headline:
    """A counterpart's matrix in one line of the overview: our customers that are their
    customers, our open deals with their customers and what those deals are worth, each as
    the matrix itself may show it ("…" while counting, "not shared" where hidden)."""

    counterpart: Counterpart
    customers: Cell | None
    deals: Cell | None
    potential_revenue: Decimal | None
    computed_at: object = None

    @property
    def customers_text(self) -> str:
        return self.customers.text if self.customers else "not shared"

    @property
    def deals_text(self) -> str:
        return self.deals.text if self.deals else "not shared"


def _standard(populations, status: str):
    return next((p for p in populations if p.kind == "standard" and p.status == status), None)


def headlines(viewer) -> list[Headline]:
    """Every counterpart's headline figures. Partners whose accounts we uploaded are read in
    two queries for all of them; a connected workspace goes through `matrix`, so its sharing
    rules and minimum count apply exactly as on its matrix page."""
    cps = counterparts(viewer)
    rows = actions.our_populations(viewer)
    our_customers = _standard(rows, AccountStatus.CUSTOMER)
    our_deals = _standard(rows, AccountStatus.OPPORTUNITY)
    partners = [cp for cp in cps if not cp.is_connection]
    with scope(workspace=viewer):
        theirs = {
            p.owner_id: p
            for p in Population.objects.filter(
                owner__in=[cp.owner for cp in partners],
                kind=Population.Kind.STANDARD,
                status=AccountStatus.CUSTOMER,
            )
        }
    for cp in partners:
        if cp.owner.pk not in theirs:
            theirs[cp.owner.pk] = _standard(
                actions.ensure_standard_populations(viewer, cp.owner), AccountStatus.CUSTOMER
            )
    with scope(workspace=viewer):
        stored = {
            (c.population_id, c.other_id): c
            for c in OverlapCell.objects.filter(
                population__in=[our_customers, our_deals], other__in=list(theirs.values())
            )
        }
    result = []
    for cp in cps:
        if cp.is_connection:
            m = matrix(viewer, cp, schedule=False)
            column = next(
                (c for c in m.columns if _standard([c.population], AccountStatus.CUSTOMER)), None
            )
            customers = m.cell(our_customers, column) if column else None
            deals = m.cell(our_deals, column) if column else None
            result.append(Headline(cp, customers, deals, m.potential_revenue, m.computed_at))
            continue
        column = Column(theirs[cp.owner.pk], Level.RECORDS, list(SHAREABLE_FIELDS))
        cells = {
            ours: stored.get((ours.pk, column.population.pk)) for ours in (our_customers, our_deals)
        }
        customers = _cell(cp, our_customers, column, cells[our_customers], None)
        deals = _cell(cp, our_deals, column, cells[our_deals], None)
        found = [c for c in cells.values() if c is not None]
        revenue = cells[our_deals].amount if cells[our_deals] is not None else None
        computed = min(c.computed_at for c in found) if found else None
        result.append(Headline(cp, customers, deals, revenue, computed))
    return result


# --- What the other side shows -------------------------------------------------------------------


def _shares_from(connection: Connection, sender) -> dict[int, Share]:
    with scope(workspace=sender):
        return {s.population_id: s for s in Share.objects.filter(connection=connection)}


def columns(viewer, cp: Counterpart) -> tuple[list[Column], int]:
    """The other side's populations the viewer may see, and how many are hidden."""
    theirs = actions.side_populations(cp.workspace, cp.owner)
    if not cp.is_connection:
        return [Column(p, Level.RECORDS, list(SHAREABLE_FIELDS)) for p in theirs], 0
    shares = _shares_from(cp.connection, cp.workspace)
    shown, hidden = [], 0
    for population in theirs:
        share = shares.get(population.pk)
        if share is None or share.level == Level.HIDDEN:
            hidden += 1
        else:
            shown.append(Column(population, share.level, list(share.fields)))
    return shown, hidden


def hidden_count(viewer, connection: Connection) -> int:
    other = connection.other_side(viewer)
    if other is None:
        return 0
    return columns(viewer, _connection_counterpart(viewer, connection))[1]


def _cell(cp: Counterpart, ours, column: Column, stored: OverlapCell | None, minimum) -> Cell:
    if stored is None:
        return Cell(ours, column.population, "…", None, False)
    count = stored.count
    if minimum is not None and count < minimum:
        return Cell(ours, column.population, f"fewer than {minimum}", None, False)
    openable = count > 0 and column.level == Level.RECORDS
    return Cell(ours, column.population, f"{count:,}", count, openable)


def matrix(viewer, cp: Counterpart, *, schedule: bool = True) -> Matrix:
    """Our populations × the other side's visible ones, each cell as it may be shown."""
    rows = actions.our_populations(viewer)
    shown, hidden = columns(viewer, cp)
    minimum = actions.min_count_of(cp.workspace) if cp.is_connection else None
    # Whether anything is missing is judged on every pair, hidden ones included, so the state
    # "computing" says nothing about what the other side hides.
    all_theirs = actions.side_populations(cp.workspace, cp.owner)
    with scope(workspace=viewer):
        complete = OverlapCell.objects.filter(population__in=rows, other__in=all_theirs).count()
    pending = complete < len(rows) * len(all_theirs)
    if pending and schedule:
        actions.schedule_refresh(viewer, rows[0].owner, cp.workspace, cp.owner)
    with scope(workspace=viewer):
        stored = {
            (c.population_id, c.other_id): c
            for c in OverlapCell.objects.filter(
                population__in=rows, other__in=[c.population for c in shown]
            )
        }
    result = Matrix(cp, rows, shown, hidden=hidden, min_count=minimum)
    for ours in rows:
        for column in shown:
            key = (ours.pk, column.population.pk)
            result.cells[key] = _cell(cp, ours, column, stored.get(key), minimum)
    result.pending = any(cell.text == "…" for cell in result.cells.values()) or (
        pending and not schedule
    )
    if stored:
        result.computed_at = min(c.computed_at for c in stored.values())
    result.potential_revenue = _potential_revenue(result, stored)
    return result


def _potential_revenue(result: Matrix, stored: dict) -> Decimal | None:
    """The sum of our open-opportunity amounts that overlap their customers, if their
    customers are shown and the overlap is not below the minimum."""
    ours = next(
        (p for p in result.rows if p.kind == "standard" and p.status == "opportunity"), None
    )
    theirs = next(
        (
            c
            for c in result.columns
            if c.population.kind == "standard" and c.population.status == AccountStatus.CUSTOMER
        ),
        None,
    )
    if ours is None or theirs is None:
        return None
    cell = result.cells.get((ours.pk, theirs.population.pk))
    if cell is None or cell.count is None:
        return None
    return stored[(ours.pk, theirs.population.pk)].amount


# --- Overlapping records -------------------------------------------------------------------------


@dataclass
class RecordsPage:
    total: int
    fields: list[str]  # their fields shown
    rows: list[dict]  # {"ours": {...}, "theirs": [{field: value}, ...]}


OUR_FIELDS = ["name", "domain", "status", "country", "amount"]


def _field_value(account: Account, name: str):
    if name == "owner":
        return account.salesperson
    if name == "status":
        return account.get_status_display()
    if name == "country":
        return account.country or account.country_code
    if name == "amount":
        return str(account.amount) if account.amount is not None else ""
    return getattr(account, name)


def _cell_column(viewer, cp: Counterpart, ours_uuid, theirs_uuid) -> tuple[Population, Column]:
    with scope(workspace=viewer):
        ours = Population.objects.filter(
            uuid=ours_uuid, owner=ensure_our_organization(viewer)
        ).first()
    shown, _ = columns(viewer, cp)
    column = next((c for c in shown if c.population.uuid == theirs_uuid), None)
    if ours is None or column is None:
        raise NotShared(NOT_SHARED)
    return ours, column


def records(
    viewer,
    cp: Counterpart,
    ours_uuid,
    theirs_uuid,
    *,
    user,
    request=None,
    offset: int = 0,
    limit: int | None = 50,
    export: bool = False,
) -> RecordsPage:
    """The overlapping accounts of one cell, as far as the other side shares them. Every call
    for a connected workspace is audited on both sides."""
    ours, column = _cell_column(viewer, cp, ours_uuid, theirs_uuid)
    cell = matrix(viewer, cp, schedule=False).cells[(ours.pk, column.population.pk)]
    if not cell.openable:
        raise NotShared(NOT_SHARED)
    pairs = cell_pairs(ours, column.population)
    our_ids = pairs.get_column("id").unique()
    names = _names(our_ids.to_list())
    ordered = names.sort("name", "id")
    total = ordered.height
    page_ids = (
        ordered.slice(offset, limit) if limit is not None else ordered.slice(offset)
    ).get_column("id")
    rows = []
    for chunk_start in range(0, len(page_ids), 1000):
        chunk = page_ids.slice(chunk_start, 1000).to_list()
        chunk_pairs = pairs.filter(pl.col("id").is_in(chunk))
        with scopes_disabled():
            our_accounts = Account.objects.in_bulk(chunk)
            their_accounts = Account.objects.filter(
                workspace=cp.workspace, private=False, id__in=chunk_pairs["rid"].unique().to_list()
            ).in_bulk()
        by_ours: dict[int, list[int]] = {}
        for our_id, their_id in chunk_pairs.iter_rows():
            by_ours.setdefault(our_id, []).append(their_id)
        for our_id in chunk:
            account = our_accounts[our_id]
            theirs = sorted(
                (their_accounts[r] for r in by_ours.get(our_id, []) if r in their_accounts),
                key=lambda a: (a.name, a.pk),
            )
            rows.append(
                {
                    "ours": {f: _field_value(account, f) for f in OUR_FIELDS},
                    "theirs": [{f: _field_value(a, f) for f in column.fields} for a in theirs],
                    # Per shared field, the values of each matching record (for tables).
                    "columns": [[_field_value(a, f) for a in theirs] for f in column.fields],
                }
            )
    if cp.is_connection:
        action = choices.AUDIT_EXPORTED if export else choices.AUDIT_RECORDS_VIEWED
        data = {"ours": ours.name, "theirs": column.population.name, "records": len(rows),
                "connection": str(cp.connection.uuid)}  # fmt: skip
        record(viewer, action, actor=user, request=request, target=cp.label, data=data)
        record(cp.workspace, action, actor=user, target=viewer.name, data=data)
    return RecordsPage(total, column.fields, rows)


def _names(ids: list[int]) -> pl.DataFrame:
    found = []
    with scopes_disabled():
        for start in range(0, len(ids), 5000):
            found.extend(
                Account.objects.filter(id__in=ids[start : start + 5000]).values_list("id", "name")
            )
    return pl.DataFrame(found, schema={"id": pl.Int64, "name": pl.String}, orient="row")


def matrix_rows(result: Matrix) -> tuple[list[str], list[list]]:
    """The matrix as a table (header, rows) for CSV: only what the page shows."""
    header = ["our population", *[c.name for c in result.columns]]
    rows = [
        [ours.name, *[result.cell(ours, c).text for c in result.columns]] for ours in result.rows
    ]
    return header, rows


def audit_matrix_export(viewer, cp: Counterpart, *, user, request=None) -> None:
    if cp.is_connection:
        data = {"what": "matrix", "connection": str(cp.connection.uuid)}
        record(viewer, choices.AUDIT_EXPORTED, actor=user, request=request, target=cp.label,
               data=data)  # fmt: skip
        record(cp.workspace, choices.AUDIT_EXPORTED, actor=user, target=viewer.name, data=data)


def describe_connection(viewer, connection: Connection) -> dict:
    """What a side may know about a connection: names, state, and its own settings."""
    other = connection.other_side(viewer)
    return {
        "uuid": connection.uuid,
        "other": other.name if other else "",
        "other_domain": other.domain if other else "",
        "direction": "sent" if connection.requester_id == viewer.pk else "received",
        "state": connection.state,
        "message": connection.message,
        "created_at": connection.created_at,
        "expires_at": connection.expires_at,
    }
