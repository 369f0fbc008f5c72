import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_scopes import scope

from roundtable.imports.engine import MappingError, resolve_mapping, run_import
from roundtable.imports.headers import detect_source
from roundtable.imports.kinds import KINDS, get_kind
from roundtable.imports.models import ImportJob
from roundtable.imports.reader import TableError, read_table
from roundtable.workspaces.models import Workspace


class TerminalProgress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self.last = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        percent = min(100, 100 * done // total)
        if (phase, percent) == self.last:
            return
        self.last = (phase, percent)
        bar = "#" * (percent // 4)
        self.stream.write(
            f"\r{self.label} {phase:<8} [{bar:<25}] {percent:3d}% ({done:,}/{total:,})"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\n")

    def clear(self) -> None:
        """Wipe the bar so a line can be written in its place; the next update redraws it."""
        if self.enabled and self.last:
            self.stream.write("\r\x1b[K")
            self.last = None


class Command(BaseCommand):
    help = (
        "Import a CSV file (HubSpot, Salesforce or plain export) into a workspace. All or nothing: "
        "any invalid row is reported as 'row N: column: problem' and nothing is written, unless "
        "--skip-invalid is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the rows are: " + ", ".join(sorted(KINDS)))
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, report the others"
        )
        parser.add_argument(
            "--mapping", type=Path, help='JSON file {"field": "column header"} for unusual headers'
        )
        parser.add_argument("--owner", help="accounts: the organization they belong to")
        parser.add_argument("--status", help="accounts: customer, prospect, opportunity or auto")
        parser.add_argument(
            "--source",
            help="accounts: the import's name (hubspot, salesforce …; default plain): "
            "re-importing the same source replaces that owner's accounts of it",
        )

    def handle(self, *args, kind, file, workspace, dry_run, skip_invalid, mapping, **options):
        try:
            import_kind = get_kind(kind)
        except LookupError as error:
            raise CommandError(str(error)) from None
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace with the slug '{workspace}'.")
        chosen = self._read_mapping(mapping) if mapping else {}
        try:
            table = read_table(file)
        except OSError as error:
            raise CommandError(_unreadable(file, error)) from None
        except TableError as error:
            raise CommandError(f"{file}: {error}") from None
        try:
            columns = resolve_mapping(import_kind, table.headers, chosen)
        except MappingError as error:
            raise CommandError(f"{file}: {error}") from None
        extra = {k: options[k] for k in ("owner", "status", "source") if options.get(k)}
        progress = TerminalProgress(sys.stderr, f"{import_kind.label}:")

        def report(problem) -> None:
            # Every bad row, as it is found: the result keeps only the first ones.
            progress.clear()
            self.stderr.write(str(problem))

        try:
            result = run_import(
                target,
                import_kind,
                table,
                columns,
                options=extra,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=progress,
                on_problem=report,
            )
        except ValidationError as error:  # an option the kind refuses, e.g. an unknown --owner
            raise CommandError(" ".join(error.messages)) from None
        except TableError as error:  # found while reading the rows, before any write
            raise CommandError(f"{file}: {error}") from None
        progress.close()
        self._record(target, import_kind.name, file, table, columns, result, extra, dry_run)
        self.stderr.write(result.summary())
        if not result.ok:
            sys.exit(1)

    @staticmethod
    def _read_mapping(path: Path) -> dict[str, str]:
        try:
            chosen = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such mapping file.") from None
        except OSError as error:
            raise CommandError(_unreadable(path, error)) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: not valid JSON ({error}).") from None
        if not isinstance(chosen, dict) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in chosen.items()
        ):
            raise CommandError(f'{path}: expected {{"field": "column header", …}}.')
        return chosen

    @staticmethod
    def _record(workspace, kind, file, table, columns, result, options, dry_run) -> None:
        """The command-line import leaves the same paper trail as an upload."""
        if result.written:
            status = ImportJob.Status.SUCCEEDED
        elif dry_run and result.ok:
            status = ImportJob.Status.CHECKED
        else:
            status = ImportJob.Status.REFUSED
        now = timezone.now()
        with scope(workspace=workspace):
            ImportJob.objects.create(
                workspace=workspace,
                kind=kind,
                filename=Path(file).name[:255],
                size=Path(file).stat().st_size,
                encoding=table.encoding,
                delimiter=table.delimiter,
                source_format=detect_source(table.headers),
                headers=table.headers,
                mapping={name: table.headers[index] for name, index in columns.items()},
                options={**options, "via": "command line"},
                dry_run=dry_run,
                status=status,
                phase="done",
                total_rows=result.rows_read,
                processed_rows=result.rows_read,
                rows_read=result.rows_read,
                created_count=result.counts.created,
                updated_count=result.counts.updated,
                unchanged_count=result.counts.unchanged,
                skipped_count=result.skipped,
                problem_count=result.problem_count,
                problems=[
                    {"row": p.row, "column": p.column, "message": p.message}
                    for p in result.problems
                ],
                started_at=now,
                finished_at=now,
            )


def _unreadable(path: Path, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{path}: no such file."
    if isinstance(error, IsADirectoryError):
        return f"{path}: is a directory, not a file; give the path of a CSV file."
    return f"{path}: cannot be read ({error.strerror or error})."
