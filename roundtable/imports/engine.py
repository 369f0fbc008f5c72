"""The one import engine: map columns, check every row, then write all or nothing.

Every path (CLI, upload page, API, background job) calls `run_import`. Rows are checked first
with no write at all; a file with any bad row writes nothing unless the caller chose to skip
invalid rows. Transactional kinds then write in one transaction; others commit batch by batch
and report a checkpoint so a stopped job resumes where it was. Writing may still reject a record
(a name that matches two organizations): it becomes a row problem like the others, and unless
invalid rows are skipped the transaction is rolled back, so the file still writes nothing.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django_scopes import scope

from roundtable.core.csv_export import unescape_cell
from roundtable.imports.headers import detect_source, match_headers
from roundtable.imports.kinds import Counts, ImportKind, RowError
from roundtable.imports.reader import Table

# Problems kept on the result (and stored on the job); `on_problem` hears of every one.
MAX_REPORTED_PROBLEMS = 1000


class MappingError(ValueError):
    """The columns cannot be mapped to the kind's fields; the message says which and why."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass
class ImportResult:
    rows_read: int = 0
    counts: Counts = field(default_factory=Counts)
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    written: bool = False
    dry_run: bool = False
    seconds: float = 0.0
    # The last data row whose batch was committed (for resuming non-transactional kinds).
    checkpoint: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def summary(self) -> str:
        verb = "would be" if self.dry_run else ""
        parts = [
            f"rows read {self.rows_read}",
            f"created {self.counts.created}",
            f"updated {self.counts.updated}",
            f"unchanged {self.counts.unchanged}",
            f"skipped {self.skipped}",
        ]
        text = ", ".join(parts) + f" in {self.seconds:.2f} s"
        if self.dry_run:
            text = f"dry run ({verb} written: nothing was): " + text
        elif not self.written:
            text = "nothing written: " + text
        return text


Progress = Callable[[str, int, int], None]  # (phase, done, total)


class _Refused(Exception):
    """Raised inside the write transaction to roll it back when a write rejected records."""


def resolve_mapping(
    kind: ImportKind, headers: list[str], chosen: dict[str, str] | None = None
) -> dict[str, int]:
    """field → column index. `chosen` maps fields to header names (from the mapping form or a
    --mapping file) and takes precedence; other fields are recognised by their header."""
    by_name = {h.strip().lower(): i for i, h in enumerate(headers) if h.strip()}
    known = {f.name for f in kind.fields}
    mapping = match_headers(headers, kind.fields)
    for field_name, header in (chosen or {}).items():
        if field_name not in known:
            raise MappingError(
                f"'{field_name}' is not a field of {kind.label}. "
                f"Fields: {', '.join(f.name for f in kind.fields)}."
            )
        if header in (None, ""):
            mapping.pop(field_name, None)
            continue
        index = by_name.get(str(header).strip().lower())
        if index is None:
            raise MappingError(
                f"The mapping sends {field_name} to the column '{header}', "
                "which is not in the file's header."
            )
        for other, other_index in list(mapping.items()):
            if other_index == index and other != field_name:
                del mapping[other]
        mapping[field_name] = index
    missing = [f for f in kind.fields if f.required and f.name not in mapping]
    if missing:
        names = ", ".join(f"{f.name} ({f.label})" for f in missing)
        raise MappingError(
            f"No column was found for {names}. Map a column to it, or add a column with that name."
        )
    return mapping


def count_rows(table: Table) -> int:
    return sum(1 for _ in table.records())


def run_import(
    workspace,
    kind: ImportKind,
    table: Table,
    mapping: dict[str, int],
    *,
    options: dict | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    resume_after: int = 0,
    on_checkpoint: Callable[[int, Counts], None] | None = None,
    on_problem: Callable[[RowProblem], None] | None = None,
) -> ImportResult:
    """Check every row, then write (all or nothing unless skip_invalid). TableError when the
    file turns out not to be a table (a quote never closed …), before anything is written."""
    started = time.monotonic()
    progress = progress or (lambda phase, done, total: None)
    result = ImportResult(dry_run=dry_run)
    header_of = {name: table.headers[index] or name for name, index in mapping.items()}
    specs = {spec.name: spec for spec in kind.fields}
    limits = [(name, specs[name].max_length) for name in mapping if specs[name].max_length]
    width = len(table.headers)
    total = count_rows(table)
    records: list[tuple[int, object]] = []
    row_of: dict[int, int] = {}  # id(record) → its row, for the records a write rejects
    first_row_of_key: dict[object, int] = {}

    def problem(row: int, column: str, message: str) -> None:
        found = RowProblem(row, column, message)
        result.problem_count += 1
        if len(result.problems) < MAX_REPORTED_PROBLEMS:
            result.problems.append(found)
        if on_problem:
            on_problem(found)

    def reported(counts: Counts) -> Counts:
        """The batch's counts, its rejected records reported as the problems of their rows."""
        for record, error in counts.rejected:
            problem(row_of[id(record)], header_of.get(error.field, error.field), error.message)
        if counts.rejected:
            result.problems.sort(key=lambda p: p.row)
        result.skipped += len(counts.rejected)
        counts.rejected = []
        return counts

    with scope(workspace=workspace):
        # Kinds may read the header too (e.g. to tell a HubSpot export from a Salesforce one).
        context = kind.prepare(
            workspace,
            {
                "headers": table.headers,
                "source_format": detect_source(table.headers),
                **(options or {}),
            },
        )
        for number, cells in table.records():
            result.rows_read += 1
            if number % 5000 == 0:
                progress("checking", number, total)
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problem(
                    number,
                    "(whole row)",
                    f"has {len(cells)} cells but the header has {width} columns; "
                    "check for an unquoted delimiter in a cell",
                )
                continue
            # Our own exports escape formula-like cells with a quote: read them back as typed.
            values = {name: unescape_cell(cells[index].strip()) for name, index in mapping.items()}
            too_long = next(((n, m) for n, m in limits if len(values[n]) > m), None)
            if too_long:
                name, limit = too_long
                problem(
                    number,
                    header_of[name],
                    f"is {len(values[name]):,} characters long; at most {limit:,} fit",
                )
                continue
            try:
                key, record = kind.clean(values, context)
            except RowError as error:
                problem(number, header_of.get(error.field, error.field), error.message)
                continue
            if key in first_row_of_key:
                problem(
                    number,
                    "(whole row)",
                    f"is the same record as row {first_row_of_key[key]} ({kind.key_description}); "
                    "keep one of the two",
                )
                continue
            first_row_of_key[key] = number
            records.append((number, record))
        progress("checking", total, total)
        row_of.update((id(record), number) for number, record in records)
        result.skipped = result.rows_read - len(records)
        refused = result.problem_count > 0 and not skip_invalid
        if dry_run or refused:
            # A refused file is written dry too: the rows only writing rejects are listed
            # with the others, not one fix later.
            if records or not refused:
                counts = reported(kind.write([r for _, r in records], context, True))
                if skip_invalid or not result.problem_count:  # else nothing would be written
                    result.counts = counts
            result.seconds = time.monotonic() - started
            return result
        pending = [(n, r) for n, r in records if n > resume_after]
        batches = [
            pending[i : i + kind.batch_size] for i in range(0, len(pending), kind.batch_size)
        ]
        try:
            if kind.transactional:
                with transaction.atomic():
                    for done, batch in enumerate(batches, start=1):
                        counts = reported(kind.write([r for _, r in batch], context, False))
                        result.counts.add(counts)
                        progress("writing", min(done * kind.batch_size, len(pending)), len(pending))
                    if result.problem_count and not skip_invalid:
                        raise _Refused
                result.checkpoint = records[-1][0] if records else 0
            else:
                for done, batch in enumerate(batches, start=1):
                    with transaction.atomic():
                        counts = reported(kind.write([r for _, r in batch], context, False))
                        if result.problem_count and not skip_invalid:
                            raise _Refused
                    result.counts.add(counts)
                    result.written = True
                    result.checkpoint = batch[-1][0]
                    if on_checkpoint:
                        on_checkpoint(result.checkpoint, result.counts)
                    progress("writing", min(done * kind.batch_size, len(pending)), len(pending))
        except _Refused:
            if kind.transactional:
                result.counts = Counts()
            result.seconds = time.monotonic() - started
            return result
        result.written = True
    result.seconds = time.monotonic() - started
    return result
