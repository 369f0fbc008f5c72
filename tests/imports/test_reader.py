"""The reader takes the files people really export and refuses the rest with one clear message."""

import pytest

from roundtable.imports.reader import TableError, read_frame, read_table

ROWS = [
    ["Name", "Website", "City"],
    ["Müller & Söhne GmbH", "mueller.example", "Köln"],
    ["Café Olé", "", "Zürich"],
]


def as_csv(rows, delimiter=",", newline="\r\n"):
    return newline.join(delimiter.join(cells) for cells in rows) + newline


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16", b"", "utf-16"),  # Excel's "Unicode text": BOM + UTF-16-LE
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_each_encoding_reads_the_same_table(encoding, prefix, expected):
    table = read_table(prefix + as_csv(ROWS).encode(encoding))

    assert table.encoding == expected
    assert table.headers == ["Name", "Website", "City"]
    assert list(table.records()) == [(1, ROWS[1]), (2, ROWS[2])]


def test_latin1_bytes_that_cp1252_leaves_undefined_still_read():
    table = read_table("Name\nA\x81B\n".encode("latin-1"))
    assert table.encoding == "latin-1"
    assert list(table.records()) == [(1, ["A\x81B"])]


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_delimiters_are_recognised(delimiter, name):
    rows = [["name", "note"], ["Acme, Inc.", "a;b"], ["Beta", "c"]]
    text = "name{d}note\n{q}Acme, Inc.{q}{d}{q}a;b{q}\nBeta{d}c\n".format(d=delimiter, q='"')

    table = read_table(text.encode())

    assert table.delimiter_name == name
    assert [cells for _, cells in table.records()] == rows[1:]


def test_quoted_newlines_and_blank_lines():
    text = b'\n\nname,note\n"Acme","line one\nline two"\n\n,\n  \nBeta,x\n'

    table = read_table(text)

    # Blank lines (before the header too) are skipped and not counted.
    assert list(table.records()) == [(1, ["Acme", "line one\nline two"]), (2, ["Beta", "x"])]


def test_short_rows_are_padded_and_long_rows_keep_their_extra_cells():
    table = read_table(b"a,b,c\n1\n1,2,3,4\n")
    assert list(table.records()) == [(1, ["1", "", ""]), (2, ["1", "2", "3", "4"])]


def test_the_fast_frame_numbers_rows_like_the_records():
    data = 'Name;Website\n\nAcme;acme.example\n;\n"Beta\nGroup";beta.example\n'.encode("utf-16")

    frame = read_frame(data)

    assert frame.columns == ["__row", "Name", "Website"]
    assert frame.rows() == [(1, "Acme", "acme.example"), (2, "Beta\nGroup", "beta.example")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook (.xlsx)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (b"alice@acme.example,https://acme.example,42\n", "looks like data"),
        (b"name,Website,NAME\n1,2,3\n", "'NAME' appears twice"),
        (b",,\n1,2,3\n", "header row"),
        (b"name\n" + b"x" * 1_000_001 + b"\n", "longer than 1 MB"),
    ],
)
def test_files_that_are_not_tables_get_one_clear_error(data, message):
    with pytest.raises(TableError) as caught:
        read_table(data)
    assert message in str(caught.value)
