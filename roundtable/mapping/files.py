"""Account files as frames: any export the import engine reads (HubSpot, Salesforce, plain; any
encoding or delimiter it supports), with columns recognised by ACCOUNT_FIELDS."""

from pathlib import Path
from typing import BinaryIO

import polars as pl

from roundtable.imports.headers import match_headers
from roundtable.imports.reader import TableError, read_frame
from roundtable.mapping.fields import ACCOUNT_FIELDS

# The columns `roundtable map` and the mapping page need; the rest of a file is not read.
MATCH_FIELDS = ("name", "domain", "website", "country")


def read_accounts(source: str | Path | bytes | BinaryIO) -> pl.DataFrame:
    """`row` (1-based data-row number, as the import engine counts) plus name, domain, website
    and country as strings ('' when the file has no such column). Raises TableError with the
    reader's message, or when no column holds a company name or website."""
    frame = read_frame(source)
    headers = frame.columns[1:]
    mapping = match_headers(headers, ACCOUNT_FIELDS)
    if not {"name", "domain", "website"} & set(mapping):
        raise TableError(
            "No column holds a company name or website. Name a column 'name', 'website' or "
            "'domain' (HubSpot and Salesforce exports are recognised as they are); columns "
            f"found: {', '.join(headers[:12])}."
        )
    columns = [pl.col("__row").cast(pl.UInt64).alias("row")]
    for field in MATCH_FIELDS:
        if field in mapping:
            columns.append(pl.col(headers[mapping[field]]).str.strip_chars().alias(field))
        else:
            columns.append(pl.lit("", dtype=pl.String).alias(field))
    return frame.select(columns)
