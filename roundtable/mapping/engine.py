"""The matching engine: which records of two account sets are the same company.

A cascade, strongest evidence first; each pair carries its `method` and `score`:

1. `domain` (score 1.0): the same registrable domain. A domain that one side gives to clearly
   different companies (three or more different first name words) is not used there.
2. `name` (score 1.0): the same normalized name, spaces ignored ('coca cola' = 'cocacola'),
   then (score 0.99) the same core name ('Acme Group' = 'Acme'); only where the domains are
   missing or differ only by TLD (acme.com / acme.de), and where both records have a country,
   the same country.
3. `fuzzy` (score = similarity, ≥ the threshold): similar names among the records still unmatched,
   compared within a sorted neighbourhood of the name and of the reversed name (bounded: every
   record meets at most 2 × `window` others), accepted only when the best candidate is also
   clearly better than the next different name, the preference is mutual, and the numbers in
   both names agree.

Guards at every tier: a record that reaches two different companies on the other side (two
domains, or two countries) is not matched, whichever tier found it; a key that would pair more
than `max_pairs_per_key` records (a placeholder such as 'n/a', or a million rows of one name) is
not used; names that are placeholders never match by name.

One-to-one or not: a record is matched to at most one company of the other side. When one side
holds several records of that company (CRM duplicates), the record pairs with each of them, so
a pair list may hold (3, 7) and (3, 9) when right rows 7 and 9 are the same company.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

METHODS = ("domain", "name", "fuzzy")
# Names that say nothing about which company a record is.
PLACEHOLDER_NAMES = frozenset(
    {"", "na", "n a", "none", "null", "unknown", "test", "tbd", "x", "xx", "xxx", "private",
     "individual", "personal", "self", "self employed", "freelance", "freelancer", "company",
     "customer", "home", "other", "misc", "various", "default", "no name", "noname", "deleted"}
)  # fmt: skip
_PLACEHOLDER_SQUASHED = pl.Series([p.replace(" ", "") for p in PLACEHOLDER_NAMES]).implode()


@dataclass(frozen=True)
class MatchOptions:
    fuzzy: bool = True
    fuzzy_threshold: float = 0.9
    fuzzy_margin: float = 0.04
    # Shorter names are too easy to confuse by one letter ('Acme' / 'Acne').
    fuzzy_min_length: int = 5
    window: int = 5
    max_pairs_per_key: int = 1000
    max_domain_families: int = 2
    scorer: object = fuzz.ratio
    # The scorer's scale: rapidfuzz's fuzz scorers answer 0–100, distance scorers 0–1.
    score_scale: float = 100.0


@dataclass
class MatchResult:
    """`pairs`: left, right (the frames' `row` values), method, score, evidence (the domain, name
    or names that decided) and country (for the explanation)."""

    pairs: pl.DataFrame
    left_rows: int
    right_rows: int
    seconds: float = 0.0
    comparisons: int = 0
    skipped_keys: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return self.pairs.height

    @property
    def left_matched(self) -> int:
        return self.pairs["left"].n_unique() if self.pairs.height else 0

    @property
    def right_matched(self) -> int:
        return self.pairs["right"].n_unique() if self.pairs.height else 0


PAIR_SCHEMA = {
    "left": pl.UInt64,
    "right": pl.UInt64,
    "method": pl.String,
    "score": pl.Float64,
    # Which rule decided (domain, name, core, label, fuzzy) and on what: for the explanation.
    "rule": pl.String,
    "evidence": pl.String,
    "country": pl.String,
}
_SIDE_COLUMNS = ["row", "name_key", "squashed", "core", "domain", "label", "country_code"]


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema=PAIR_SCHEMA)


def match_accounts(
    left: pl.DataFrame, right: pl.DataFrame, options: MatchOptions | None = None
) -> MatchResult:
    """Pairs of records that are the same company. Both frames come from `normalize_accounts`
    and carry a `row` column that identifies each record (a row number or an account id)."""
    options = options or MatchOptions()
    started = time.monotonic()
    left = left.select(_SIDE_COLUMNS).with_columns(pl.col("row").cast(pl.UInt64))
    right = right.select(_SIDE_COLUMNS).with_columns(pl.col("row").cast(pl.UInt64))
    result = MatchResult(_empty_pairs(), left.height, right.height)

    found = [_domain_pairs(left, right, options, result)]
    found.append(_exact_pairs(left, right, "squashed", 1.0, options, result, found))
    found.append(_exact_pairs(left, right, "core", 0.99, options, result, found))
    # A name that is the other record's domain ('Bank of America' / bankofamerica.com).
    for key in ("squashed", "core"):
        found.append(_exact_pairs(left, right, key, 0.98, options, result, found, "label"))
        flipped = [_swap(f) for f in found]
        swapped = _exact_pairs(right, left, key, 0.98, options, result, flipped, "label")
        found.append(_swap(swapped))
    if options.fuzzy:
        found.append(_fuzzy_pairs(left, right, options, result, found))
    pairs = pl.concat(found).sort("left", "right")
    result.pairs = pairs
    result.by_method = {m: pairs.filter(pl.col("method") == m).height for m in METHODS}
    result.seconds = time.monotonic() - started
    return result


def _capped_keys(
    left: pl.DataFrame, right: pl.DataFrame, key: str, options: MatchOptions, result: MatchResult
) -> pl.DataFrame:
    """Keys present on both sides whose record pairs stay under the cap (the many-to-many
    guard: one key shared by a million rows on each side must not make 10¹² pairs)."""
    counts = left.group_by(key).len("n_left").join(right.group_by(key).len("n_right"), on=key)
    too_many = pl.col("n_left") * pl.col("n_right") > options.max_pairs_per_key
    result.skipped_keys += counts.filter(too_many).height
    return counts.filter(~too_many).select(key)


def _domain_pairs(
    left: pl.DataFrame, right: pl.DataFrame, options: MatchOptions, result: MatchResult
) -> pl.DataFrame:
    sides = []
    for frame in (left, right):
        frame = frame.filter(pl.col("domain") != "")
        family = pl.col("name_key").str.split_exact(" ", 0).struct.field("field_0")
        shared = (
            frame.group_by("domain")
            .agg(family.n_unique().alias("families"))
            .filter(pl.col("families") > options.max_domain_families)
        )
        sides.append(frame.join(shared, on="domain", how="anti"))
    left_d, right_d = sides
    keys = _capped_keys(left_d, right_d, "domain", options, result)
    pairs = left_d.join(keys, on="domain").join(right_d, on="domain", suffix="_r")
    return pairs.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("domain"),
        score=pl.lit(1.0),
        rule=pl.lit("domain"),
        evidence=pl.col("domain"),
        country=pl.lit(""),
    )


def _compatible() -> pl.Expr:
    """Countries agree where both are known; domains, where both are known, differ by TLD only."""
    country = (
        (pl.col("country_code") == "")
        | (pl.col("country_code_r") == "")
        | (pl.col("country_code") == pl.col("country_code_r"))
    )
    domain = (
        (pl.col("label") == "") | (pl.col("label_r") == "") | (pl.col("label") == pl.col("label_r"))
    )
    return country & domain


def _unambiguous(candidates: pl.DataFrame) -> pl.DataFrame:
    """Drops every pair of a record that reaches two different companies on the other side:
    two different domains, or two different countries, among its compatible candidates."""
    ambiguous = []
    for own, other in (("row", "_r"), ("row_r", "")):
        label, country = f"label{other}", f"country_code{other}"
        spread = candidates.group_by(own).agg(
            pl.col(label).filter(pl.col(label) != "").n_unique().alias("labels"),
            pl.col(country).filter(pl.col(country) != "").n_unique().alias("countries"),
        )
        ambiguous.append(
            spread.filter((pl.col("labels") > 1) | (pl.col("countries") > 1)).select(own)
        )
    candidates = candidates.join(ambiguous[0], on="row", how="anti")
    return candidates.join(ambiguous[1], on="row_r", how="anti")


def _not_placeholder(key: str) -> pl.Expr:
    return (pl.col(key) != "") & ~pl.col(key).is_in(_PLACEHOLDER_SQUASHED)


def _exact_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    key: str,
    score: float,
    options: MatchOptions,
    result: MatchResult,
    found: list[pl.DataFrame],
    right_key: str | None = None,
) -> pl.DataFrame:
    """Pairs whose `key` is equal (or whose left `key` equals the right `right_key`)."""
    right_key = right_key or key
    left_k = left.filter(_not_placeholder(key))
    right_k = right.filter(_not_placeholder(right_key)).with_columns(
        pl.col(right_key).alias("__key")
    )
    left_k = left_k.with_columns(pl.col(key).alias("__key"))
    keys = _capped_keys(left_k, right_k, "__key", options, result)
    candidates = left_k.join(keys, on="__key").join(right_k, on="__key", suffix="_r")
    candidates = _unambiguous(candidates.filter(_compatible()))
    if key != "squashed" or right_key != "squashed":
        # The looser keys only for records that nothing has matched yet.
        done = pl.concat(found)
        candidates = candidates.join(
            done.select(row=pl.col("left")).unique(), on="row", how="anti"
        ).join(done.select(row_r=pl.col("right")).unique(), on="row_r", how="anti")
    pairs = candidates.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("name"),
        score=pl.lit(score),
        rule=pl.lit("label" if right_key != key else key.replace("squashed", "name")),
        evidence=pl.col("name_key") if right_key == key else pl.col("domain_r"),
        country=pl.when(pl.col("country_code") != "")
        .then(pl.col("country_code"))
        .otherwise(pl.col("country_code_r")),
    )
    return pairs.join(pl.concat(found), on=["left", "right"], how="anti")


def _swap(pairs: pl.DataFrame) -> pl.DataFrame:
    return pairs.rename({"left": "right", "right": "left"}).select(PAIR_SCHEMA.keys())


def _digits(keys: pl.Expr) -> pl.Expr:
    return keys.str.replace_all(r"[^0-9 ]+", "").str.replace_all(r"\s+", " ").str.strip_chars()


def _fuzzy_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    options: MatchOptions,
    result: MatchResult,
    found: list[pl.DataFrame],
) -> pl.DataFrame:
    done = pl.concat(found)
    usable = _not_placeholder("squashed") & (
        pl.col("squashed").str.len_chars() >= options.fuzzy_min_length
    )
    left_u = left.join(done.select(row=pl.col("left")), on="row", how="anti").filter(usable)
    right_u = right.join(done.select(row=pl.col("right")), on="row", how="anti").filter(usable)
    left_keys = left_u.select(pl.col("name_key").unique())
    right_keys = right_u.select(pl.col("name_key").unique())
    if not left_keys.height or not right_keys.height:
        return _empty_pairs()
    candidates = _neighbours(left_keys["name_key"], right_keys["name_key"], options)
    result.comparisons += candidates.height
    if not candidates.height:
        return _empty_pairs()
    left_names = left_keys["name_key"].gather(candidates["left_key"]).to_list()
    right_names = right_keys["name_key"].gather(candidates["right_key"]).to_list()
    scores = process.cpdist(left_names, right_names, scorer=options.scorer, workers=-1)
    scores = scores / options.score_scale
    scored = candidates.with_columns(score=pl.Series(scores, dtype=pl.Float64))
    # Winners are chosen on integer positions (fast to group); names come back for the few.
    winners = _clear_winners(scored, options)
    accepted = pl.DataFrame(
        {
            "left_key": left_keys["name_key"].gather(winners["left_key"]),
            "right_key": right_keys["name_key"].gather(winners["right_key"]),
            "score": winners["score"],
        }
    ).filter(_digits(pl.col("left_key")) == _digits(pl.col("right_key")))
    rows = left_u.join(accepted.with_columns(name_key=pl.col("left_key")), on="name_key").join(
        right_u.rename({"name_key": "right_key"}), on="right_key", suffix="_r"
    )
    counts = rows.group_by("left_key", "right_key").len()
    too_many = counts.filter(pl.col("len") > options.max_pairs_per_key)
    result.skipped_keys += too_many.height
    rows = rows.join(too_many, on=["left_key", "right_key"], how="anti")
    rows = _unambiguous(rows.filter(_compatible()))
    return rows.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("fuzzy"),
        score=pl.col("score").round(3),
        rule=pl.lit("fuzzy"),
        evidence=pl.concat_str([pl.col("left_key"), pl.col("right_key")], separator=" ~ "),
        country=pl.when(pl.col("country_code") != "")
        .then(pl.col("country_code"))
        .otherwise(pl.col("country_code_r")),
    )


def _neighbours(left: pl.Series, right: pl.Series, options: MatchOptions) -> pl.DataFrame:
    """Distinct (left name, right name) candidates, as positions in `left` and `right`: names
    of the two sides that sit within
    `window` places of each other when all names are sorted, and again when sorted by their
    reversed spelling (a typo near the start keeps the end of the name in order)."""
    names = pl.concat([left, right])
    side = np.concatenate([np.zeros(len(left), np.int8), np.ones(len(right), np.int8)])
    found_left: list[np.ndarray] = []
    found_right: list[np.ndarray] = []
    for keys in (names, names.str.reverse()):
        order = keys.arg_sort().to_numpy()
        sorted_side = side[order]
        for offset in range(1, options.window + 1):
            first, second = order[:-offset], order[offset:]
            cross = sorted_side[:-offset] != sorted_side[offset:]
            a, b = first[cross], second[cross]
            a_is_left = side[a] == 0
            found_left.append(np.where(a_is_left, a, b))
            found_right.append(np.where(a_is_left, b, a))
    if not found_left:
        return pl.DataFrame(schema={"left_key": pl.Int64, "right_key": pl.Int64})
    left_index = np.concatenate(found_left)
    right_index = np.concatenate(found_right) - len(left)
    return pl.DataFrame({"left_key": left_index, "right_key": right_index}).unique()


def _clear_winners(scored: pl.DataFrame, options: MatchOptions) -> pl.DataFrame:
    """Name pairs above the threshold whose score beats each side's next candidate by the
    margin and that both sides prefer."""
    best = []
    for own, other in (("left_key", "right_key"), ("right_key", "left_key")):
        top = scored.group_by(own).agg(pl.col("score").max().alias(f"best_{own}"))
        marked = scored.join(top, on=own).with_columns(
            is_best=pl.col("score") == pl.col(f"best_{own}")
        )
        winners = (
            marked.filter("is_best")
            .group_by(own)
            .agg(pl.len().alias("ties"), pl.col(other).first().alias(f"pick_{own}"))
        )
        runners_up = (
            marked.filter(~pl.col("is_best"))
            .group_by(own)
            .agg(pl.col("score").max().alias("runner_up"))
        )
        stats = top.join(winners, on=own).join(runners_up, on=own, how="left")
        # Two candidates sharing the best score leave no margin at all.
        second = (
            pl.when(pl.col("ties") > 1)
            .then(pl.col(f"best_{own}"))
            .otherwise(pl.col("runner_up").fill_null(0.0))
        )
        best.append(stats.select(own, f"best_{own}", f"pick_{own}", second.alias(f"second_{own}")))
    above = scored.filter(pl.col("score") >= options.fuzzy_threshold)
    scored = above.join(best[0], on="left_key").join(best[1], on="right_key")
    scored = scored.filter(
        (pl.col("score") >= options.fuzzy_threshold)
        & (pl.col("score") == pl.col("best_left_key"))
        & (pl.col("score") == pl.col("best_right_key"))
        & (pl.col("pick_left_key") == pl.col("right_key"))
        & (pl.col("pick_right_key") == pl.col("left_key"))
        & (pl.col("score") - pl.col("second_left_key") >= options.fuzzy_margin)
        & (pl.col("score") - pl.col("second_right_key") >= options.fuzzy_margin)
    )
    return scored.select("left_key", "right_key", "score")
