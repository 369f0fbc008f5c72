"""Account normalization in bulk: the keys the matching engine compares, computed once per
account (at import, or once per file in `roundtable map`), vectorized over the whole set."""

import polars as pl

from roundtable.core.domains import registrable_domains
from roundtable.core.names import core_names, normalize_company_names
from roundtable.mapping.countries import country_codes

# Columns every normalized account frame carries (besides whatever the caller brought along).
KEY_COLUMNS = ("name_key", "squashed", "core", "domain", "label", "country_code")


def _text(frame: pl.DataFrame, column: str) -> pl.Series:
    if column in frame.columns:
        return frame[column].cast(pl.String).fill_null("")
    return pl.Series(column, [""] * frame.height, dtype=pl.String)


def normalize_accounts(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds the matching keys to a frame with `name` and any of `domain`, `website`, `country`.

    - `name_key`: normalized name ('acme holding'); `squashed`: the same without spaces
      ('coca cola' and 'cocacola' meet); `core`: squashed without a trailing group/holding word;
    - `domain`: registrable domain of the domain cell, else of the website cell ('' for none);
      `label`: the domain without its suffix and hyphens ('acme' for acme-inc.co.uk → 'acmeinc');
    - `country_code`: ISO alpha-2 where the country is known, '' when the cell is empty.
    """
    names = _text(frame, "name")
    name_key = normalize_company_names(names)
    domain = registrable_domains(_text(frame, "domain"))
    if "website" in frame.columns:
        website_domain = registrable_domains(_text(frame, "website"))
        domain = pl.select(
            pl.when(pl.lit(domain) != "").then(pl.lit(domain)).otherwise(pl.lit(website_domain))
        ).to_series()
    keys = pl.DataFrame(
        {
            "name_key": name_key,
            "domain": domain,
            "country_code": country_codes(_text(frame, "country")),
        }
    ).with_columns(
        squashed=pl.col("name_key").str.replace_all(" ", "", literal=True),
        label=pl.col("domain")
        .str.split_exact(".", 1)
        .struct.field("field_0")
        .fill_null("")
        .str.replace_all("-", "", literal=True),
    )
    keys = keys.with_columns(
        core=core_names(pl.col("name_key")).str.replace_all(" ", "", literal=True)
    )
    return frame.drop([c for c in KEY_COLUMNS if c in frame.columns]).hstack(
        keys.select(KEY_COLUMNS)
    )


def apply_aliases(frame: pl.DataFrame, aliases: dict[str, str]) -> pl.DataFrame:
    """Domains that are aliases of another (one company, several domains) become that domain."""
    if not aliases:
        return frame
    domain = pl.col("domain").replace(aliases)
    return frame.with_columns(domain=domain).with_columns(
        label=pl.col("domain")
        .str.split_exact(".", 1)
        .struct.field("field_0")
        .fill_null("")
        .str.replace_all("-", "", literal=True)
    )


def fingerprints(frame: pl.DataFrame) -> pl.Expr:
    """Who a record is, for remembered decisions: its domain, else its name and country."""
    return (
        pl.when(pl.col("domain") != "")
        .then(pl.col("domain"))
        .otherwise(pl.lit("name:") + pl.col("squashed") + pl.lit("|") + pl.col("country_code"))
    )
