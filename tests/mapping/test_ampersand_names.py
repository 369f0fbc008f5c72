"""Names with '&' whose company domain leaves the 'and' out: 'AT&T' / att.com, 'P&G' / pg.com."""

from tests.mapping.test_prefix_names import accounts, pairs


def test_an_ampersand_name_pairs_with_the_domain_that_spells_it_without_and():
    # Given one CRM with names only and another with the companies' domains
    left = accounts(("AT&T Inc.", ""), ("P&G", "", "US"), ("S&P Global", ""))
    right = accounts(
        ("American Telephone and Telegraph", "https://www.att.com/"),
        ("Procter & Gamble Co.", "pg.com", "United States"),
        ("Standard & Poor's", "spglobal.com"),
    )
    # When they are mapped, then each name meets its domain
    assert pairs(left, right) == {(1, 1): "name/label", (2, 2): "name/label",
                                  (3, 3): "name/label"}  # fmt: skip


def test_the_rule_keeps_the_country_and_domain_guards():
    # Given an '&' name in one country and a domain of the same letters in another
    left = accounts(("P&G", "", "Germany"), ("A&B", "ab-partners.com"))
    right = accounts(("Procter & Gamble Co.", "pg.com", "United States"), ("AB", "ab.com"))
    # When they are mapped, then neither is paired
    assert pairs(left, right) == {}
