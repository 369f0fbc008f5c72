"""Company-name normalization: one key for 'The Acme Company, Inc.' and 'ACME co'.

Rules (in order): transliterate accents, lower-case, '&' → 'and', punctuation → space, drop a
leading 'the', drop trailing legal forms of many countries (cleanco's term lists, applied
repeatedly: 'Acme Holding GmbH & Co. KG' → 'acme holding'). The directory keys organizations
without a domain by this; account mapping applies the same rules in bulk.
"""

import re
import unicodedata
from functools import lru_cache

from cleanco.clean import prepare_default_terms

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _legal_suffixes() -> frozenset[tuple[str, ...]]:
    terms = set()
    for _length, parts in prepare_default_terms():
        words = tuple(_PUNCT.sub(" ", " ".join(parts)).replace(" and ", " ").split())
        words = tuple(w for w in words if w != "and")
        if words:
            terms.add(words)
    # Forms cleanco lacks or spells differently once punctuation is gone.
    for extra in (
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "srl",
        "spa",
        "oy",
        "ab",
        "as",
        "aps",
        "kg",
        "ug",
        "pty",
        "pvt",
        "llp",
        "lp",
        "pc",
        "sl",
    ):
        terms.add((extra,))
    return frozenset(terms)


LEGAL_SUFFIXES = _legal_suffixes()
_MAX_SUFFIX_WORDS = max(len(t) for t in LEGAL_SUFFIXES)


def fold(text: str) -> str:
    """Lower-case ASCII words: accents removed, '&' spelled out, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    text = text.replace("'", "").replace("’", "")
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def _join_initials(words: list[str]) -> list[str]:
    """'s a' → 'sa', 'l l c' → 'llc': dotted abbreviations lose their dots as punctuation."""
    joined: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


@lru_cache(maxsize=200_000)
def normalize_company_name(name: str) -> str:
    words = _join_initials(fold(name).split())
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    # Strip legal forms from the end, longest first, while a real name remains.
    changed = True
    while changed and len(words) > 1:
        changed = False
        if words[-1] == "and" and len(words) > 2:
            words = words[:-1]
            changed = True
            continue
        for size in range(min(_MAX_SUFFIX_WORDS, len(words) - 1), 0, -1):
            if tuple(words[-size:]) in LEGAL_SUFFIXES:
                words = words[:-size]
                changed = True
                break
    return " ".join(words)
