"""Which accounts of one side match an account of the other, in bulk (polars), never a loop over
accounts. Both sides are read once, with one flag column per population; the counts of every
pair of populations come out of one join.

The key, as everywhere in overlaps: the same registrable domain; or, where either record has no
domain, the same normalized name with compatible countries (the same, or one of them blank).
Private accounts never take part.
"""

import io
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django_scopes import scopes_disabled

from roundtable.mapping.models import Account

KEYS = {
    "id": pl.Int64,
    "domain": pl.String,
    "name": pl.String,
    "cc": pl.String,
    "amount": pl.Float64,
}


def flag(population) -> str:
    return f"p{population.pk}"


def side_frame(populations, *, ids: list[int] | None = None) -> pl.DataFrame:
    """One row per non-private account of the populations' owner that is in at least one of
    them: id, domain, normalized name, country code, amount, and a boolean per population.
    All populations belong to one workspace and one owner."""
    if not populations:
        return pl.DataFrame(schema=KEYS)
    first = populations[0]
    anyone = Q()
    for population in populations:
        anyone |= population.account_filter()
    with scopes_disabled():
        accounts = Account.objects.filter(
            workspace_id=first.workspace_id, owner_id=first.owner_id, private=False
        ).filter(anyone)
        if ids is not None:
            accounts = accounts.filter(id__in=ids)
        accounts = accounts.annotate(
            amt=Cast("amount", FloatField()),
            **{
                flag(p): Case(
                    When(p.account_filter(), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for p in populations
            },
        ).values_list(
            "id",
            "domain",
            "normalized_name",
            "country_code",
            "amt",
            *[flag(p) for p in populations],
        )
        sql, params = accounts.order_by().query.sql_with_params()
    schema = {**KEYS, **{flag(p): pl.Int8 for p in populations}}
    if connection.vendor == "postgresql":
        frame = _copied(sql, params, schema)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.col("domain", "name", "cc").fill_null(""),
        *[pl.col(flag(p)).cast(pl.Boolean) for p in populations],
    )


def _copied(sql: str, params, schema: dict) -> pl.DataFrame:
    """PostgreSQL: the rows as CSV through COPY, parsed by polars — no Python row objects."""
    data = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        for block in copy:
            data.write(block)
    if not data.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(data.getvalue(), has_header=False, new_columns=list(schema), schema=schema)


def matched_flags(left: pl.DataFrame, right: pl.DataFrame, right_flags: list[str]) -> pl.DataFrame:
    """For each left account that matches a right account: its id and, per right population,
    whether a matching right account is in it. Right rows are first reduced to their distinct
    keys, so a name carried by many records costs one row, not a product of rows."""
    anyof = [pl.col(f).any().alias(f) for f in right_flags]
    by_domain = right.filter(pl.col("domain") != "").group_by("domain").agg(anyof)
    by_name = (
        right.filter(pl.col("name") != "")
        .with_columns(r_bare=pl.col("domain") == "")
        .group_by("name", "cc", "r_bare")
        .agg(anyof)
        .rename({"cc": "r_cc"})
    )
    domain_hits = (
        left.filter(pl.col("domain") != "")
        .select("id", "domain")
        .join(by_domain, on="domain")
        .select("id", *right_flags)
    )
    name_hits = (
        left.filter(pl.col("name") != "")
        .select("id", "name", "cc", l_bare=pl.col("domain") == "")
        .join(by_name, on="name")
        .filter(
            (pl.col("l_bare") | pl.col("r_bare"))
            & ((pl.col("cc") == "") | (pl.col("r_cc") == "") | (pl.col("cc") == pl.col("r_cc")))
        )
        .select("id", *right_flags)
    )
    return pl.concat([domain_hits, name_hits]).group_by("id").agg(anyof)


@dataclass
class CellCount:
    count: int
    amount: float


def count_cells(left_pops, right_pops) -> tuple[dict, dict]:
    """{(left pk, right pk): CellCount} seen from the left (how many left accounts match) and
    {(right pk, left pk): CellCount} seen from the right."""
    left, right = side_frame(left_pops), side_frame(right_pops)
    return _one_way(left, right, left_pops, right_pops), _one_way(
        right, left, right_pops, left_pops
    )


def _one_way(left, right, left_pops, right_pops) -> dict:
    right_flags = [flag(p) for p in right_pops]
    matched = matched_flags(left, right, right_flags)
    rows = left.select("id", "amount", *[flag(p) for p in left_pops]).join(matched, on="id")
    sums = []
    for lp in left_pops:
        for rp in right_pops:
            both = pl.col(flag(lp)) & pl.col(flag(rp))
            sums.append(both.sum().alias(f"n{lp.pk}_{rp.pk}"))
            sums.append(
                pl.when(both).then(pl.col("amount")).otherwise(0.0).sum().alias(f"a{lp.pk}_{rp.pk}")
            )
    totals = rows.select(sums).row(0, named=True) if sums else {}
    return {
        (lp.pk, rp.pk): CellCount(
            int(totals[f"n{lp.pk}_{rp.pk}"] or 0), float(totals[f"a{lp.pk}_{rp.pk}"] or 0)
        )
        for lp in left_pops
        for rp in right_pops
    }


def cell_pairs(ours, theirs) -> pl.DataFrame:
    """Every matching pair (our id, their id) of one cell, ours sorted by nothing in
    particular: the drill-down list of one population against another."""
    left, right = side_frame([ours]), side_frame([theirs])
    left = left.filter(pl.col(flag(ours)))
    right = right.filter(pl.col(flag(theirs)))
    by_domain = (
        left.filter(pl.col("domain") != "")
        .select("id", "domain")
        .join(right.select(rid="id", domain="domain"), on="domain")
        .select("id", "rid")
    )
    by_name = (
        left.filter(pl.col("name") != "")
        .select("id", "name", "cc", l_bare=pl.col("domain") == "")
        .join(
            right.filter(pl.col("name") != "").select(
                rid="id", name="name", r_cc="cc", r_bare=pl.col("domain") == ""
            ),
            on="name",
        )
        .filter(
            (pl.col("l_bare") | pl.col("r_bare"))
            & ((pl.col("cc") == "") | (pl.col("r_cc") == "") | (pl.col("cc") == pl.col("r_cc")))
        )
        .select("id", "rid")
    )
    return pl.concat([by_domain, by_name]).unique()
