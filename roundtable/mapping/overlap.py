"""Mapping two account sets held as frames (two files, or two stored sets): normalize, match,
and the pair list as people read it (row numbers, names, method, score)."""

import re
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from roundtable.core.csv_export import ESCAPE, FORMULA_TRIGGERS
from roundtable.mapping.engine import PAIR_SCHEMA, MatchOptions, MatchResult, match_accounts
from roundtable.mapping.normalize import apply_aliases, fingerprints, normalize_accounts

OUTPUT_HEADER = ["left_row", "right_row", "left_name", "right_name", "method", "score"]
_FORMULA_START = "^[" + "".join(re.escape(c) for c in FORMULA_TRIGGERS).replace("\0", "\\x00") + "]"


def map_frames(
    left: pl.DataFrame,
    right: pl.DataFrame,
    options: MatchOptions | None = None,
    *,
    aliases: dict[str, str] | None = None,
    decisions: dict[tuple[str, str], str] | None = None,
    normalized: bool = False,
) -> tuple[MatchResult, pl.DataFrame, pl.DataFrame]:
    """Both frames normalized (unless `normalized`) and matched; returns the result and the
    normalized frames, which carry a `fingerprint` column. `aliases` maps alias domains to
    their company's domain; `decisions` maps sorted fingerprint pairs to 'confirmed' or
    'rejected': rejected pairs are dropped, confirmed ones added (method 'confirmed')."""
    if not normalized:
        left, right = both_sides(normalize_accounts, left, right)
    left = apply_aliases(left, aliases or {})
    right = apply_aliases(right, aliases or {})
    left = left.with_columns(fingerprint=fingerprints(left))
    right = right.with_columns(fingerprint=fingerprints(right))
    result = match_accounts(left, right, options)
    if decisions:
        result.pairs = _decided(result.pairs, left, right, decisions)
        result.by_method["confirmed"] = result.pairs.filter(pl.col("method") == "confirmed").height
        for method in ("domain", "name", "fuzzy"):
            result.by_method[method] = result.pairs.filter(pl.col("method") == method).height
    return result, left, right


def both_sides(work, left, right) -> list:
    """`work(left)` and `work(right)` at once, one thread each: polars and numpy release the
    interpreter while they work, so on two cores the two sides take the time of one. An
    exception is raised from the left side first."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(work, side) for side in (left, right)]
        return [job.result() for job in jobs]


def _decided(
    pairs: pl.DataFrame,
    left: pl.DataFrame,
    right: pl.DataFrame,
    decisions: dict[tuple[str, str], str],
) -> pl.DataFrame:
    verdicts = pl.DataFrame(
        [(a, b, d) for (a, b), d in decisions.items()]
        + [(b, a, d) for (a, b), d in decisions.items()],
        schema={"left_fp": pl.String, "right_fp": pl.String, "decision": pl.String},
        orient="row",
    ).unique(["left_fp", "right_fp"])
    keyed = pairs.join(
        left.select(left=pl.col("row").cast(pl.UInt64), left_fp=pl.col("fingerprint")), on="left"
    ).join(
        right.select(right=pl.col("row").cast(pl.UInt64), right_fp=pl.col("fingerprint")),
        on="right",
    )
    rejected = verdicts.filter(pl.col("decision") == "rejected")
    kept = keyed.join(rejected, on=["left_fp", "right_fp"], how="anti").select(pairs.columns)
    confirmed = verdicts.filter(pl.col("decision") == "confirmed")
    added = (
        left.select(left=pl.col("row").cast(pl.UInt64), left_fp=pl.col("fingerprint"))
        .join(confirmed, on="left_fp")
        .join(
            right.select(right=pl.col("row").cast(pl.UInt64), right_fp=pl.col("fingerprint")),
            on="right_fp",
        )
        .head(1_000_000)
        .select(
            "left",
            "right",
            method=pl.lit("confirmed"),
            score=pl.lit(1.0),
            rule=pl.lit("confirmed"),
            evidence=pl.lit(""),
            country=pl.lit(""),
        )
        .join(kept, on=["left", "right"], how="anti")
    )
    return pl.concat([kept, added.cast(PAIR_SCHEMA)]).sort("left", "right")


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
