"""Reading the CSV files people really export: HubSpot, Salesforce, Excel, Google Sheets.

Encoding: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, UTF-16 without BOM when the
NUL pattern says so, and Windows-1252 last (NOTES.md: charset detectors mislabel cp1252).
Delimiter: comma, semicolon or tab, whichever splits the first lines most consistently.
Quoted fields may hold newlines. Blank lines are skipped and not counted: row numbers are
1-based over the data rows a user sees, header excluded.

Anything that is not a table gets one TableError with a message for the user, before any row
is read: binary files and spreadsheets, empty files, a missing or duplicated header, a line of
1 MB or more.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

MAX_LINE_BYTES = 1_000_000
DELIMITERS = (",", ";", "\t")
_SAMPLE_BYTES = 256 * 1024

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
        width; a row with more cells than the header keeps its extra cells (callers report it)."""
        width = len(self.headers)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        next(reader, None)  # the header
        number = 0
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, cells


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
    if data.startswith(b"PK\x03\x04"):
        raise TableError(
            "This is a spreadsheet workbook (.xlsx), not a CSV file. "
            "Open it in Excel or Google Sheets and save or download it as CSV."
        )
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
    if b"\x00" in data[:_SAMPLE_BYTES]:
        raise TableError(
            "This file is not text (it contains binary data). "
            "Export the data as CSV and upload that."
        )
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


def _check_line_lengths(data: bytes, text: str, encoding: str) -> None:
    """Refuse a line of 1 MB or more (a binary blob or a file with no line breaks)."""
    if len(data) < MAX_LINE_BYTES:
        return
    if encoding.startswith("utf-16"):
        lengths = [len(line) for line in text.split("\n")]
    else:
        # In UTF-8 and the single-byte encodings a newline is the byte 0x0A: find them all at
        # C speed instead of walking a million lines in Python.
        breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A)
        edges = np.concatenate(([-1], breaks, [len(data)]))
        lengths = np.diff(edges) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] >= MAX_LINE_BYTES:
        raise TableError(
            f"Line {longest + 1} is longer than 1 MB. This does not look like a CSV export; "
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
    _check_line_lengths(data, text, encoding)
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


def _drop_leading_blank_lines(text: str) -> str:
    """Some exports start with empty lines (or lines of bare delimiters) before the header."""
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end == -1 else text[start:end]
        if line.strip(" \t\r,;") or end == -1:
            return text[start:] if start else text
        start = end + 1


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
    frame = pl.read_csv(
        io.BytesIO(data),
        separator=table.delimiter,
        has_header=True,
        infer_schema=False,
        quote_char='"',
        truncate_ragged_lines=True,
        new_columns=[h or f"column_{i + 1}" for i, h in enumerate(table.headers)],
    )
    # Blank lines come back as rows of nulls; lines of spaces as whitespace-only cells.
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | ~pl.col(c).str.contains(r"\S") for c in frame.columns]
    )
    return frame.filter(~blank).fill_null("").with_row_index("__row", offset=1)
