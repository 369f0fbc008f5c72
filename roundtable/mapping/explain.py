"""Why two records matched, in words a partner manager reads on the page and in exports."""

from roundtable.mapping.countries import COUNTRY_NAMES


def explain(rule: str, evidence: str, country: str, score: float) -> str:
    where = f" in {COUNTRY_NAMES.get(country, country)}" if country else ""
    if rule == "domain":
        return f"same domain {evidence}"
    if rule == "name":
        return f"same name '{evidence}'{where}"
    if rule == "core":
        return f"same name '{evidence}' apart from group/holding{where}"
    if rule == "label":
        return f"the name is the domain {evidence}{where}"
    if rule == "fuzzy":
        left, _, right = evidence.partition(" ~ ")
        return f"similar names {score:.2f}: '{left}' / '{right}'{where}"
    if rule == "prefix":
        short, _, long = evidence.partition(" ~ ")
        if len(short) > len(long):
            short, long = long, short
        return f"'{long}' begins with the whole name '{short}', and no other name does{where}"
    if rule == "confirmed":
        return "confirmed by a teammate"
    return rule
