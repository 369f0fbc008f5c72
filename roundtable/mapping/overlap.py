"""Mapping two account sets held as frames (two files, or two stored sets): normalize, match,
and the pair list as people read it (row numbers, names, method, score)."""

import re

import polars as pl

from roundtable.core.csv_export import ESCAPE, FORMULA_TRIGGERS
from roundtable.mapping.engine import MatchOptions, MatchResult, match_accounts
from roundtable.mapping.normalize import normalize_accounts

OUTPUT_HEADER = ["left_row", "right_row", "left_name", "right_name", "method", "score"]
_FORMULA_START = "^[" + "".join(re.escape(c) for c in FORMULA_TRIGGERS).replace("\0", "\\x00") + "]"


def map_frames(
    left: pl.DataFrame, right: pl.DataFrame, options: MatchOptions | None = None
) -> tuple[MatchResult, pl.DataFrame, pl.DataFrame]:
    """Both frames normalized and matched; returns the result and the normalized frames."""
    left = normalize_accounts(left)
    right = normalize_accounts(right)
    return match_accounts(left, right, options), left, right


def escaped(column: str) -> pl.Expr:
    """The column as safe spreadsheet text: the vectorized form of csv_export.escape_cell."""
    value = pl.col(column).fill_null("")
    return (
        pl.when(value.str.contains(_FORMULA_START))
        .then(pl.lit(ESCAPE) + value)
        .otherwise(value)
        .alias(column)
    )


def pair_frame(pairs: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """The pairs with both records' names, in the output columns, spreadsheet-safe."""
    names_left = left.select(left=pl.col("row").cast(pl.UInt64), left_name=pl.col("name"))
    names_right = right.select(right=pl.col("row").cast(pl.UInt64), right_name=pl.col("name"))
    frame = pairs.join(names_left, on="left", how="left").join(names_right, on="right", how="left")
    return frame.sort("left", "right").select(
        left_row=pl.col("left"),
        right_row=pl.col("right"),
        left_name=escaped("left_name"),
        right_name=escaped("right_name"),
        method=pl.col("method"),
        score=pl.col("score"),
    )
