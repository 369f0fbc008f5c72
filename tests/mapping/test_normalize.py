"""Normalization: the keys two CRM records of one company share, in bulk and one at a time."""

import polars as pl
import pytest

from roundtable.core.domains import registrable_domain, registrable_domains
from roundtable.core.names import normalize_company_name, normalize_company_names
from roundtable.mapping.countries import country_code
from tests.mapping.evaluation import build

NAMES = {
    "The Acme Company, Inc.": "acme",
    "ACME co": "acme",
    "Acme Holding GmbH & Co. KG": "acme holding",
    "Société Générale S.A.": "societe generale",
    "Nestlé S. A.": "nestle",
    "PT Bank Central Asia Tbk": "bank central asia",
    "Müller & Söhne GmbH": "muller and sohne",
    "Booking.com B.V.": "booking",
    "J.P. Morgan Chase & Co.": "jp morgan chase",
    "Foo sp. z o.o.": "foo",
    "Ørsted A/S": "orsted",
    "Grupo Bimbo, S.A.B. de C.V.": "grupo bimbo",
    "L’Oréal S.A.": "loreal",
    "Acme (EMEA) Ltd": "acme",
    "Procter & Gamble Co.": "procter and gamble",
    "Procter and Gamble": "procter and gamble",
    "ООО Яндекс": "яндекс",
    "AG": "ag",
}
WEBSITES = {
    "HTTPS://www.Acme.com:443/about": "acme.com",
    "shop.acme.com": "acme.com",
    "investor.acme.co.uk": "acme.co.uk",
    "info@acme.com": "acme.com",
    "acme.com (en)": "acme.com",
    "acme.com, acme.de": "acme.com",
    "münchen.de": "xn--mnchen-3ya.de",
    "xn--mnchen-3ya.de": "xn--mnchen-3ya.de",
    "gmail.com": "",
    "acme.myshopify.com": "",
    "https://www.linkedin.com/company/acme": "",
    "linkedin.com": "linkedin.com",
    "sites.google.com/view/acme": "",
    "http://192.168.0.1/": "",
    "localhost": "",
    "www.city.kawasaki.jp": "city.kawasaki.jp",
    "": "",
}


@pytest.mark.parametrize(("name", "key"), NAMES.items())
def test_names_of_one_company_share_a_key(name, key):
    assert normalize_company_name(name) == key


@pytest.mark.parametrize(("cell", "domain"), WEBSITES.items())
def test_a_website_cell_gives_the_company_domain_or_nothing(cell, domain):
    assert registrable_domain(cell) == domain


def test_bulk_and_single_normalization_agree_on_every_name_and_website_of_the_evaluation_set():
    # Given every name and website cell of the evaluation exports, and the examples above
    evaluation = build()
    left = pl.read_csv(evaluation.left_csv.encode(), infer_schema=False)
    right = pl.read_csv(evaluation.right_csv.encode(), infer_schema=False)
    names = pl.concat([left["Company name"], right["Account Name"], pl.Series(list(NAMES))])
    cells = pl.concat(
        [
            left["Website URL"],
            left["Company Domain Name"],
            right["Website"],
            pl.Series(list(WEBSITES)),
        ]
    ).fill_null("")
    # When both forms run, then they give the same keys
    assert normalize_company_names(names).to_list() == [
        normalize_company_name(n or "") for n in names.to_list()
    ]
    assert registrable_domains(cells).to_list() == [registrable_domain(c) for c in cells.to_list()]


@pytest.mark.parametrize(
    ("text", "code"),
    [("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("us", "US"), ("Deutschland", "DE"),
     ("Germany", "DE"), ("DEU", "DE"), ("UK", "GB"), ("England", "GB"), ("", "")],
)  # fmt: skip
def test_country_spellings_become_one_code(text, code):
    assert country_code(text) == code
