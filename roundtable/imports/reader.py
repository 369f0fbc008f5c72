"""Reading the CSV files people really export: HubSpot, Salesforce, Excel, Google Sheets.

Encoding: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, UTF-16 without BOM when the
NUL pattern says so, and Windows-1252 last (NOTES.md: charset detectors mislabel cp1252).
Delimiter: comma, semicolon or tab, whichever splits the first lines most consistently.
Quoted fields may hold newlines. Blank lines are skipped and not counted: row numbers are
1-based over the data rows a user sees, header excluded.

Anything that is not a table gets one TableError with a message for the user, before any row
is read: binary files and spreadsheets, empty files, a missing or duplicated header, a line of
1 MB or more. Two faults show only when the rows are read, and `records()` raises TableError for
them before it yields the row concerned: a quote that is never closed, and a cell of more than
1 MB (a quote closed only far below the row where it opens).
"""

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

MAX_LINE_BYTES = 1_000_000
# A quoted cell may run over several lines; past this it is a stray quote, not a cell.
MAX_CELL_CHARS = 1_000_000
DELIMITERS = (",", ";", "\t")
_SAMPLE_BYTES = 256 * 1024

# The csv module's own limit is 131,072 characters a cell, below what a line of less than 1 MB
# may hold; at MAX_CELL_CHARS it stops a runaway quoted cell for us, at no cost per row.
csv.field_size_limit(MAX_CELL_CHARS)

# Read after the file's last line: a quote that never closes swallows it into a cell. A NUL
# never reaches the text (`decode` refuses it), so no real cell can end with it.
_END_OF_FILE = "\x00end of file"

# Files that are something else, by their first bytes: (signature, what it is).
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_WORKBOOKS = (
    (b"PK\x03\x04", "a spreadsheet workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
)
# Characters text files do not hold, but bytes read as text do: control codes (tab, CR and LF
# aside) and the replacement character a lossy conversion leaves for unreadable bytes.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

# Cells that look like values rather than column names: the first row is data, not a header.
_VALUE_LIKE = re.compile(
    r"^(\S+@\S+\.\S+|https?://\S+|www\.\S+|[-+]?[\d.,]+%?|\d{4}-\d{2}-\d{2}.*|\d{1,2}/\d{1,2}/\d{2,4})$",
    re.IGNORECASE,
)


class TableError(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    encoding: str
    delimiter: str
    text: str
    skipped_chars: int = 0  # blank lines dropped before the header

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank data row. Cells are padded to the header's
        width; a row with more cells than the header keeps its extra cells (callers report it).
        TableError, before the row is yielded, for a quote that is never closed or a cell of
        more than MAX_CELL_CHARS."""
        width = len(self.headers)
        lines = itertools.chain(io.StringIO(self.text, newline=""), [_END_OF_FILE])
        reader = csv.reader(lines, delimiter=self.delimiter)
        next(reader, None)  # the header
        number = 0
        try:
            for cells in reader:
                if cells and cells[-1].endswith(_END_OF_FILE):
                    if cells == [_END_OF_FILE]:
                        return
                    raise TableError(
                        f'row {number + 1}: a quote (") opens here and is never closed, so every '
                        "line after it would be read into one cell. Close the quote, or remove "
                        'it (a quote inside a cell is written twice: "").'
                    )
                if not any(cell.strip() for cell in cells):
                    continue
                number += 1
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                yield number, cells
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise TableError(
                    f'row {number + 1}: a cell runs past 1 MB of text: a quote (") opens in this '
                    "row and is never closed, or closes only much further down. Check the "
                    "quotes in this row."
                ) from None
            raise TableError(f"row {number + 1} cannot be read as CSV: {error}.") from None


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text leaves a NUL in every other byte."""
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a file's bytes, or TableError when it is not text."""
    for signature, what in _WORKBOOKS:
        if data.startswith(signature):
            raise TableError(
                f"This is {what}, not a CSV file. "
                "Open it in Excel or Google Sheets and save or download it as CSV."
            )
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise TableError(
                f"This file is not text (it is {what}). Export the data as CSV and upload that."
            )
    text, encoding = _decode_text(data)
    _check_is_text(text)
    return text, encoding


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8-sig", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = _looks_utf16(data[:4096]) or ""
    if encoding.startswith("utf-16"):
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            raise TableError("The file claims to be UTF-16 but is not valid UTF-16 text.") from exc
    if encoding == "utf-8-sig":
        try:
            return data.decode("utf-8"), encoding
        except UnicodeDecodeError as exc:
            raise TableError(
                f"The file starts as UTF-8 but byte {exc.start} is not valid UTF-8. "
                "Save it again as 'CSV UTF-8'."
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) still read as Latin-1.
        return data.decode("latin-1"), "latin-1"


def _check_is_text(text: str) -> None:
    """Bytes without a NUL still decode as Latin-1: random data, compressed or encrypted files
    come out with about one character in nine a control code, text with next to none."""
    sample = text[:_SAMPLE_BYTES]
    odd = len(_NOT_TEXT.findall(sample))
    # A few are real: Excel for Mac writes a line break inside a cell as a vertical tab.
    if odd >= 8 and odd * 20 >= len(sample):
        raise TableError(
            f"This file is not text ({odd / len(sample):.0%} of its characters are control codes "
            "or unreadable bytes). Export the data as CSV and upload that."
        )
    # A NUL anywhere, not only in the sample: no database column may store one (PostgreSQL
    # refuses it), and text never holds one.
    at = text.find("\x00")
    if at != -1:
        line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at)
        raise TableError(
            f"This file is not text (line {line + 1:,} holds a NUL byte, which text never does). "
            "Export the data as CSV and upload that."
        )


def _check_line_lengths(data: bytes, encoding: str) -> None:
    """Refuse a line of 1 MB or more (a binary blob or a file with no line breaks), measured in
    the file's own bytes. CR, LF and CR LF all end a line, as they do for the csv reader."""
    if len(data) < MAX_LINE_BYTES:
        return
    if encoding.startswith("utf-16"):
        # Two bytes a code unit, in the file's byte order; a break is the unit 0x0A or 0x0D.
        big_endian = encoding == "utf-16-be" or data.startswith(b"\xfe\xff")
        units = np.frombuffer(data, dtype=">u2" if big_endian else "<u2", count=len(data) // 2)
        unit_bytes = 2
    else:
        # In UTF-8 and the single-byte encodings CR and LF are the bytes 0x0D and 0x0A: find
        # them all at C speed instead of walking a million lines in Python.
        units = np.frombuffer(data, dtype=np.uint8)
        unit_bytes = 1
    is_break = units == 0x0A
    if b"\r" in data:  # most files have no CR at all: one pass instead of two
        is_break |= units == 0x0D
    breaks = np.flatnonzero(is_break)
    edges = np.concatenate(([-1], breaks, [len(units)]))
    lengths = (np.diff(edges) - 1) * unit_bytes
    longest = int(np.argmax(lengths))
    if lengths[longest] < MAX_LINE_BYTES:
        return
    # The LF of a CR LF pair ends no line of its own.
    before = breaks[:longest]
    lf = before[units[before] == 0x0A]
    pairs = np.count_nonzero(units[lf[lf > 0] - 1] == 0x0D)
    raise TableError(
        f"Line {longest - pairs + 1:,} is longer than 1 MB. This does not look like a CSV export; "
        "check that you picked the right file."
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of columns."""
    sample = text[:_SAMPLE_BYTES]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        widths = []
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    widths.append(len(cells))
                if len(widths) >= 30:
                    break
        except csv.Error:
            continue
        if not widths:
            continue
        # Drop the last line of the sample: it may be cut mid-row.
        rows = widths[:-1] if len(widths) > 1 and len(sample) < len(text) else widths
        header_width = rows[0]
        consistent = sum(1 for w in rows if w == header_width)
        score = (consistent if header_width > 1 else 0, header_width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def check_headers(headers: list[str]) -> list[str]:
    headers = [h.strip().strip("\ufeff") for h in headers]
    named = [h for h in headers if h]
    if not named:
        raise TableError("The first row is empty: the file needs a header row with column names.")
    value_like = [h for h in named if _VALUE_LIKE.match(h)]
    if len(value_like) * 2 >= len(named):
        raise TableError(
            "The first row looks like data (" + ", ".join(value_like[:3]) + "), not column "
            "names. Add a header row naming each column, e.g. name,website,country."
        )
    seen: dict[str, str] = {}
    for header in named:
        key = header.lower()
        if key in seen:
            raise TableError(
                f"The column '{header}' appears twice in the header row. "
                "Rename or remove one of them."
            )
        seen[key] = header
    return headers


def read_table(source: str | Path | bytes | BinaryIO) -> Table:
    data = _read_bytes(source)
    # A search stops at the first visible character; strip() would copy the whole file.
    if not re.search(rb"[^\s\x00]", data):
        raise TableError("The file is empty.")
    text, encoding = decode(data)
    if not re.search(r"\S", text):
        raise TableError("The file is empty.")
    _check_line_lengths(data, encoding)
    full_length = len(text)
    text = _drop_leading_blank_lines(text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first = next(reader)
    except StopIteration as exc:
        raise TableError("The file is empty.") from exc
    except csv.Error as exc:
        raise TableError(f"The header row cannot be read: {exc}.") from exc
    headers = check_headers(first)
    return Table(
        headers=headers,
        encoding=encoding,
        delimiter=delimiter,
        text=text,
        skipped_chars=full_length - len(text),
    )


_LEADING_BLANK_LINES = re.compile(r"(?:[ \t,;]*(?:\r\n|\r|\n))*")


def _drop_leading_blank_lines(text: str) -> str:
    """Some exports start with empty lines (or lines of bare delimiters) before the header."""
    start = _LEADING_BLANK_LINES.match(text).end()
    return text[start:] if start else text


def read_frame(source: str | Path | bytes | BinaryIO):
    """The same table as a polars DataFrame of strings plus `__row` (the records() numbering),
    read by polars' multi-threaded CSV reader: the path for files of millions of rows."""
    import polars as pl

    data = _read_bytes(source)
    table = read_table(data)
    if table.encoding in {"utf-8", "utf-8-sig"}:
        # The bytes polars needs are the file's own: skip BOM and leading blank lines.
        # Leading blank lines are ASCII, so characters dropped = bytes dropped.
        bom = 3 if table.encoding == "utf-8-sig" else 0
        data = data[bom + table.skipped_chars :]
    else:
        data = table.text.encode("utf-8")
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        # Polars ends lines at LF only; a file from an old Mac ends them with a lone CR.
        data = re.sub(rb"\r(?!\n)", b"\n", data)
    columns = [h or f"column_{i + 1}" for i, h in enumerate(table.headers)]
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            separator=table.delimiter,
            has_header=True,
            infer_schema=False,
            quote_char='"',
            truncate_ragged_lines=True,
            new_columns=columns,
        )
    except pl.exceptions.PolarsError:
        # Polars gives up on a quote that never closes, and on a quote inside an unquoted cell
        # that the csv module reads as text: the csv module's reading says which it is.
        return _frame_of_records(table, columns)
    # Blank lines come back as rows of nulls; lines of spaces as whitespace-only cells.
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | ~pl.col(c).str.contains(r"\S") for c in frame.columns]
    )
    return frame.filter(~blank).fill_null("").with_row_index("__row", offset=1)


def _frame_of_records(table: Table, columns: list[str]):
    """read_frame's result read by `records()`: slower, but it reads what the csv module reads
    and raises its TableError for what it refuses."""
    import polars as pl

    width = len(columns)
    numbers, rows = [], []
    for number, cells in table.records():
        numbers.append(number)
        rows.append(cells[:width])
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")
    return frame.select(pl.Series("__row", numbers, dtype=pl.UInt32), *columns)
