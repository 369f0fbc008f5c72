"""The reader takes the files people really export and refuses the rest with one clear message."""

import numpy as np
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
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "old Excel workbook (.xls)"),
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


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read():
    # Python's csv module stops at 131,072 characters a cell; the line limit is 1 MB.
    long = "x" * 200_000
    table = read_table(f"name,description\nAcme,{long}\n".encode())

    assert list(table.records()) == [(1, ["Acme", long])]


def test_a_multiline_cell_of_more_than_1_mb_is_refused_as_a_misplaced_quote():
    lines = "\n".join(["word " * 100] * 2500)  # each line short, the cell 1.25 MB
    data = f'name,note\nAcme,"{lines}"\nBeta,b\n'.encode()

    with pytest.raises(TableError, match=r'^row 1: a cell runs past 1 MB of text: a quote \("\)'):
        list(read_table(data).records())


UNCLOSED = b'name,website,city\n"Acme Inc,acme.com,Berlin\nBeta,beta.com,Paris\n'


@pytest.mark.parametrize(
    ("data", "row"),
    [
        (UNCLOSED, 1),
        (UNCLOSED.rstrip(b"\n"), 1),
        (UNCLOSED.replace(b"\n", b"\r\n"), 1),
        (b'name,website\nAcme,acme.com\n\nBeta,"beta.com\nGamma,gamma.com\n', 2),
        ('name;website\r\nAcme;acme.com\r\nBeta;"beta.com\r\n'.encode("utf-16"), 2),
    ],
)
def test_a_quote_that_is_never_closed_is_refused_naming_the_row_where_it_opens(data, row):
    message = rf'^row {row}: a quote \("\) opens here and is never closed'

    with pytest.raises(TableError, match=message):
        list(read_table(data).records())
    with pytest.raises(TableError, match=message):
        read_frame(data)


def test_the_fast_frame_reads_what_its_csv_parser_refuses():
    # A quote inside an unquoted cell is text (polars' parser gives up on it).
    frame = read_frame(b'name,note\nAcme,the 5" screen\nBeta,b\n')

    assert frame.rows() == [(1, "Acme", 'the 5" screen'), (2, "Beta", "b")]


def test_old_mac_line_endings_read_however_large_the_file():
    rows = [f"Org {i},o{i}.example,City" for i in range(40_000)]
    data = ("name,website,city\r" + "\r".join(rows) + "\r").encode()
    assert len(data) > 1_000_000

    table = read_table(data)
    frame = read_frame(data)

    assert sum(1 for _ in table.records()) == frame.height == 40_000
    assert frame.row(-1) == (40_000, "Org 39999", "o39999.example", "City")


def test_a_long_line_is_measured_in_the_files_own_bytes():
    # 600,000 characters are 1.2 MB in UTF-16; a lone CR ends a line like LF does.
    with pytest.raises(TableError, match="Line 2 is longer than 1 MB"):
        read_table(("name\r\n" + "x" * 600_000 + "\r\n").encode("utf-16"))
    with pytest.raises(TableError, match="Line 3 is longer than 1 MB"):
        read_table(b"name\r\nshort\r" + b"x" * 1_000_001 + b"\r")


def test_leading_blank_lines_with_old_mac_line_endings_are_skipped():
    table = read_table(b"\r,,\r  \rname,city\rAcme,Berlin\r")

    assert table.headers == ["name", "city"]
    assert list(table.records()) == [(1, ["Acme", "Berlin"])]
    assert read_frame(b"\r,,\r  \rname,city\rAcme,Berlin\r").rows() == [(1, "Acme", "Berlin")]


# Random bytes without a NUL: no text check that looks for NUL alone would see them.
RANDOM_BYTES = np.random.default_rng(7).integers(1, 256, 20_000, dtype=np.uint8).tobytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (RANDOM_BYTES, "are control codes or unreadable bytes"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document"),
        (b"GIF89a\x01\x00\x01\x00\x80\x01\x00", "a GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"name\n" + b"Acme\n" * 60_000 + b"Be\x00ta\n", "line 60,002 holds a NUL byte"),
        ("name\nAcme\nBe\x00ta\n".encode("utf-16"), "line 3 holds a NUL byte"),
    ],
)
def test_files_that_are_not_text_are_refused_as_such(data, message):
    with pytest.raises(TableError, match="This file is not text") as caught:
        read_table(data)
    assert message in str(caught.value)


def test_a_few_control_characters_in_real_text_are_kept():
    # Excel for Mac writes a line break inside a cell as a vertical tab.
    table = read_table("name,note\nAcme,one\x0btwo\nMüller\x81,x\n".encode("latin-1"))

    assert [cells for _, cells in table.records()] == [["Acme", "one\x0btwo"], ["Müller\x81", "x"]]
