"""Company domains: one registrable domain per company, whatever the website cell holds.

Uses tldextract's bundled public suffix list, offline. Per-row calls cost ~8 µs, so bulk callers
(imports, account mapping) call `registrable_domain` once per distinct host, not per row.
"""

import re
from functools import lru_cache

import tldextract

_extract = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
)

# Addresses and sites that say nothing about which company a record is: a partner whose website
# is gmail.com or a myshopify.com store is not "the same company" as every other one.
SHARED_HOSTS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "qq.com",
        "163.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "orange.fr",
        "free.fr",
        "t-online.de",
        "myshopify.com",
        "wixsite.com",
        "squarespace.com",
        "wordpress.com",
        "blogspot.com",
        "github.io",
        "herokuapp.com",
        "netlify.app",
        "vercel.app",
        "webflow.io",
        "hubspot.com",
        "hs-sites.com",
        "linkedin.com",
        "facebook.com",
        "instagram.com",
        "twitter.com",
        "x.com",
        "google.com",
        "sites.google.com",
        "carrd.co",
        "bit.ly",
        "linktr.ee",
    }
)

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOST_TAIL = re.compile(r"[/?#:].*$")


def host_of(value: str) -> str:
    """'HTTPS://www.Acme.com:443/about' → 'www.acme.com'; an email address gives its domain."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    value = value.split()[0] if " " in value else value
    if "@" in value and "/" not in value:
        value = value.rsplit("@", 1)[1]
    value = _SCHEME.sub("", value)
    value = _HOST_TAIL.sub("", value).strip(".")
    try:
        value = value.encode("idna").decode("ascii") if not value.isascii() else value
    except UnicodeError:
        return ""
    return value


# RFC 2606/6761 names for documentation and tests: not in the public suffix list, but demo data
# and test fixtures use them as if they were TLDs.
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})


@lru_cache(maxsize=200_000)
def _registrable(host: str) -> str:
    labels = host.split(".")
    if labels[-1] in RESERVED_TLDS and len(labels) >= 2 and labels[-2]:
        return ".".join(labels[-2:])
    parts = _extract(host)
    if not parts.domain or not parts.suffix:
        return ""
    return f"{parts.domain}.{parts.suffix}"


def registrable_domain(value: str) -> str:
    """The registrable domain of a website, URL, host or email address, or '' when there is none
    (no public suffix, an IP address, or a shared host such as gmail.com or myshopify.com)."""
    host = host_of(value)
    if not host or "." not in host:
        return ""
    domain = _registrable(host)
    if not domain or domain in SHARED_HOSTS:
        return ""
    return domain
