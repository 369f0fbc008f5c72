"""Countries as CRMs hold them ('United States', 'USA', 'U.S.', 'us', 'Deutschland') → ISO 3166
alpha-2 codes, so that the name tier can use the country as a veto. Unknown spellings keep their
folded text: two records that say 'Atlantis' still agree with each other."""

import unicodedata

import polars as pl
import pycountry

# Spellings CRMs use that pycountry's names do not cover.
_ALIASES = {
    "usa": "US", "us": "US", "united states of america": "US", "america": "US", "u s a": "US",
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "deutschland": "DE", "allemagne": "DE", "espana": "ES", "spanien": "ES", "italia": "IT",
    "nederland": "NL", "the netherlands": "NL", "holland": "NL", "schweiz": "CH", "suisse": "CH",
    "svizzera": "CH", "osterreich": "AT", "belgique": "BE", "belgie": "BE", "sverige": "SE",
    "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL", "brasil": "BR",
    "mexico": "MX", "south korea": "KR", "korea": "KR", "republic of korea": "KR",
    "russia": "RU", "czech republic": "CZ", "czechia": "CZ", "turkey": "TR", "turkiye": "TR",
    "vietnam": "VN", "taiwan": "TW", "iran": "IR", "uae": "AE", "emirates": "AE",
    "hong kong sar": "HK", "macau": "MO", "ivory coast": "CI", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "syria": "SY", "laos": "LA", "moldova": "MD",
    "palestine": "PS", "vatican": "VA", "macedonia": "MK", "the bahamas": "BS",
    "prc": "CN", "peoples republic of china": "CN", "mainland china": "CN",
}  # fmt: skip


def fold_country(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _country_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for spelling in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ):
            if spelling:
                codes[fold_country(spelling)] = country.alpha_2
    codes.update(_ALIASES)
    return codes


COUNTRY_CODES = _country_codes()
COUNTRY_NAMES = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


def country_code(text: str) -> str:
    folded = fold_country(text)
    if len(folded) == 3 and folded.replace(" ", "") in COUNTRY_CODES:
        folded = folded.replace(" ", "")
    return COUNTRY_CODES.get(folded, folded.replace(" ", "").upper() if folded else "")


def country_codes(values: pl.Series) -> pl.Series:
    """The bulk form of `country_code`, computed once per distinct spelling."""
    values = values.fill_null("").cast(pl.String)
    distinct = values.unique()
    mapping = dict(
        zip(distinct.to_list(), [country_code(v) for v in distinct.to_list()], strict=True)
    )
    return values.replace_strict(mapping, return_dtype=pl.String).alias(values.name)
