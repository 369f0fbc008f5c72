"""Company-name normalization: one key for 'The Acme Company, Inc.' and 'ACME co'.

Rules, in order: accents folded (NFKD, marks dropped, ß/ø/æ/ł … spelled in ASCII), lower case,
text in parentheses dropped ('Acme (EMEA)'), a web suffix glued to the name dropped
('Booking.com'), dots deleted so that initials stay one word ('S.A.' → 'sa', 'sp. z o.o.' →
'sp z oo'), '&' and '+' spelled 'and', apostrophes deleted, other punctuation → space, a leading
'the' and a leading legal form ('PT', 'OOO', 'AB' …) dropped, then trailing legal forms of many
countries (cleanco's term lists plus their spaced spellings), a dangling 'and' and a web suffix
spelled as a word ('Amazon Com Inc') dropped, as often as they repeat: 'Acme Holding GmbH & Co.
KG' → 'acme holding'. The first word always stays.

The rules exist twice on purpose, with one test holding them equal: `normalize_company_names`
runs them as a few native polars passes over millions of names (account mapping, imports), and
`normalize_company_name` runs them with Python's `re` for one name at a time (the directory),
where a polars call would cost ~1 ms of set-up per name.
"""

import re
import unicodedata
from functools import lru_cache

import polars as pl
from cleanco.clean import prepare_default_terms

# Letters NFKD does not decompose into ASCII.
SPECIAL_LETTERS = {
    "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŀ": "l", "ŧ": "t",
}  # fmt: skip
# Patterns valid in both Rust's regex (polars) and Python's re.
_NON_ASCII_DROPPED = "[’´™®©℠]"
_NON_ASCII_PUNCT = r"[^\w\s\x00-\x7F]+"
_PARENS = r"\([^)]*\)?"
_WEB_SUFFIX = (
    r"\.(?:com|net|org|io|ai|co|app|de|fr|nl|es|it|ch|at|be|se|dk|no|fi|pl|uk|us|eu)(?:[^a-z0-9]|$)"
)
_AND = "[&+]"
_DROPPED = "['.`]"
_AND_AND_DROPPED = {"&": " and ", "+": " and ", "'": "", ".": "", "`": ""}
# Runs of ASCII punctuation and spaces, skipping the lone spaces that need no rewrite (faster).
_ASCII_PUNCT = r" *[\x00-\x1f!-/:-`{-\x7F][\x00-/:-`{-\x7F]*| {2,}"

# Legal forms that open a name in some countries (Indonesia's PT, Russia's OOO, Sweden's AB …).
LEGAL_PREFIXES = (
    "pt", "cv", "ooo", "oao", "zao", "pao", "pjsc", "ojsc", "tov", "ab", "aktiebolaget", "ооо",
    "оао",
)  # fmt: skip
# A few forms cleanco lacks or spells differently once punctuation is gone.
_EXTRA_LEGAL_FORMS = (
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
    "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "srl", "spa", "oy", "ab", "as", "aps", "kg",
    "ug", "pty", "pvt", "llp", "lp", "pc", "sl", "tbk", "persero", "kabushiki kaisha", "gmbh co",
    "co ltd", "sdn", "bhd", "pte", "ltda", "sapi de cv", "sa de cv", "sab de cv", "se", "fz",
    "fze", "fzco", "fzc", "fz llc",
    "aktiengesellschaft", "aktiebolag", "jsc", "pjsc",
)  # fmt: skip
# Words dropped for the "core" key only: 'Acme Group' and 'Acme Holdings' are Acme.
CORE_DROPPED_WORDS = ("group", "groupe", "gruppe", "grupo", "holding", "holdings")


def _legal_forms() -> list[str]:
    forms: set[str] = set(_EXTRA_LEGAL_FORMS)
    for _length, parts in prepare_default_terms():
        text = " ".join(parts).lower().replace(".", "").replace("&", " and ")
        words = [w for w in re.sub(r"[^\w\s]+", " ", text).split() if w != "and"]
        if words:
            forms.add(" ".join(words))
    # 'S. A.' loses its dots but keeps its space: accept short initialisms spelled apart too.
    for form in list(forms):
        if form.isalpha() and form.isascii() and 2 <= len(form) <= 3:
            forms.add(" ".join(form))
    # Longest first so that the alternation prefers 'gmbh co kg' to 'kg'.
    return sorted(forms, key=lambda f: (-len(f), f))


LEGAL_FORMS = _legal_forms()
_FORMS = "|".join(re.escape(f).replace("\\ ", " ") for f in LEGAL_FORMS)
# 'Amazon Com Inc' (stock-listing style): a web suffix spelled as a word ends a name too.
_TRAILING_FORMS = rf"(?: (?:{_FORMS}|and|com))+$"
_LEADING = rf"^(?:the |(?:{'|'.join(LEGAL_PREFIXES)}) )+"
_CORE_TRAILING = rf"(?: (?:{'|'.join(CORE_DROPPED_WORDS)}))+$"


def _fold_non_ascii(expr: pl.Expr) -> pl.Expr:
    """Accents and letters outside ASCII; the costly passes, run only on names that need them."""
    return (
        expr.str.replace_all(_NON_ASCII_DROPPED, "")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}+", "")
        .str.to_lowercase()
        .str.replace_many(SPECIAL_LETTERS)
        .str.replace_all(_NON_ASCII_PUNCT, " ")
    )


def _ascii_rules(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all(_PARENS, " ")
        .str.replace_all(_WEB_SUFFIX, " ")
        .str.replace_many(_AND_AND_DROPPED)
        .str.replace_all(_ASCII_PUNCT, " ")
        .str.strip_chars()
        .str.replace(_LEADING, "")
        .str.replace(_TRAILING_FORMS, "")
    )


def normalize_company_names(names: pl.Series) -> pl.Series:
    """The bulk form: a polars Series of names → normalized keys ('' for none), same order."""
    names = names.fill_null("").cast(pl.String)
    lowered = names.str.to_lowercase()
    non_ascii = names.str.contains(r"[^\x00-\x7F]")
    if non_ascii.any():
        positions = non_ascii.arg_true()
        folded = pl.select(_fold_non_ascii(pl.lit(names.filter(non_ascii)))).to_series()
        lowered = lowered.scatter(positions, folded)
    return pl.select(_ascii_rules(pl.lit(lowered)).alias(names.name)).to_series()


def core_names(keys: pl.Expr) -> pl.Expr:
    """Normalized keys without a trailing 'group' / 'holding(s)': the bulk form of core_name."""
    return keys.str.replace(_CORE_TRAILING, "")


_RE_SPECIALS = str.maketrans(SPECIAL_LETTERS)
_RE_NON_ASCII_DROPPED = re.compile(_NON_ASCII_DROPPED)
_RE_NON_ASCII_PUNCT = re.compile(_NON_ASCII_PUNCT)
_RE_PARENS = re.compile(_PARENS)
_RE_WEB = re.compile(_WEB_SUFFIX)
_RE_AND = re.compile(_AND)
_RE_DROPPED = re.compile(_DROPPED)
_RE_ASCII_PUNCT = re.compile(_ASCII_PUNCT)
_RE_LEADING = re.compile(_LEADING)
_RE_TRAILING = re.compile(_TRAILING_FORMS)
_RE_CORE = re.compile(_CORE_TRAILING)


@lru_cache(maxsize=200_000)
def normalize_company_name(name: str) -> str:
    """One name → its key, by the same rules as `normalize_company_names`."""
    text = name or ""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", _RE_NON_ASCII_DROPPED.sub("", text))
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
        text = text.lower().translate(_RE_SPECIALS)
        text = _RE_NON_ASCII_PUNCT.sub(" ", text)
    text = _RE_PARENS.sub(" ", text)
    text = _RE_WEB.sub(" ", text)
    text = _RE_AND.sub(" and ", text)
    text = _RE_DROPPED.sub("", text)
    text = _RE_ASCII_PUNCT.sub(" ", text).strip()
    text = _RE_LEADING.sub("", text, count=1)
    return _RE_TRAILING.sub("", text, count=1)


def core_name(key: str) -> str:
    return _RE_CORE.sub("", key, count=1)
