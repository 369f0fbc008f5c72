"""CSV exports that are safe to open in a spreadsheet, written row by row.

Every export (pages, API, CLI) goes through here. A cell that a spreadsheet would read as a formula
(`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`) gets a leading single quote, so a partner's name or a
note typed by anyone cannot run in a teammate's Excel. The defusedcsv list of trigger characters
misses a leading TAB, CR and NUL, which some spreadsheets skip before parsing a formula: those are
escaped too. Rows are written one at a time, so an export of a million rows never sits in memory.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import IO

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\0")
ESCAPE = "'"


def escape_cell(value) -> str:
    """The cell as text, with a leading quote if a spreadsheet could take it for a formula.
    NUL characters are dropped: no spreadsheet or database keeps them, and a file holding one
    reads as binary (our own importer refuses it)."""
    text = "" if value is None else str(value).replace("\0", "")
    if text.startswith(FORMULA_TRIGGERS):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`, for importers reading our own exports back."""
    if len(text) > 1 and text[0] == ESCAPE and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


class _LineBuffer:
    """csv.writer writes into this; each `writerow` returns the line it produced."""

    def write(self, line: str) -> str:
        return line


def csv_lines(
    header: list[str], rows: Iterable[Iterable], *, lineterminator: str = "\r\n"
) -> Iterator[str]:
    """The header line, then one escaped line per row, as they are produced. A cell holding a
    line break of either kind is quoted whatever the line terminator (csv quotes only the
    characters of its own terminator, so a lone CR would split the record in a reader)."""
    writer = csv.writer(_LineBuffer(), lineterminator=lineterminator)
    quote_all = csv.writer(_LineBuffer(), lineterminator=lineterminator, quoting=csv.QUOTE_ALL)
    yield writer.writerow(header)
    for row in rows:
        cells = [escape_cell(cell) for cell in row]
        has_break = any("\r" in cell or "\n" in cell for cell in cells)
        yield (quote_all if has_break else writer).writerow(cells)


def write_csv(
    out: IO[str], header: list[str], rows: Iterable[Iterable], *, lineterminator: str = "\n"
) -> int:
    """Write the export to a text stream (a file, stdout); returns the number of data rows."""
    lines = 0
    for line in csv_lines(header, rows, lineterminator=lineterminator):
        out.write(line)
        lines += 1
    return lines - 1


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    """A download that streams: rows are fetched and written while the client reads."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
