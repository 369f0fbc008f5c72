"""Accounts in bulk: a million CRM rows normalized and written in seconds.

`import_accounts` replaces one owner's accounts of one source with the rows given: new rows are
inserted, changed rows updated in place, unchanged rows left alone (same id, no churn), and the
owner's accounts of that source that the file no longer holds are removed — after every row is
written, so a run stopped half-way (a worker restart) removes nothing and simply runs again:
the rows it had written come back as unchanged.

Speed: values are normalized with vectorized passes (roundtable.mapping.normalize), compared with
what is stored in one frame join, and written with the database's bulk path (executemany on
SQLite, COPY on PostgreSQL) in batches, each its own transaction.
"""

import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope

from roundtable.core.domains import registrable_domain
from roundtable.core.names import normalize_company_name
from roundtable.core.signals import accounts_changed
from roundtable.imports.kinds import Counts, ImportKind, RowError, register
from roundtable.mapping.fields import ACCOUNT_FIELDS, FIELD_NAMES
from roundtable.mapping.models import Account, AccountStatus
from roundtable.mapping.normalize import normalize_accounts

STATUS_MODES = ("auto", *AccountStatus.values)
BATCH_ROWS = 50_000

# HubSpot lifecycle stages, Salesforce account types and plain words → our three populations.
STATUS_WORDS = {
    AccountStatus.CUSTOMER: (
        "customer", "customers", "evangelist", "client", "active customer", "customer direct",
        "customer channel", "closed won", "won", "existing customer",
    ),
    AccountStatus.OPPORTUNITY: (
        "opportunity", "open opportunity", "deal", "open deal", "in pipeline", "pipeline",
    ),
    AccountStatus.PROSPECT: (
        "prospect", "lead", "subscriber", "marketingqualifiedlead", "salesqualifiedlead",
        "marketing qualified lead", "sales qualified lead", "mql", "sql", "other", "target",
        "former customer", "closed lost", "partner", "technology partner", "installation partner",
        "channel partner reseller", "reseller", "competitor", "press", "analyst",
    ),
}  # fmt: skip
_STATUS_OF_WORD = {word: status for status, words in STATUS_WORDS.items() for word in words}
_CLOSED_STAGE = re.compile(r"closed|lost|won", re.IGNORECASE)
TEXT_LIMITS = {"name": 255, "website": 500, "country": 80, "salesperson": 200, "stage": 100,
               "industry": 120, "external_id": 100, "domain": 253}  # fmt: skip
STORED_FIELDS = (
    "name", "website", "country", "normalized_name", "domain", "country_code", "status",
    "salesperson", "amount", "stage", "industry", "employees", "external_id",
)  # fmt: skip


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0


def _status_word(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", (text or "").lower()).split())


def derive_status(status: str, amount: str = "", stage: str = "") -> str:
    """A row's population: its status cell if we know the word, else an open opportunity when
    it has an amount or a stage that is not closed, else a prospect."""
    word = _status_word(status)
    known = _STATUS_OF_WORD.get(word) or _STATUS_OF_WORD.get(word.replace(" ", ""))
    if known is None and word.startswith("customer"):
        known = AccountStatus.CUSTOMER
    if known:
        return known
    if (amount.strip() or stage.strip()) and not _CLOSED_STAGE.search(stage or ""):
        return AccountStatus.OPPORTUNITY
    return AccountStatus.PROSPECT


def parse_amount(text: str) -> Decimal | None:
    """'$1,234.50', '1.234,50 €', '1200' → Decimal; '' → None; anything else → ValueError."""
    cleaned = re.sub(r"[^\d.,\-]", "", text or "")
    if not cleaned:
        if (text or "").strip():
            raise ValueError("is not an amount")
        return None
    if re.search(r",\d{1,2}$", cleaned) and not re.search(r"\.\d{1,2}$", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("is not an amount") from None
    if abs(value) >= Decimal("1e14"):
        raise ValueError("is too large")
    return value.quantize(Decimal("0.01"))


def parse_employees(text: str) -> int | None:
    """'1,200' → 1200; a band such as '51-200' → its lower bound, 51; '' → None."""
    cleaned = (text or "").replace(",", "").replace(" ", "").replace(".", "")
    if not cleaned:
        return None
    match = re.match(r"^(\d{1,9})(?:\+|-\d+)?$", cleaned)
    if not match:
        raise ValueError("is not a number of employees")
    return int(match.group(1))


def validate_account_row(row: dict[str, str]) -> list[tuple[str, str]]:
    """Problems of one row, as (field, message); an empty list for a row we can import."""
    problems = []
    if not any((row.get(f) or "").strip() for f in ("name", "website", "domain")):
        problems.append(("name", "has no company name and no website: one of them is needed"))
    for field_name, limit in TEXT_LIMITS.items():
        if len((row.get(field_name) or "").strip()) > limit:
            problems.append((field_name, f"is longer than {limit} characters"))
    for field_name, parse in (("amount", parse_amount), ("employees", parse_employees)):
        try:
            parse(row.get(field_name) or "")
        except ValueError as error:
            problems.append((field_name, f"'{row.get(field_name)}' {error}"))
    return problems


def rows_frame(rows: Iterable[dict[str, str]]) -> pl.DataFrame:
    """Rows keyed by ACCOUNT_FIELDS names → a frame of strings with every field present."""
    frame = pl.DataFrame(list(rows), schema=dict.fromkeys(FIELD_NAMES, pl.String), strict=False)
    return frame.with_columns(pl.col(FIELD_NAMES).fill_null("").str.strip_chars())


def prepare_frame(frame: pl.DataFrame, status_mode: str = "auto") -> pl.DataFrame:
    """The stored columns of every importable row: raw values cut to their limits, normalized
    keys, status, parsed amount and employees, and the import key."""
    frame = frame.with_columns(
        [pl.lit("").alias(f) for f in FIELD_NAMES if f not in frame.columns]
    ).with_columns(pl.col(FIELD_NAMES).cast(pl.String).fill_null("").str.strip_chars())
    frame = frame.filter(
        (pl.col("name") != "") | (pl.col("website") != "") | (pl.col("domain") != "")
    )
    frame = normalize_accounts(frame)
    if status_mode == "auto":
        distinct = frame.select("status", "amount", "stage").unique()
        distinct = distinct.with_columns(
            derived=pl.struct("status", "amount", "stage").map_elements(
                lambda r: derive_status(r["status"], r["amount"], r["stage"]),
                return_dtype=pl.String,
            )
        )
        frame = frame.join(distinct, on=["status", "amount", "stage"], how="left").with_columns(
            status=pl.col("derived")
        )
    else:
        frame = frame.with_columns(status=pl.lit(status_mode))
    website = pl.when(pl.col("website") != "").then(pl.col("website")).otherwise(pl.col("domain"))
    import_key = (
        pl.when(pl.col("external_id") != "")
        .then(pl.lit("id:") + pl.col("external_id"))
        .otherwise(
            pl.concat_str(
                [pl.col("domain"), pl.col("squashed"), pl.col("country_code")], separator="|"
            )
        )
    )
    return frame.select(
        import_key=import_key.str.slice(0, 400),
        name=pl.col("name").str.slice(0, 255),
        website=website.str.slice(0, 500),
        country=pl.col("country").str.slice(0, 80),
        normalized_name=pl.col("name_key").str.slice(0, 255),
        domain=pl.col("domain"),
        country_code=pl.col("country_code").str.slice(0, 40),
        status=pl.col("status"),
        salesperson=pl.col("salesperson").str.slice(0, 200),
        amount=_amounts(pl.col("amount")),
        stage=pl.col("stage").str.slice(0, 100),
        industry=pl.col("industry").str.slice(0, 120),
        employees=pl.col("employees")
        .str.replace_all(r"[,. ]", "")
        .str.extract(r"^(\d{1,9})(?:\+|-\d+)?$", 1)
        .cast(pl.Int64, strict=False),
        external_id=pl.col("external_id").str.slice(0, 100),
    ).unique("import_key", keep="last", maintain_order=True)


def _amounts(text: pl.Expr) -> pl.Expr:
    """The vectorized form of parse_amount, as text with two decimals (null when none)."""
    cleaned = text.str.replace_all(r"[^\d.,\-]", "")
    decimal_comma = cleaned.str.contains(r",\d{1,2}$") & ~cleaned.str.contains(r"\.\d{1,2}$")
    number = (
        pl.when(decimal_comma)
        .then(cleaned.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .otherwise(cleaned.str.replace_all(",", "", literal=True))
        .cast(pl.Float64, strict=False)
    )
    number = pl.when(number.abs() < 1e14).then(number)
    return number.round(2).cast(pl.String)


def _uuids(count: int) -> pl.Series:
    """Random (version 4) UUIDs as 32 hex digits, made in one numpy pass."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hex_pairs = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2")
    text = hex_pairs[raw].view("S32").ravel()
    return pl.Series("uuid", text).cast(pl.String)


def _stored(workspace, owner, source: str) -> pl.DataFrame:
    rows = Account.objects.filter(owner=owner, source=source).values_list(
        "id", "import_key", *STORED_FIELDS
    )
    schema = {"id": pl.Int64, "import_key": pl.String}
    schema |= dict.fromkeys(STORED_FIELDS, pl.String)
    schema["employees"] = pl.Int64
    stored = pl.DataFrame(list(rows), schema=schema, orient="row", strict=False)
    return stored.with_columns(
        amount=pl.col("amount").cast(pl.Float64, strict=False).round(2).cast(pl.String)
    )


def import_accounts(
    workspace,
    owner,
    rows: Iterable[dict[str, str]] | pl.DataFrame,
    *,
    source: str = "plain",
    status_mode: str = "auto",
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
) -> ImportCounts:
    """Replace `owner`'s accounts of `source` with `rows` (dicts keyed by ACCOUNT_FIELDS names,
    or a frame with those columns); `progress(rows_done)` is called after each batch. With
    `dry_run`, only count what would change."""
    if status_mode not in STATUS_MODES:
        raise ValueError(f"Unknown status '{status_mode}'. Use {', '.join(STATUS_MODES)}.")
    frame = rows if isinstance(rows, pl.DataFrame) else rows_frame(rows)
    total = frame.height
    incoming = prepare_frame(frame, status_mode)
    counts = ImportCounts(skipped=total - incoming.height)
    progress = progress or (lambda done: None)
    with scope(workspace=workspace):
        stored = _stored(workspace, owner, source)
        compared = incoming.join(stored, on="import_key", how="left", suffix="_old")
        new = compared.filter(pl.col("id").is_null()).select(incoming.columns)
        old = compared.filter(pl.col("id").is_not_null())
        same = pl.all_horizontal([pl.col(f).eq_missing(pl.col(f"{f}_old")) for f in STORED_FIELDS])
        changed = old.filter(~same).select("id", *STORED_FIELDS)
        counts.unchanged = old.height - changed.height
        gone = stored.join(incoming.select("import_key"), on="import_key", how="anti")["id"]
        if dry_run:
            counts.created, counts.updated, counts.removed = new.height, changed.height, len(gone)
            return counts
        done = counts.unchanged
        now = timezone.now()
        for start in range(0, new.height, BATCH_ROWS):
            batch = new.slice(start, BATCH_ROWS)
            with transaction.atomic():
                _insert(workspace, owner, source, batch, now)
            counts.created += batch.height
            done += batch.height
            progress(done)
        for start in range(0, changed.height, BATCH_ROWS):
            batch = changed.slice(start, BATCH_ROWS)
            with transaction.atomic():
                _update(batch, now)
            counts.updated += batch.height
            done += batch.height
            progress(done)
        for start in range(0, len(gone), 10_000):
            ids = gone.slice(start, 10_000).to_list()
            with transaction.atomic():
                counts.removed += (
                    Account.objects.filter(id__in=ids).delete()[1].get(Account._meta.label, 0)
                )
    accounts_changed.send(sender=Account, workspace=workspace, owner=owner)
    return counts


_INSERT_COLUMNS = ("uuid", "created_at", "updated_at", "workspace_id", "owner_id", "source",
                   "import_key", *STORED_FIELDS)  # fmt: skip


def _defaults() -> dict[str, object]:
    """Columns the import does not set, with the model's default (a new account is, say, not
    private): raw bulk inserts skip Django's defaults, and a NOT NULL column would refuse them."""
    return {
        field.column: field.get_default()
        for field in Account._meta.concrete_fields
        if field.column not in _INSERT_COLUMNS and field.has_default() and not field.primary_key
    }


def _insert(workspace, owner, source: str, batch: pl.DataFrame, now) -> None:
    table = Account._meta.db_table
    timestamp = (
        now.isoformat()
        if connection.vendor == "postgresql"
        else str(connection.ops.adapt_datetimefield_value(now))
    )
    frame = batch.with_columns(
        _uuids(batch.height),
        created_at=pl.lit(timestamp),
        updated_at=pl.lit(timestamp),
        workspace_id=pl.lit(workspace.pk),
        owner_id=pl.lit(owner.pk),
        source=pl.lit(source),
        **{column: pl.lit(value) for column, value in _defaults().items()},
    )
    names = [*_INSERT_COLUMNS, *_defaults()]
    frame = frame.select(names)
    columns = ", ".join(names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = io.BytesIO()
            frame.write_csv(data, include_header=False, null_value="\\N")
            copy_sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(copy_sql) as copy:
                copy.write(data.getvalue())
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (fixed names)
                frame.rows(),
            )


def _update(batch: pl.DataFrame, now) -> None:
    table = Account._meta.db_table
    assignments = ", ".join(f"{f} = %s" for f in STORED_FIELDS)
    rows = [(*row[1:], now, row[0]) for row in batch.rows()]
    if connection.vendor != "postgresql":
        stamp = connection.ops.adapt_datetimefield_value(now)
        rows = [(*row[:-2], stamp, row[-1]) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments}, updated_at = %s WHERE id = %s",  # noqa: S608
            rows,
        )


# --- the `accounts` kind of the import engine (CLI, upload page, API, background jobs) ----------


@dataclass
class AccountsContext:
    workspace: object
    owner: object
    status_mode: str
    source: str


def find_owner(workspace, text: str):
    """The organization named by `text` (its uuid, domain or name), or our own when blank."""
    from roundtable.ecosystem.actions import ensure_our_organization
    from roundtable.ecosystem.models import Organization

    text = (text or "").strip()
    if not text:
        return ensure_our_organization(workspace)
    with scope(workspace=workspace):
        organizations = Organization.objects.all()
        if re.fullmatch(r"[0-9a-fA-F-]{32,36}", text):
            found = organizations.filter(uuid=text).first()
            if found:
                return found
        domain = registrable_domain(text)
        found = organizations.filter(domain=domain).first() if domain else None
        found = found or organizations.filter(name__iexact=text).first()
        found = found or organizations.filter(normalized_name=normalize_company_name(text)).first()
    if found is None:
        raise ValidationError(
            {"owner": f"No organization '{text}' in the directory: add it first, or name it by "
             "its exact name or website domain."}
        )  # fmt: skip
    return found


def prepare_accounts(workspace, options: dict) -> AccountsContext:
    status_mode = (options.get("status") or "auto").strip().lower()
    if status_mode not in STATUS_MODES:
        raise ValidationError({"status": f"Use one of {', '.join(STATUS_MODES)}."})
    owner = find_owner(workspace, options.get("owner", ""))
    source = (options.get("source") or "plain").strip().lower()[:40] or "plain"
    return AccountsContext(workspace, owner, status_mode, source)


def clean_account(values: dict[str, str], context: AccountsContext):
    problems = validate_account_row(values)
    if problems:
        raise RowError(*problems[0])
    # Rows with a CRM id must be unique by it; rows without one are told apart by their
    # normalized keys when written (the last of two identical rows wins).
    key = ("id", values["external_id"]) if values.get("external_id") else object()
    return key, values


def write_accounts(records: list[dict], context: AccountsContext, dry_run: bool) -> Counts:
    counts = import_accounts(
        context.workspace,
        context.owner,
        records,
        source=context.source,
        status_mode=context.status_mode,
        dry_run=dry_run,
    )
    return Counts(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


ACCOUNTS = register(
    ImportKind(
        name="accounts",
        label="Accounts",
        fields=ACCOUNT_FIELDS,
        prepare=prepare_accounts,
        clean=clean_account,
        write=write_accounts,
        key_description="the same External ID",
        # One write for the whole file: replacing an owner's accounts needs every row at once.
        batch_size=10**9,
        options={
            "owner": "the organization whose accounts these are (name, domain or uuid); "
            "blank: our own",
            "status": "customer, prospect, opportunity, or auto (from lifecycle stage / type)",
            "source": "the import's name (hubspot, salesforce …): re-importing the same source "
            "replaces its accounts",
        },
    )
)
