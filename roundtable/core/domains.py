"""Company domains: one registrable domain per company, whatever the website cell holds.

'HTTPS://www.Acme.com:443/about', 'shop.acme.com', 'info@acme.com' and 'acme.com (en)' are all
acme.com: the registrable domain under the public suffix list (tldextract's bundled copy,
offline, ICANN section), with internationalized names in punycode so both spellings give one key.
Cells that name no company are '': free-mail providers (gmail.com), hosting platforms whose
subdomains are other people's shops and sites (myshopify.com, wixsite.com …), and profile pages on
social networks or site builders ('linkedin.com/company/acme', 'sites.google.com/view/acme')
— while 'linkedin.com' alone is LinkedIn.

The rules exist twice, held equal by a test: `registrable_domains` runs them as native polars
passes over millions of cells (a one-regex fast path for ordinary cells; only the odd ones go
through Python, once per distinct value), and `registrable_domain` handles one value.
"""

import re
from functools import lru_cache

import polars as pl
import tldextract

# Free mail: an address there says nothing about the company.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
        "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com",
        "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.de",
        "gmx.net", "gmx.com", "web.de", "mail.com", "mail.ru", "yandex.ru", "qq.com", "163.com",
        "126.com", "zoho.com", "fastmail.com", "hey.com", "orange.fr", "free.fr", "laposte.net",
        "t-online.de", "libero.it", "comcast.net", "btinternet.com", "naver.com",
    }
)  # fmt: skip
# Hosting platforms: acme.myshopify.com is a shop on Shopify, not a company domain.
HOSTING = frozenset(
    {
        "myshopify.com", "wixsite.com", "squarespace.com", "weebly.com", "blogspot.com",
        "github.io", "herokuapp.com", "netlify.app", "vercel.app", "webflow.io", "hs-sites.com",
        "hubspotpagebuilder.com", "carrd.co", "linktr.ee", "bit.ly", "godaddysites.com",
        "business.site", "wordpress.com", "azurewebsites.net", "firebaseapp.com", "web.app",
        "pages.dev", "framer.website", "notion.site", "jimdo.com", "jimdosite.com",
        "strikingly.com",
    }
)  # fmt: skip
# Companies whose own domain also serves other people's pages: the bare domain is the company
# (linkedin.com is LinkedIn), a path there is somebody's profile.
PROFILE_HOSTS = frozenset(
    {
        "linkedin.com", "facebook.com", "instagram.com", "twitter.com", "x.com", "youtube.com",
        "xing.com", "crunchbase.com", "yelp.com", "tiktok.com", "pinterest.com", "medium.com",
    }
)  # fmt: skip
# Hosts that serve other people's pages under a company's domain.
HOSTED_PAGES = frozenset(
    {
        "sites.google.com", "business.google.com", "play.google.com", "maps.google.com",
        "apps.apple.com", "itunes.apple.com", "m.facebook.com", "business.facebook.com",
    }
)  # fmt: skip
SHARED_HOSTS = FREE_MAIL | HOSTING

_extractor = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
)


def _to_ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


# RFC 2606/6761 names for documentation and tests: not in the public suffix list, but demo data
# and test fixtures use them as if they were TLDs.
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})


def _suffix_rules() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    rules, wildcards, exceptions = set(), set(), set()
    for rule in _extractor._get_tld_extractor().tlds(include_psl_private_domains=False):
        if rule.startswith("!"):
            exceptions.add(_to_ascii(rule[1:]))
        elif rule.startswith("*."):
            wildcards.add(_to_ascii(rule[2:]))
        else:
            rules.add(_to_ascii(rule))
    rules.discard("")
    # RFC 2606/6761 names for documentation and tests are not in the list, but demo data and
    # test fixtures use them as top-level domains (acme.example).
    rules |= {"example", "test", "invalid", "localhost"}
    return frozenset(rules), frozenset(wildcards), frozenset(exceptions)


SUFFIXES, WILDCARD_SUFFIXES, EXCEPTION_SUFFIXES = _suffix_rules()
_MAX_SUFFIX_LABELS = 1 + max(
    [r.count(".") + 1 for r in SUFFIXES] + [w.count(".") + 2 for w in WILDCARD_SUFFIXES]
)

# An ordinary cell: scheme, user@, host, port, path. Host labels are ASCII letters, digits and
# hyphens; anything else (spaces, several sites, non-ASCII) takes the slow path.
_LABEL = r"[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?"
FAST_CELL = (
    rf"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/\s]+@)?((?:{_LABEL}\.)+{_LABEL})\.?(?::\d*)?"
    r"(?:[/?#](\S*))?$"
)
_FAST_CELL = re.compile(FAST_CELL)
_TOKEN_SPLIT = re.compile(r"[\s,;|<>()\[\]\"']+")


def _suffix_labels(host: str) -> int:
    """How many trailing labels of `host` form its public suffix (0 for none)."""
    labels = host.split(".")
    best = 0
    for k in range(1, min(len(labels), _MAX_SUFFIX_LABELS) + 1):
        tail = ".".join(labels[-k:])
        if tail in EXCEPTION_SUFFIXES:
            return k - 1
        parent = ".".join(labels[-k + 1 :]) if k > 1 else ""
        if tail in SUFFIXES or (k > 1 and parent in WILDCARD_SUFFIXES):
            best = k
    return best


def _company_domain(host: str, path: str) -> str:
    labels = host.split(".")
    size = _suffix_labels(host)
    if size == 0 or size >= len(labels):
        return ""
    domain = ".".join(labels[-size - 1 :])
    if domain in SHARED_HOSTS:
        return ""
    if host in HOSTED_PAGES or (domain in PROFILE_HOSTS and path.strip("/")):
        return ""
    return domain


@lru_cache(maxsize=200_000)
def registrable_domain(value: str) -> str:
    """The registrable domain of a website, URL, host or email address, or '' when there is none
    (no public suffix, an IP address, a free-mail or hosting domain, a profile page)."""
    cell = (value or "").strip().lower()
    if not cell:
        return ""
    match = _FAST_CELL.match(cell)
    if match:
        return _company_domain(match.group(1), match.group(2) or "")
    return _odd_cell_domain(cell)


def _odd_cell_domain(cell: str) -> str:
    """Cells with several sites, labels, spaces or non-ASCII: the first token that is a domain."""
    for token in _TOKEN_SPLIT.split(cell):
        token = token.strip(".:/")
        if not token:
            continue
        if not token.isascii():
            scheme, sep, rest = token.rpartition("://")
            host, slash, path = rest.partition("/")
            host = _to_ascii(host.rsplit("@", 1)[-1])
            token = f"{scheme}{sep}{host}{slash}{path}" if host else ""
        match = _FAST_CELL.match(token)
        if match:
            domain = _company_domain(match.group(1), match.group(2) or "")
            if domain:
                return domain
    return ""


def domain_label(domain: str) -> str:
    """'acme.co.uk' → 'acme': what two domains that differ only by TLD have in common."""
    return domain.split(".", 1)[0].replace("-", "") if domain else ""


_SUFFIX_LIST = pl.Series(sorted(SUFFIXES)).implode()
_WILDCARD_LIST = pl.Series(sorted(WILDCARD_SUFFIXES)).implode()
_SHARED_LIST = pl.Series(sorted(SHARED_HOSTS)).implode()
_SPECIAL_LIST = pl.Series(sorted(PROFILE_HOSTS | HOSTED_PAGES)).implode()
# Optional scheme, user@ and www. before the host; the host ends at a port, path, query, fragment.
_HOST_PREFIX = r"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/\s]*@)?(?:www\.)?"
_HOST = r"^[^/?#:\s]*"


def registrable_domains(cells: pl.Series) -> pl.Series:
    """The bulk form of `registrable_domain`: a Series of cells → domains ('' for none).

    Ordinary cells ('https://www.acme.co.uk/about') whose host has one to three dots once 'www.' is
    gone are split natively and looked up in the suffix list in a few vectorized passes; the rest
    (several sites, labels, non-ASCII, deep hosts, wildcard suffixes, profile pages: a small share
    of real data) go through the scalar rules once per distinct cell.
    """
    frame = pl.DataFrame({"cell": cells.fill_null("").cast(pl.String)}).with_row_index("i")
    frame = frame.with_columns(clean=pl.col("cell").str.strip_chars().str.to_lowercase())
    frame = frame.with_columns(ordinary=pl.col("clean").str.contains(FAST_CELL))
    hosts = frame.filter("ordinary").select(
        "i",
        "clean",
        host=pl.col("clean")
        .str.replace(_HOST_PREFIX, "")
        .str.extract(_HOST, 0)
        .str.strip_suffix("."),
    )
    hosts = hosts.with_columns(dots=pl.col("host").str.count_matches(".", literal=True))
    one = hosts.filter(pl.col("dots") == 1).with_columns(
        tail1=pl.col("host").str.split_exact(".", 1).struct.field("field_1"),
        tail2=pl.col("host"),
        tail3=pl.lit(None, dtype=pl.String),
    )
    deeper = [_last_labels(hosts.filter(pl.col("dots") == dots), dots) for dots in (2, 3)]
    native = pl.concat([one.drop("dots"), *deeper]).with_columns(domain=_native_domain())
    scalar = pl.concat(
        [
            native.filter(pl.col("domain").is_null()).select("i", "clean"),
            hosts.filter((pl.col("dots") == 0) | (pl.col("dots") > 3)).select("i", "clean"),
            frame.filter(~pl.col("ordinary") & (pl.col("clean") != "")).select("i", "clean"),
        ]
    )
    distinct = scalar.select(pl.col("clean").unique())
    distinct = distinct.with_columns(
        domain=pl.col("clean").map_elements(registrable_domain, return_dtype=pl.String)
    )
    scalar = scalar.join(distinct, on="clean", how="left").select("i", "domain")
    domains = pl.concat(
        [native.filter(pl.col("domain").is_not_null()).select("i", "domain"), scalar]
    )
    result = pl.Series("domain", [""] * frame.height, dtype=pl.String)
    if domains.height:
        result = result.scatter(domains["i"], domains["domain"])
    return result.alias(cells.name)


def _last_labels(hosts: pl.DataFrame, dots: int) -> pl.DataFrame:
    """The last one, two and three labels of hosts that have `dots` dots."""
    parts = pl.col("host").str.split_exact(".", dots)
    field = [parts.struct.field(f"field_{i}") for i in range(dots + 1)]
    return hosts.select(
        "i",
        "clean",
        "host",
        tail1=field[-1],
        tail2=pl.concat_str(field[-2:], separator="."),
        tail3=pl.concat_str(field[-3:], separator="."),
    )


def _native_domain() -> pl.Expr:
    """Registrable domain from the last one, two and three labels by plain suffix rules; null
    where the scalar rules must decide (wildcard suffixes, a suffix of three labels or more,
    profile pages)."""
    tail1, tail2, tail3 = pl.col("tail1"), pl.col("tail2"), pl.col("tail3")
    registrable = (
        pl.when(tail2.is_in(_SUFFIX_LIST))
        .then(tail3)
        .when(tail1.is_in(_SUFFIX_LIST))
        .then(tail2)
        .otherwise(pl.lit(""))
    )
    needs_scalar = (
        tail1.is_in(_WILDCARD_LIST)
        | tail2.is_in(_WILDCARD_LIST)
        | (tail3.is_not_null() & tail3.is_in(_SUFFIX_LIST))
        | registrable.is_null()
        | registrable.is_in(_SPECIAL_LIST)
        | pl.col("host").is_in(_SPECIAL_LIST)
    )
    return (
        pl.when(needs_scalar)
        .then(pl.lit(None, dtype=pl.String))
        .when(registrable.is_in(_SHARED_LIST))
        .then(pl.lit(""))
        .otherwise(registrable)
    )
