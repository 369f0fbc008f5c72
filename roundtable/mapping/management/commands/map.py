"""`roundtable map LEFT.csv RIGHT.csv`: the overlap of two account exports, on the spot.

Reads both files, normalizes and matches them in memory and writes the pairs; it never opens
the database, so it works on a machine where Roundtable was only installed.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roundtable.imports.reader import TableError
from roundtable.mapping.engine import METHODS, MatchOptions
from roundtable.mapping.files import read_accounts
from roundtable.mapping.overlap import both_sides, map_frames, pair_frame


class Command(BaseCommand):
    help = (
        "Map two CSV account exports (HubSpot, Salesforce or plain): one row per matched pair, "
        "left_row,right_row,left_name,right_name,method,score, to stdout or --out; a summary "
        "on stderr. No server or database needed."
    )
    # No system checks: they may look at the database, and this command must not.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("left", type=Path, help="the first export (e.g. your accounts)")
        parser.add_argument("right", type=Path, help="the second export (e.g. a partner's)")
        parser.add_argument("--out", type=Path, help="write the pairs here instead of stdout")
        parser.add_argument(
            "--fuzzy",
            action="store_true",
            default=True,
            help="also match similar names, as lower-confidence pairs (the default)",
        )
        parser.add_argument("--no-fuzzy", dest="fuzzy", action="store_false")

    def handle(self, *args, left, right, out, fuzzy, **options):
        started = time.monotonic()
        frames = both_sides(self._read, left, right)
        result, left_frame, right_frame = map_frames(*frames, MatchOptions(fuzzy=fuzzy))
        pairs = pair_frame(result.pairs, left_frame, right_frame)
        if out:
            try:
                pairs.write_csv(out)
            except OSError as error:
                raise CommandError(f"{out}: cannot write ({error.strerror}).") from None
        else:
            self.stdout.write(pairs.write_csv(), ending="")
        elapsed = time.monotonic() - started
        methods = ", ".join(f"{m} {result.by_method.get(m, 0):,}" for m in METHODS)
        self.stderr.write(
            f"left {left.name}: {result.left_rows:,} rows read, {result.left_matched:,} matched\n"
            f"right {right.name}: {result.right_rows:,} rows read, "
            f"{result.right_matched:,} matched\n"
            f"pairs: {result.matched:,} ({methods}); fuzzy {'on' if fuzzy else 'off'}\n"
            f"time: {elapsed:.2f} s (matching {result.seconds:.2f} s)"
        )

    @staticmethod
    def _read(path: Path):
        try:
            return read_accounts(path)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory, not a CSV file.") from None
        except TableError as error:
            raise CommandError(f"{path}: {error}") from None
