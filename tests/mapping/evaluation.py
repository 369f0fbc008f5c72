"""The evaluation set: two CRM exports of real-world companies as CRMs really hold them.

`data/companies.csv` lists real companies (legal name, domain, country, the other names people
type for them), look-alikes included on purpose (Delta Air Lines / Delta Faucet, Apple / Apple
Bank, Studio 54 / Studio 45, Bank of America / Bank of England …). `build()` turns it into a
HubSpot company export (left) and a Salesforce account export (right) with the mess of real
CRMs, deterministically (seeded): legal forms of many countries, other names, case, accents
dropped, typos, missing websites (about a third per side), URLs with paths and ports,
subsidiaries' subdomains (shop., investor.), another country's TLD, emails in place of
websites, country spellings ('USA', 'U.S.', 'Deutschland', 'DE'), CRM duplicates, placeholder
rows and rows without name or website. The truth is every (left row, right row) pair of the same
company.
"""

import csv
import io
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "companies.csv"

COUNTRY_SPELLINGS = {
    "US": ["United States", "USA", "US", "U.S.", "United States of America"],
    "GB": ["United Kingdom", "UK", "GB", "England", "Great Britain"],
    "DE": ["Germany", "Deutschland", "DE"],
    "FR": ["France", "FR"],
    "NL": ["Netherlands", "The Netherlands", "NL", "Holland"],
    "CH": ["Switzerland", "Schweiz", "CH"],
    "ES": ["Spain", "España", "ES"],
    "SE": ["Sweden", "Sverige", "SE"],
}
COUNTRY_TLDS = {"DE": "de", "FR": "fr", "GB": "co.uk", "NL": "nl", "ES": "es", "IT": "it",
                "US": "us", "JP": "co.jp", "BR": "com.br", "AU": "com.au", "CA": "ca"}  # fmt: skip
LEGAL_FORMS = {
    "US": [" Inc.", ", Inc.", " LLC", " Corp.", " Corporation", " Co."],
    "GB": [" Ltd", " Limited", " plc", " Ltd."],
    "DE": [" GmbH", " AG", " GmbH & Co. KG", " SE"],
    "FR": [" SA", " S.A.", " SAS", " SARL"],
    "NL": [" B.V.", " N.V.", " BV"],
    "SE": [" AB"],
    "DK": [" A/S", " ApS"],
    "IT": [" S.p.A.", " S.r.l."],
    "ES": [" S.A.", " S.L."],
    "JP": [" Co., Ltd.", " K.K."],
    "IN": [" Pvt. Ltd.", " Private Limited"],
    "BR": [" Ltda.", " S.A."],
    "MX": [" S.A. de C.V."],
    "AU": [" Pty Ltd", " Pty. Ltd."],
    "PL": [" sp. z o.o."],
}


@dataclass
class Company:
    key: int
    name: str
    domain: str
    country: str
    variants: list[str]


@dataclass
class EvaluationSet:
    left_csv: str
    right_csv: str
    truth: set[tuple[int, int]]
    left_rows: int
    right_rows: int


def companies() -> list[Company]:
    with DATA.open(encoding="utf-8", newline="") as stream:
        return [
            Company(i, r["name"], r["domain"], r["country"], r["variants"].split(";"))
            for i, r in enumerate(csv.DictReader(stream))
        ]


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard in a longer word: two letters swapped, one dropped or doubled."""
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return name
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif kind == "drop":
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + word[at] + word[at:]
    words[i] = word
    return " ".join(words)


def messy_name(rng: random.Random, company: Company) -> str:
    # Most records of a company carry its usual name, in some spelling; some another name.
    name = company.name if rng.random() < 0.5 else rng.choice(company.variants)
    roll = rng.random()
    if (
        roll < 0.12
        and company.country in LEGAL_FORMS
        and not any(name.endswith(f.strip()) for f in LEGAL_FORMS[company.country])
    ):
        name += rng.choice(LEGAL_FORMS[company.country])
    elif roll < 0.22:
        name = name.upper()
    elif roll < 0.27:
        name = name.lower()
    if rng.random() < 0.25:
        name = strip_accents(name)
    if rng.random() < 0.07:
        name = typo(rng, name)
    if rng.random() < 0.04:
        name = f"  {name} "
    return name


def messy_website(rng: random.Random, company: Company, missing: float) -> str:
    if rng.random() < missing:
        return ""
    domain = company.domain
    roll = rng.random()
    if roll < 0.07 and company.country in COUNTRY_TLDS:
        label = domain.split(".")[0]
        return f"www.{label}.{COUNTRY_TLDS[company.country]}"
    forms = [
        f"https://www.{domain}",
        f"http://{domain}/",
        domain,
        f"www.{domain}",
        f"https://www.{domain}/en/",
        f"https://{domain}/about-us?utm_source=crm",
        f"HTTPS://WWW.{domain.upper()}",
        f"shop.{domain}",
        f"investor.{domain}",
        f"https://{domain}:443/",
        f"info@{domain}",
        f"{domain} (en)",
    ]
    return rng.choice(forms)


def messy_country(rng: random.Random, company: Company) -> str:
    if rng.random() < 0.3:
        return ""
    return rng.choice(COUNTRY_SPELLINGS.get(company.country, [company.country]))


def build(seed: int = 20240601) -> EvaluationSet:
    rng = random.Random(seed)
    left_rows: list[tuple[int | None, dict]] = []
    right_rows: list[tuple[int | None, dict]] = []
    for company in companies():
        roll = rng.random()
        on_left, on_right = roll < 0.8, roll > 0.2
        if on_left:
            website = messy_website(rng, company, missing=0.35)
            left_rows.append(
                (
                    company.key,
                    {
                        "Company name": messy_name(rng, company),
                        "Company Domain Name": website
                        if "/" not in website and "@" not in website
                        else "",
                        "Website URL": website if "/" in website or "@" in website else "",
                        "Country/Region": messy_country(rng, company),
                        "Lifecycle Stage": rng.choice(["customer", "lead", "opportunity"]),
                    },
                )
            )
        copies = 2 if on_right and rng.random() < 0.04 else int(on_right)
        for _ in range(copies):
            right_rows.append(
                (
                    company.key,
                    {
                        "Account Name": messy_name(rng, company),
                        "Website": messy_website(rng, company, missing=0.35),
                        "Billing Country": messy_country(rng, company),
                        "Type": rng.choice(["Customer", "Prospect", "Customer - Direct"]),
                    },
                )
            )
    # Rows that are nobody: placeholders, and rows with neither name nor website.
    for placeholder in ("N/A", "Test", "Unknown", ""):
        left_rows.append((None, {"Company name": placeholder, "Lifecycle Stage": "lead"}))
        right_rows.append((None, {"Account Name": placeholder, "Type": "Prospect"}))
    rng.shuffle(left_rows)
    rng.shuffle(right_rows)
    left_csv = _csv(
        ["Record ID", "Company name", "Company Domain Name", "Website URL", "Country/Region",
         "Lifecycle Stage"],
        [{"Record ID": str(9000 + i), **row} for i, (_, row) in enumerate(left_rows)],
    )  # fmt: skip
    right_csv = _csv(
        ["Account ID", "Account Name", "Website", "Billing Country", "Type"],
        [{"Account ID": f"001A{i:05d}", **row} for i, (_, row) in enumerate(right_rows)],
    )
    truth = {
        (i + 1, j + 1)
        for i, (lk, _) in enumerate(left_rows)
        for j, (rk, _) in enumerate(right_rows)
        if lk is not None and lk == rk
    }
    return EvaluationSet(left_csv, right_csv, truth, len(left_rows), len(right_rows))


def _csv(header: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def precision_recall(found: set[tuple[int, int]], truth: set[tuple[int, int]]):
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    return precision, recall
