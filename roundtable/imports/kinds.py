"""The kinds of rows the import engine reads. Each domain app registers its own kinds (in its
AppConfig.ready), so the engine knows nothing of organizations or accounts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roundtable.imports.headers import FieldSpec


class RowError(Exception):
    """A row that cannot be imported: the field it concerns and what is wrong, in plain words.
    `clean` raises it; `write` returns it in Counts.rejected with the record it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (record, RowError) for each record `write` could not place and left out, e.g. a name that
    # matches two organizations the workspace holds: only writing knows what the batches
    # before it created.
    rejected: list[tuple[Any, RowError]] = field(default_factory=list)

    def add(self, other: "Counts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected


@dataclass
class ImportKind:
    """How to read, check and write one kind of row.

    - `prepare(workspace, options)` loads what the kind needs to resolve rows (existing records
      by key, teammates …) once, and returns a context object.
    - `clean(values, context)` turns a row's {field: text} into `(key, record)`, or raises
      RowError. Keys must be unique in a file: a repeated key is reported as an error.
    - `write(records, context, dry_run)` writes a batch of clean records and returns Counts; with
      dry_run it only counts what it would create and update. A record it cannot write goes,
      unwritten, into Counts.rejected, and it must leave no trace of that record (check before
      writing anything): the engine reports it as a row problem under the same all-or-nothing
      rules as the rows `clean` refused. It never raises RowError.
    - `transactional`: the whole file is written in one transaction (all or nothing); otherwise
      batches commit as they go and a stopped job resumes after its last committed batch. Such a
      kind should refuse rows in `clean`: a record its `write` rejects stops the import at that
      batch (rolled back) unless invalid rows are skipped, but the batches before it stay.
    """

    name: str
    label: str
    fields: list[FieldSpec]
    prepare: Callable[[Any, dict], Any]
    clean: Callable[[dict[str, str], Any], tuple[Any, Any]]
    write: Callable[[list[Any], Any, bool], Counts]
    key_description: str = ""
    transactional: bool = True
    batch_size: int = 2000
    options: dict[str, str] = field(default_factory=dict)  # option name → help text

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS)) or "none"
        raise LookupError(f"Unknown import kind '{name}'. Choose one of: {known}.") from None
