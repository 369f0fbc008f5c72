"""The one import engine: map columns, check every row, then write all or nothing.

Every path (CLI, upload page, API, background job) calls `run_import`. Rows are checked first
with no write at all; a file with any bad row writes nothing unless the caller chose to skip
invalid rows. Transactional kinds then write in one transaction; others commit batch by batch
and report a checkpoint so a stopped job resumes where it was.
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
) -> ImportResult:
    started = time.monotonic()
    progress = progress or (lambda phase, done, total: None)
    result = ImportResult(dry_run=dry_run)
    header_of = {name: table.headers[index] or name for name, index in mapping.items()}
    width = len(table.headers)
    total = count_rows(table)
    records: list[tuple[int, object]] = []
    first_row_of_key: dict[object, int] = {}

    def problem(row: int, column: str, message: str) -> None:
        result.problem_count += 1
        if len(result.problems) < MAX_REPORTED_PROBLEMS:
            result.problems.append(RowProblem(row, column, message))

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
        result.skipped = result.rows_read - len(records)
        if result.problem_count and not skip_invalid:
            result.seconds = time.monotonic() - started
            return result
        if dry_run:
            result.counts = kind.write([r for _, r in records], context, True)
            result.seconds = time.monotonic() - started
            return result
        pending = [(n, r) for n, r in records if n > resume_after]
        batches = [
            pending[i : i + kind.batch_size] for i in range(0, len(pending), kind.batch_size)
        ]
        if kind.transactional:
            with transaction.atomic():
                for done, batch in enumerate(batches, start=1):
                    result.counts.add(kind.write([r for _, r in batch], context, False))
                    progress("writing", min(done * kind.batch_size, len(pending)), len(pending))
            result.checkpoint = records[-1][0] if records else 0
        else:
            for done, batch in enumerate(batches, start=1):
                with transaction.atomic():
                    result.counts.add(kind.write([r for _, r in batch], context, False))
                result.checkpoint = batch[-1][0]
                if on_checkpoint:
                    on_checkpoint(result.checkpoint, result.counts)
                progress("writing", min(done * kind.batch_size, len(pending)), len(pending))
        result.written = True
    result.seconds = time.monotonic() - started
    return result
