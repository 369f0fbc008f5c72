"""Recognising columns by their header: our own names, HubSpot's and Salesforce's."""

import re
from dataclasses import dataclass

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

HUBSPOT_MARKERS = {"recordid", "lifecyclestage", "companyowner", "contactowner", "createdate",
                   "companydomainname", "associatedcompany", "hubspotscore"}  # fmt: skip
SALESFORCE_MARKERS = {"accountid", "accountname", "accountowner", "billingcountry",
                      "billingcity", "contactid", "mailingcity", "accounttype"}  # fmt: skip


def header_key(header: str) -> str:
    """'Company Domain Name' / 'company_domain_name' / 'Company domain name:' → one key."""
    return _NON_ALNUM.sub("", (header or "").lower())


@dataclass(frozen=True)
class FieldSpec:
    """One field an import kind reads, and the header names that mean it (first wins)."""

    name: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    # The most characters the field stores; the engine refuses a longer cell as a row problem.
    max_length: int | None = None

    def header_keys(self) -> list[str]:
        seen: list[str] = []
        for candidate in (self.name, self.label, *self.aliases):
            key = header_key(candidate)
            if key and key not in seen:
                seen.append(key)
        return seen


def match_headers(headers: list[str], fields: list[FieldSpec]) -> dict[str, int]:
    """field name → column index for every field whose name, label or alias is a header.
    A column serves one field at most; earlier fields and earlier aliases win."""
    index_by_key: dict[str, int] = {}
    for index, header in enumerate(headers):
        index_by_key.setdefault(header_key(header), index)
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for field in fields:
        for key in field.header_keys():
            index = index_by_key.get(key)
            if index is not None and index not in taken:
                mapping[field.name] = index
                taken.add(index)
                break
    return mapping


def detect_source(headers: list[str]) -> str:
    """'hubspot', 'salesforce' or 'plain', from tell-tale column names."""
    keys = {header_key(h) for h in headers}
    if len(keys & HUBSPOT_MARKERS) >= 1 and len(keys & HUBSPOT_MARKERS) >= len(
        keys & SALESFORCE_MARKERS
    ):
        return "hubspot"
    if keys & SALESFORCE_MARKERS:
        return "salesforce"
    return "plain"
