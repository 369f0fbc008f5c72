"""The matching engine: which records of two account sets are the same company.

A cascade, strongest evidence first; each pair carries its `method` and `score`:

1. `domain` (score 1.0): the same registrable domain. A domain that one side gives to clearly
   different companies (three or more different first name words) is not used there.
2. `name` (score 1.0): the same normalized name, spaces ignored ('coca cola' = 'cocacola'),
   then (score 0.99) the same core name ('Acme Group' = 'Acme'), then (score 0.98) a name equal
   to the other record's domain ('Bank of America' / bankofamerica.com); only where the domains
   are missing or differ only by TLD (acme.com / acme.de), and where both records have a
   country, the same country. The core and domain-name rules only pair records that nothing
   has matched yet.
3. `fuzzy` (score = rapidfuzz's ratio of the two core names): names one slip of the keyboard
   apart, among the records still unmatched. One slip is a letter left out or typed twice (at a
   similarity ≥ `fuzzy_threshold`), two neighbouring letters swapped (in names of at least
   `transposition_min_length` letters), or one letter replaced (only in long names, similarity
   ≥ `substitution_threshold`: a different letter is how different companies' names differ,
   'Acme' / 'Acne'). A pair is accepted only when each name has no other candidate within one
   slip (a clear margin over the next name), the numbers in both names agree, and the
   country and domain guards of the name tier hold. Candidates come from a sorted
   neighbourhood of the names and of the reversed names (a slip near the start keeps the end
   in order), so every name meets at most 2 × `window` others on each ordering; a character
   signature and the lengths discard pairs that cannot be one slip apart before any string
   comparison.

   Then (score 0.9, lower confidence still) a whole name that is how exactly one longer name
   begins, word for word, one or two words short of it ('Zoom Video' / 'Zoom Video
   Communications', 'Samsung' / 'Samsung Electronics'), between two records nothing has
   matched: not where another name on the long side begins so or is that name, nor where the
   short record's own side has a longer name beginning so ('Apple' beside 'Apple Bank'), nor
   where the long record's domain spells the extra words (applebank.com), nor where the numbers
   differ; the country and domain guards of the name tier hold.

Guards at every tier: a record that reaches two different companies on the other side (two
domains, or two countries) is not matched, whichever tier found it; a key that would pair more
than `max_pairs_per_key` records (a placeholder such as 'n/a', or a million rows of one name) is
not used; names that are placeholders never match by name.

One-to-one or not: a record is matched to at most one company of the other side. When one side
holds several records of that company (CRM duplicates), the record pairs with each of them, so
a pair list may hold (3, 7) and (3, 9) when right rows 7 and 9 are the same company.

Speed: keys are compared as 64-bit hashes (every pair found is checked on the text itself), and
each tier first keeps only the records whose key the other side has, so the guards run on the
few records that can match rather than on millions.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

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
    # A letter left out or doubled: accepted at this similarity (names of five letters or more).
    fuzzy_threshold: float = 0.9
    # Two neighbouring letters swapped ('Twilio' / 'Twlio'): accepted in names this long.
    transposition_min_length: int = 6
    # One letter replaced: accepted only at this similarity (about twenty letters and more).
    substitution_threshold: float = 0.95
    # Shorter names are too easy to confuse by one letter.
    fuzzy_min_length: int = 5
    window: int = 5
    # A short name that is how exactly one longer name begins ('Zoom Video' / 'Zoom Video
    # Communications'): the short name this long at least, the long one at most this many
    # words longer.
    prefix_min_length: int = 4
    prefix_max_extra_words: int = 2
    max_pairs_per_key: int = 1000
    max_domain_families: int = 2


@dataclass
class MatchResult:
    """`pairs`: left, right (the frames' `row` values), method, score, rule, evidence (the
    domain, name or names that decided) and country (for the explanation)."""

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
    # Which rule decided (domain, name, core, label, fuzzy, prefix) and on what (the explanation).
    "rule": pl.String,
    "evidence": pl.String,
    "country": pl.String,
}
_SIDE_COLUMNS = ["row", "name_key", "squashed", "core", "domain", "label", "country_code"]
# The keys compared by equality, each with its 64-bit hash column.
_HASHED = ("squashed", "core", "joined", "domain", "label")
_EMPTY_HASH = pl.Series([""]).hash().item()
# What the guards need to know of the two records of every pair found.
_PARTIES = {"left_label": pl.String, "left_country": pl.String,
            "right_label": pl.String, "right_country": pl.String}  # fmt: skip


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema=PAIR_SCHEMA | _PARTIES)


def _side(frame: pl.DataFrame) -> pl.DataFrame:
    # `joined`: the name without its 'and' words, as domains spell '&' names ('AT&T' / att.com,
    # 'P&G' / pg.com); read only by the rule that compares names with the other's domain.
    joined = (
        pl.col("name_key")
        .str.replace_all(" and ", " ", literal=True)
        .str.replace_all(" ", "", literal=True)
    )
    return (
        frame.select(_SIDE_COLUMNS)
        .with_columns(pl.col("row").cast(pl.UInt64), joined=joined)
        .with_columns(*(pl.col(k).hash().alias(f"h_{k}") for k in _HASHED))
    )


def _name_candidates(side: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """The records whose name, core name or domain label the other side has among its names,
    core names and labels: the only ones any name rule can pair (a small share of most sets)."""
    names = ["h_squashed", "h_core", "h_joined", "h_label"]
    known = pl.concat([other[h] for h in names]).unique()
    known = known.filter(known != _EMPTY_HASH).implode()
    return side.filter(pl.any_horizontal(pl.col(h).is_in(known) for h in names))


class _Found:
    """The pairs found so far, which records they matched, and with whom."""

    def __init__(self) -> None:
        self.frames: list[pl.DataFrame] = []
        self._rows: dict[str, pl.Series] = {}

    def add(self, pairs: pl.DataFrame) -> None:
        if self.frames:
            pairs = pairs.join(self.pairs(), on=["left", "right"], how="anti")
        self.frames.append(pairs.select((PAIR_SCHEMA | _PARTIES).keys()))
        self._rows.clear()

    def pairs(self) -> pl.DataFrame:
        return pl.concat(self.frames) if self.frames else _empty_pairs()

    def rows(self, side: str) -> pl.Series:
        """The records of `side` that some pair holds."""
        if side not in self._rows:
            self._rows[side] = self.pairs()[side].unique()
        return self._rows[side]

    def partners(self, side: str, rows: pl.Series) -> pl.DataFrame:
        """(row, label, country_code) of the records already paired with `rows` of `side`."""
        other = "right" if side == "left" else "left"
        return (
            self.pairs()
            .filter(pl.col(side).is_in(rows.implode()))
            .select(row=pl.col(side), label=f"{other}_label", country_code=f"{other}_country")
        )


def match_accounts(
    left: pl.DataFrame, right: pl.DataFrame, options: MatchOptions | None = None
) -> MatchResult:
    """Pairs of records that are the same company. Both frames come from `normalize_accounts`
    and carry a `row` column that identifies each record (a row number or an account id)."""
    options = options or MatchOptions()
    started = time.monotonic()
    left, right = _side(left), _side(right)
    result = MatchResult(_empty_pairs(), left.height, right.height)
    found = _Found()
    found.add(_domain_pairs(left, right, options, result))
    named_left, named_right = _name_candidates(left, right), _name_candidates(right, left)

    def names(key: str, right_key: str, score: float) -> None:
        found.add(
            _name_pairs(named_left, named_right, key, right_key, score, options, result, found)
        )

    names("squashed", "squashed", 1.0)
    names("core", "core", 0.99)
    # A name that is the other record's domain ('Bank of America' / bankofamerica.com,
    # 'AT&T' / att.com: the name without its 'and' words, read only for the names that have
    # them; for the others it is the name itself, which the first round compared already).
    with_and = pl.col("h_joined") != pl.col("h_squashed")
    for key in ("squashed", "core", "joined"):
        keyed_left, keyed_right = named_left, named_right
        if key == "joined":
            keyed_left, keyed_right = named_left.filter(with_and), named_right.filter(with_and)
        found.add(_name_pairs(keyed_left, named_right, key, "label", 0.98, options, result, found))
        flipped = _name_pairs(
            keyed_right, named_left, key, "label", 0.98, options, result, found, swap=True
        )
        found.add(_swap(flipped))
    if options.fuzzy:
        found.add(_fuzzy_pairs(left, right, options, result, found))
        prefixes = _word_prefixes(left, options), _word_prefixes(right, options)
        found.add(_prefix_pairs(left, right, prefixes, options, result, found))
        flipped = _prefix_pairs(right, left, prefixes[::-1], options, result, found, swap=True)
        found.add(_swap(flipped))
    pairs = found.pairs().select(PAIR_SCHEMA.keys()).sort("left", "right")
    result.pairs = pairs
    result.by_method = {m: pairs.filter(pl.col("method") == m).height for m in METHODS}
    result.seconds = time.monotonic() - started
    return result


def _on_both_sides(
    left: pl.DataFrame, right: pl.DataFrame, left_hash: str, right_hash: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The records of each side whose key the other side has too (the few that can match)."""
    left = left.filter(pl.col(left_hash).is_in(right[right_hash].implode()))
    right = right.filter(pl.col(right_hash).is_in(left[left_hash].implode()))
    return left, right


def _capped_join(
    left: pl.DataFrame,
    right: pl.DataFrame,
    left_key: str,
    right_key: str,
    options: MatchOptions,
    result: MatchResult,
) -> pl.DataFrame:
    """Record pairs whose keys are equal, for keys whose record pairs stay under the cap (the
    many-to-many guard: one key shared by a million rows on each side must not make 10¹²
    pairs). Right columns get the suffix `_r`."""
    left = left.with_columns(__key=pl.col(left_key), __hash=pl.col(f"h_{left_key}"))
    right = right.with_columns(__key=pl.col(right_key), __hash=pl.col(f"h_{right_key}"))
    counts = (
        left.group_by("__hash")
        .len("n_left")
        .join(right.group_by("__hash").len("n_right"), on="__hash")
    )
    too_many = pl.col("n_left") * pl.col("n_right") > options.max_pairs_per_key
    result.skipped_keys += counts.filter(too_many).height
    keys = counts.filter(~too_many).select("__hash")
    pairs = left.join(keys, on="__hash").join(right, on="__hash", suffix="_r")
    # Hashes found the candidates; the keys themselves decide.
    return pairs.filter(pl.col("__key") == pl.col("__key_r"))


def _parties(swap: bool = False) -> dict[str, pl.Expr]:
    sides = {
        "left_label": pl.col("label"),
        "left_country": pl.col("country_code"),
        "right_label": pl.col("label_r"),
        "right_country": pl.col("country_code_r"),
    }
    if swap:
        sides = dict(zip(sides, [sides[k] for k in list(sides)[2:] + list(sides)[:2]], strict=True))
    return sides


def _domain_pairs(
    left: pl.DataFrame, right: pl.DataFrame, options: MatchOptions, result: MatchResult
) -> pl.DataFrame:
    columns = ["row", "name_key", "domain", "h_domain", "label", "country_code"]
    left, right = (
        f.select(columns).filter(pl.col("h_domain") != _EMPTY_HASH) for f in (left, right)
    )
    left, right = _on_both_sides(left, right, "h_domain", "h_domain")
    sides = []
    for frame in (left, right):
        family = pl.col("name_key").str.split_exact(" ", 0).struct.field("field_0")
        shared = (
            frame.group_by("h_domain")
            .agg(family.n_unique().alias("families"))
            .filter(pl.col("families") > options.max_domain_families)
        )
        sides.append(frame.join(shared, on="h_domain", how="anti"))
    pairs = _capped_join(*sides, "domain", "domain", options, result)
    return pairs.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("domain"),
        score=pl.lit(1.0),
        rule=pl.lit("domain"),
        evidence=pl.col("domain"),
        country=pl.lit(""),
        **_parties(),
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


def _unambiguous(candidates: pl.DataFrame, found: _Found, *, swap: bool = False) -> pl.DataFrame:
    """Drops every pair of a record that would reach two different companies on the other
    side: two different domains, or two different countries, among its compatible candidates
    and the partners it already has. With `swap`, `row` is a right record."""
    sides = ("right", "left") if swap else ("left", "right")
    for own, side, other in (("row", sides[0], "_r"), ("row_r", sides[1], "")):
        label, country = f"label{other}", f"country_code{other}"
        reached = pl.concat(
            [
                candidates.select(row=own, label=label, country_code=country),
                found.partners(side, candidates[own].unique()),
            ]
        )
        spread = reached.group_by("row").agg(
            pl.col("label").filter(pl.col("label") != "").n_unique().alias("labels"),
            pl.col("country_code")
            .filter(pl.col("country_code") != "")
            .n_unique()
            .alias("countries"),
        )
        ambiguous = spread.filter((pl.col("labels") > 1) | (pl.col("countries") > 1))
        candidates = candidates.join(ambiguous.select(pl.col("row").alias(own)), on=own, how="anti")
    return candidates


def _not_both_matched(
    candidates: pl.DataFrame, found: _Found, *, swap: bool = False
) -> pl.DataFrame:
    """The looser rules pair a record nothing has matched yet, with an unmatched record or
    with one already matched (a CRM duplicate of a company found before), never two records
    that both have their company already."""
    own, other = ("right", "left") if swap else ("left", "right")
    both = pl.col("row").is_in(found.rows(own).implode()) & pl.col("row_r").is_in(
        found.rows(other).implode()
    )
    return candidates.filter(~both)


def _not_placeholder(key: str) -> pl.Expr:
    return ~pl.col(key).is_in(_PLACEHOLDER_SQUASHED)


def _name_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    key: str,
    right_key: str,
    score: float,
    options: MatchOptions,
    result: MatchResult,
    found: _Found,
    *,
    swap: bool = False,
) -> pl.DataFrame:
    """Pairs whose left `key` equals the right `right_key` (the same name, the same core name,
    or a name equal to the other's domain label). With `swap`, `left` is the right side."""
    # The evidence: the domain a name equals (the right record's), else the name itself.
    evidence = ["domain"] if right_key == "label" else []
    common = ["row", "label", "country_code"]
    left = left.select(*dict.fromkeys([*common, key, f"h_{key}", "name_key"]))
    right = right.select(*dict.fromkeys([*common, right_key, f"h_{right_key}", *evidence]))
    left = left.filter(pl.col(f"h_{key}") != _EMPTY_HASH)
    right = right.filter(pl.col(f"h_{right_key}") != _EMPTY_HASH)
    left, right = _on_both_sides(left, right, f"h_{key}", f"h_{right_key}")
    left = left.filter(_not_placeholder(key))
    right = right.filter(_not_placeholder(right_key))
    candidates = _capped_join(left, right, key, right_key, options, result)
    candidates = candidates.filter(_compatible())
    if (key, right_key) != ("squashed", "squashed"):
        candidates = _not_both_matched(candidates, found, swap=swap)
    candidates = _unambiguous(candidates, found, swap=swap)
    rule = "label" if right_key == "label" else key.replace("squashed", "name")
    return candidates.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("name"),
        score=pl.lit(score),
        rule=pl.lit(rule),
        evidence=pl.col("domain" if evidence else "name_key"),
        country=pl.when(pl.col("country_code") != "")
        .then(pl.col("country_code"))
        .otherwise(pl.col("country_code_r")),
        **_parties(swap),
    )


def _swap(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs made with the sides swapped, put back the right way round (the parties' columns
    were already written for the true sides)."""
    return pairs.rename({"left": "right", "right": "left"}).select((PAIR_SCHEMA | _PARTIES).keys())


def _digits(keys: pl.Expr) -> pl.Expr:
    return keys.str.replace_all(r"[^0-9]+", "")


# One bit per letter and digit, one for any other byte: names one slip apart differ in at most
# two bits (a replaced letter takes one bit away and adds another; a swap changes none).
_CHARACTER_BITS = np.full(256, 1 << 36, dtype=np.uint64)
for _bit, _char in enumerate("abcdefghijklmnopqrstuvwxyz0123456789"):
    _CHARACTER_BITS[ord(_char)] = np.uint64(1 << _bit)
# Keys are ordered by their first (or last) 24 bytes: names that share more are neighbours anyway.
_SORT_WORDS = 3


class _KeyBytes:
    """Non-empty keys as one byte buffer, for the per-key work numpy does at C speed."""

    def __init__(self, keys: pl.Series, tiebreak: np.ndarray) -> None:
        # Keys whose sorted bytes are equal are ordered by `tiebreak`, so that the neighbours
        # (and the pairs found) never depend on the order the keys came in.
        self.tiebreak = tiebreak
        self.data = np.frombuffer(keys.str.join("").item().encode(), dtype=np.uint8)
        self.lengths = keys.str.len_bytes().to_numpy().astype(np.int64)
        self.starts = np.zeros(len(keys), dtype=np.int64)
        np.cumsum(self.lengths[:-1], out=self.starts[1:])

    def signatures(self) -> np.ndarray:
        """The set of characters of each key, as a 64-bit mask (in slices of keys: the
        per-byte masks of a million names would take a quarter of a gigabyte)."""
        masks = []
        step = 100_000
        for first in range(0, len(self.starts), step):
            starts = self.starts[first : first + step]
            end = starts[-1] + self.lengths[first + len(starts) - 1]
            bits = _CHARACTER_BITS[self.data[starts[0] : end]]
            masks.append(np.bitwise_or.reduceat(bits, starts - starts[0]))
        return np.concatenate(masks)

    def sort_order(self, reverse: bool = False) -> np.ndarray:
        """Positions of the keys in byte order of their spelling (or of their reversed
        spelling), on the first `_SORT_WORDS` × 8 bytes."""
        data, starts = self.data, self.starts
        if reverse:
            data = data[::-1]
            starts = len(data) - self.starts - self.lengths
        padded = np.concatenate([data, np.zeros(8 * _SORT_WORDS, dtype=np.uint8)])
        # Eight bytes read as one big-endian number from any offset: a key's first eight
        # bytes in one gather, the next eight in another.
        windows = np.ndarray(
            shape=(len(padded) - 7,), dtype=">u8", buffer=padded, offset=0, strides=(1,)
        )
        words = {}
        for word in range(_SORT_WORDS):
            remaining = np.minimum(np.maximum(self.lengths - 8 * word, 0), 8).astype(np.uint64)
            # Bytes past the key's end belong to the next key: masked to zero.
            keep = ~(np.left_shift(np.uint64(1), np.uint64(8) * (8 - remaining)) - np.uint64(1))
            keep[remaining == 0] = 0
            words[f"w{word}"] = windows[starts + 8 * word].astype(np.uint64) & keep
        words["tiebreak"] = self.tiebreak
        order = pl.DataFrame(words).select(pl.arg_sort_by(list(words)))
        return order.to_series().to_numpy()


def _fuzzy_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    options: MatchOptions,
    result: MatchResult,
    found: _Found,
) -> pl.DataFrame:
    columns = ["row", "core", "name_key", "label", "country_code"]
    usable = _not_placeholder("squashed") & (
        pl.col("core").str.len_chars() >= options.fuzzy_min_length
    )
    left_u, right_u = (f.filter(usable).select(columns) for f in (left, right))
    left_keys = left_u["core"].unique()
    right_keys = right_u["core"].unique()
    if left_keys.is_empty() or right_keys.is_empty():
        return _empty_pairs()
    accepted = _one_slip_apart(left_keys, right_keys, options, result)
    rows = left_u.join(accepted, on="core").join(
        right_u.rename({"core": "right_core"}), on="right_core", suffix="_r"
    )
    counts = rows.group_by("core", "right_core").len()
    too_many = counts.filter(pl.col("len") > options.max_pairs_per_key)
    result.skipped_keys += too_many.height
    rows = rows.join(too_many, on=["core", "right_core"], how="anti")
    rows = _not_both_matched(rows.filter(_compatible()), found)
    rows = _unambiguous(rows, found)
    return rows.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("fuzzy"),
        score=pl.col("score"),
        rule=pl.lit("fuzzy"),
        evidence=pl.concat_str([pl.col("name_key"), pl.col("name_key_r")], separator=" ~ "),
        country=pl.when(pl.col("country_code") != "")
        .then(pl.col("country_code"))
        .otherwise(pl.col("country_code_r")),
        **_parties(),
    )


def _word_prefixes(side: pl.DataFrame, options: MatchOptions) -> pl.DataFrame:
    """(squashed, prefix) for every distinct name of `side` and every proper prefix of its
    whole words ('zoomvideo' of 'zoom video communications'), at most
    `prefix_max_extra_words` words short of the whole name. Computed once per side: both
    directions of the prefix rule read it."""
    named = (
        side.select("name_key", "squashed")
        .unique("name_key")
        .select("squashed", words=pl.col("name_key").str.split(" "))
        .filter(pl.col("words").list.len() > 1)
    )
    frames = []
    for taken in range(1, int(named["words"].list.len().max() or 1)):
        extra = pl.col("words").list.len() - taken
        frames.append(
            named.filter(extra >= 1, extra <= options.prefix_max_extra_words).select(
                "squashed", prefix=pl.col("words").list.slice(0, taken).list.join("")
            )
        )
    if not frames:
        return pl.DataFrame(schema={"squashed": pl.String, "prefix": pl.String})
    return pl.concat(frames).unique()


def _prefix_pairs(
    short: pl.DataFrame,
    long: pl.DataFrame,
    prefixes: tuple[pl.DataFrame, pl.DataFrame],
    options: MatchOptions,
    result: MatchResult,
    found: _Found,
    *,
    swap: bool = False,
) -> pl.DataFrame:
    """Pairs of two records nothing has matched yet where the short record's whole name is how
    the long record's name begins, word for word ('Samsung' / 'Samsung Electronics'). Only
    where that says one company: no other name on the long side begins so or is that name, the
    short side has no longer name beginning so itself ('Apple' next to 'Apple Bank'), the
    numbers agree ('Studio' / 'Studio 45 Design'), the long record's domain does not spell its
    extra words (applebank.com for 'Apple Bank'), and the guards of the name tier hold. With
    `swap`, `short` is the right side. `prefixes`: the word prefixes of short and long."""
    own, other = ("right", "left") if swap else ("left", "right")
    columns = ["row", "name_key", "squashed", "label", "country_code"]
    short_u = short.filter(
        ~pl.col("row").is_in(found.rows(own).implode()),
        _not_placeholder("squashed"),
        pl.col("squashed").str.len_chars() >= options.prefix_min_length,
    ).select(columns)
    if short_u.is_empty():
        return _empty_pairs()
    keys = short_u["squashed"].unique()
    wanted = pl.col("prefix").is_in(keys.implode())
    opened = prefixes[1].filter(wanted)
    whole = long.filter(pl.col("squashed").is_in(keys.implode())).select(
        "squashed", prefix="squashed"
    )
    names_per_prefix = pl.concat([opened, whole]).group_by("prefix")
    one_name = names_per_prefix.agg(pl.col("squashed").n_unique().alias("names")).filter(
        pl.col("names") == 1
    )
    own_openers = prefixes[0].filter(wanted)["prefix"].unique().implode()
    long_u = long.filter(~pl.col("row").is_in(found.rows(other).implode())).select(columns)
    candidates = (
        opened.join(one_name.select("prefix"), on="prefix")
        .filter(~pl.col("prefix").is_in(own_openers))
        .join(long_u, on="squashed")
        .rename({"squashed": "squashed_r"})
    )
    pairs = short_u.join(candidates, left_on="squashed", right_on="prefix", suffix="_r")
    spells_more = (
        (pl.col("label_r") != "")
        & pl.col("label_r").str.starts_with(pl.col("squashed"))
        & (pl.col("label_r").str.len_chars() > pl.col("squashed").str.len_chars())
    )
    pairs = pairs.filter(
        _compatible(),
        ~spells_more,
        _digits(pl.col("squashed")) == _digits(pl.col("squashed_r")),
    )
    counts = pairs.group_by("squashed").len()
    too_many = counts.filter(pl.col("len") > options.max_pairs_per_key)
    result.skipped_keys += too_many.height
    pairs = _unambiguous(pairs.join(too_many, on="squashed", how="anti"), found, swap=swap)
    return pairs.select(
        left=pl.col("row"),
        right=pl.col("row_r"),
        method=pl.lit("fuzzy"),
        score=pl.lit(0.9),
        rule=pl.lit("prefix"),
        evidence=pl.concat_str([pl.col("name_key"), pl.col("name_key_r")], separator=" ~ "),
        country=pl.when(pl.col("country_code") != "")
        .then(pl.col("country_code"))
        .otherwise(pl.col("country_code_r")),
        **_parties(swap),
    )


def _one_slip_apart(
    left_keys: pl.Series, right_keys: pl.Series, options: MatchOptions, result: MatchResult
) -> pl.DataFrame:
    """(core, right_core, score) of the key pairs the fuzzy tier accepts."""
    keys = pl.concat([left_keys, right_keys])
    # The same key on both sides gets two tiebreaks: its hash, and which side it is on.
    side = np.arange(len(keys)) >= len(left_keys)
    spelled = _KeyBytes(keys, (keys.hash().to_numpy() & ~np.uint64(1)) | side.astype(np.uint64))
    lengths = keys.str.len_chars().to_numpy().astype(np.int64)
    first, second = _neighbours(spelled, lengths, len(left_keys), options, result)
    candidates = pl.DataFrame({"l": first, "r": second}).unique()
    pair_keys = pl.DataFrame(
        {"core": keys.gather(candidates["l"]), "right_core": keys.gather(candidates["r"])}
    )
    slips = process.cpdist(
        pair_keys["core"].to_list(),
        pair_keys["right_core"].to_list(),
        scorer=OSA.distance,
        score_cutoff=2,
        workers=-1,
    )
    near = pair_keys.with_columns(slips=pl.Series(slips, dtype=pl.Int64)).filter(
        pl.col("slips") == 1
    )
    # A clear margin: each name's only other name within one slip, on both sides.
    near = near.filter((pl.len().over("core") == 1) & (pl.len().over("right_core") == 1))
    near = near.filter(_digits(pl.col("core")) == _digits(pl.col("right_core")))
    if near.is_empty():
        return pl.DataFrame(
            schema={"core": pl.String, "right_core": pl.String, "score": pl.Float64}
        )
    first_keys, second_keys = near["core"].to_list(), near["right_core"].to_list()
    ratios = process.cpdist(first_keys, second_keys, scorer=fuzz.ratio, workers=-1) / 100.0
    edits = process.cpdist(first_keys, second_keys, scorer=Levenshtein.distance, workers=-1)
    near = near.with_columns(
        score=pl.Series(ratios, dtype=pl.Float64).round(3),
        edits=pl.Series(edits, dtype=pl.Int64),
        length=pl.col("core").str.len_chars(),
        same_length=pl.col("core").str.len_chars() == pl.col("right_core").str.len_chars(),
    )
    # One slip and the same length: a replaced letter (one edit) or a swap (two edits).
    left_out_or_doubled = ~pl.col("same_length") & (pl.col("score") >= options.fuzzy_threshold)
    swapped = (
        pl.col("same_length")
        & (pl.col("edits") == 2)
        & (pl.col("length") >= options.transposition_min_length)
    )
    replaced = (
        pl.col("same_length")
        & (pl.col("edits") == 1)
        & (pl.col("score") >= options.substitution_threshold)
    )
    return near.filter(left_out_or_doubled | swapped | replaced).select(
        "core", "right_core", "score"
    )


def _neighbours(
    spelled: _KeyBytes,
    lengths: np.ndarray,
    left_count: int,
    options: MatchOptions,
    result: MatchResult,
) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) positions of the keys of the two sides (left keys first, then right keys)
    that sit within `window` places of each other when all keys are sorted, and again when
    sorted by their reversed spelling (a slip near the start keeps the end of the name in
    order), and that can be one slip apart: lengths within one, character sets differing in
    at most two characters. Not deduplicated."""
    is_right = np.arange(len(lengths)) >= left_count
    signatures = spelled.signatures()
    found_left: list[np.ndarray] = []
    found_right: list[np.ndarray] = []
    for reverse in (False, True):
        order = spelled.sort_order(reverse)
        # Compared in sorted order, where each offset is a shifted view: no gathers.
        side, length, signature = is_right[order], lengths[order], signatures[order]
        for offset in range(1, options.window + 1):
            cross = side[:-offset] != side[offset:]
            result.comparisons += int(np.count_nonzero(cross))
            close = (
                cross
                & (np.abs(length[:-offset] - length[offset:]) <= 1)
                & (np.bitwise_count(signature[:-offset] ^ signature[offset:]) <= 2)
            )
            at = np.flatnonzero(close)
            first, second = order[at], order[at + offset]
            first_is_left = ~is_right[first]
            found_left.append(np.where(first_is_left, first, second))
            found_right.append(np.where(first_is_left, second, first))
    return np.concatenate(found_left), np.concatenate(found_right)
