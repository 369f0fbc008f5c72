"""The engine's last rule: a whole name that is how exactly one longer name begins."""

import polars as pl

from roundtable.mapping.engine import MatchOptions, match_accounts
from roundtable.mapping.explain import explain
from roundtable.mapping.normalize import normalize_accounts


def accounts(*records: tuple[str, str] | tuple[str, str, str]) -> pl.DataFrame:
    rows = [
        {"row": i, "name": r[0], "website": r[1], "country": r[2] if len(r) > 2 else ""}
        for i, r in enumerate(records, start=1)
    ]
    return normalize_accounts(pl.DataFrame(rows, schema_overrides={"row": pl.UInt64}))


def pairs(left, right, options=None) -> dict[tuple[int, int], str]:
    result = match_accounts(left, right, options)
    return {
        (p["left"], p["right"]): f"{p['method']}/{p['rule']}"
        for p in result.pairs.iter_rows(named=True)
    }


def test_a_short_name_pairs_with_the_one_longer_name_that_begins_with_it():
    # Given two CRMs naming the same companies with and without their descriptors
    left = accounts(("Samsung", "samsung.com"), ("Zoom Video", ""), ("Careem", "careem.com"))
    right = accounts(
        ("Samsung Electronics Co. Ltd.", ""),
        ("ZOOM VIDEO COMMUNICATIONS INC.", "https://zoom.us/"),
        ("Careem Networks FZ-LLC", ""),
    )
    # When they are mapped, then each pair is found as a lower-confidence match
    assert pairs(left, right) == {(1, 1): "fuzzy/prefix", (2, 2): "fuzzy/prefix",
                                  (3, 3): "fuzzy/prefix"}  # fmt: skip
    # and the reason is said in words
    result = match_accounts(left, right)
    first = result.pairs.row(0, named=True)
    assert first["score"] == 0.9
    assert explain(first["rule"], first["evidence"], first["country"], first["score"]) == (
        "'samsung electronics' begins with the whole name 'samsung', and no other name does"
    )


def test_the_rule_works_in_both_directions():
    left = accounts(("Lululemon Athletica Inc.", ""))
    right = accounts(("lululemon", ""))
    assert pairs(left, right) == {(1, 1): "fuzzy/prefix"}


def test_a_name_that_begins_two_different_names_pairs_with_neither():
    left = accounts(("Delta", ""))
    right = accounts(("Delta Air Lines", ""), ("Delta Faucet Company", ""))
    assert pairs(left, right) == {}


def test_a_name_beside_a_longer_namesake_on_its_own_side_is_not_extended():
    # Given our CRM holds both Apple and Apple Bank, and theirs only Apple Bank Savings
    left = accounts(("Apple", ""), ("Apple Bank", ""))
    right = accounts(("Apple Bank Savings", ""))
    # Then Apple Bank is taken for it, and Apple is not
    assert pairs(left, right) == {(2, 1): "fuzzy/prefix"}


def test_a_domain_that_spells_the_extra_words_says_another_company():
    left = accounts(("Apple", ""))
    right = accounts(("Apple Bank", "https://www.applebank.com"))
    assert pairs(left, right) == {}


def test_different_numbers_countries_or_domains_say_different_companies():
    left = accounts(("Studio", ""), ("Mercury", "", "US"), ("Toyota", "toyota.com"))
    right = accounts(
        ("Studio 45 Design", ""), ("Mercury Technologies", "", "DE"), ("Toyota Tsusho", "tt.com")
    )
    assert pairs(left, right) == {}


def test_a_name_more_than_two_words_short_or_too_short_is_not_extended():
    left = accounts(("Apple", ""), ("Bca", ""))
    right = accounts(("Apple Bank for Savings", ""), ("Bca Central Asia", ""))
    assert pairs(left, right) == {}
    assert pairs(left, right, MatchOptions(prefix_max_extra_words=3)) == {(1, 1): "fuzzy/prefix"}


def test_records_already_matched_are_not_paired_again():
    # Given Samsung matched by its domain on both sides
    left = accounts(("Samsung", "samsung.com"))
    right = accounts(("Samsung", "samsung.com"), ("Samsung Electronics", ""))
    # Then the longer name gets no second pair from the rule
    assert pairs(left, right) == {(1, 1): "domain/domain"}


def test_without_fuzzy_the_rule_is_off():
    left = accounts(("Zoom Video", ""))
    right = accounts(("Zoom Video Communications", ""))
    assert pairs(left, right, MatchOptions(fuzzy=False)) == {}
