"""The demo workspace's accounts: our CRM and a few thousand records of each partner's.

One universe of some 12,000 fictional companies (reserved `.example` domains) is shared by
everybody's CRM, so account mapping and overlaps find what a real ecosystem holds: each partner's
export shares a fifth to a third of its companies with ours. Records carry the mess CRMs really
hold (a website with scheme, `www.`, a path or a shop subdomain; a legal form here and not there;
upper case; no website at all), and each owner's records are imported through the same path as a
user's upload (`import_accounts`), keyed by a stable external id, so `roundtable demo` ends in
the same state however often it runs and no id churns.
"""

import random

import polars as pl
from django.db.models import Count
from django_scopes import scope

from roundtable.ecosystem.models import Organization
from roundtable.mapping.accounts_import import import_accounts
from roundtable.mapping.models import Account

SEED = 20240611
COMPANIES = 12_000
OUR_ACCOUNTS = 3_000
DEMO_SOURCE = "demo"

_FIRST = """
Alder Amber Arctic Aster Aurora Basil Beacon Birch Bloom Blue Bramble Brook Cedar Cinder Clover
Cobalt Copper Coral Crest Crown Dawn Delta Drift Dune Echo Elm Ember Fern Fjord Flint Fox Frost
Garnet Ginger Granite Harbor Hazel Heron Hollow Indigo Iris Ivy Jade Juniper Kestrel Lark Laurel
Linen Lumen Lupin Maple Marble Meadow Mint Moss Nettle North Oak Olive Onyx Orchid Otter Pebble
Pine Plum Quarry Quill Raven Reed Ridge River Rowan Rust Saffron Sage Salt Sierra Slate Sorrel
Spruce Stone Summit Swift Tansy Thistle Tide Timber True Umber Vale Velvet Willow Wren Yarrow Zephyr
""".split()  # noqa: SIM905
_SECOND = """
Apparel Atelier Bakery Beauty Bikes Botanics Brewing Candles Ceramics Coffee Cosmetics Denim
Designs Eyewear Fitness Foods Footwear Furniture Goods Home Interiors Jewellery Kitchen Leather
Living Nutrition Optics Outdoor Outfitters Paper Pets Skincare Sleep Socks Sports Studio Supply
Swim Tea Textiles Toys Travel Wellness Wines Works Yoga
""".split()  # noqa: SIM905
_FORMS = ["", "", "", "", " Ltd", " GmbH", " B.V.", " AB", " ApS", " SAS", " S.L.", " Inc.", " LLC"]
_COUNTRIES = [
    ("United Kingdom", "GB"), ("Germany", "DE"), ("Netherlands", "NL"), ("Sweden", "SE"),
    ("Denmark", "DK"), ("France", "FR"), ("Spain", "ES"), ("Ireland", "IE"),
    ("United States", "US"), ("United States", "US"), ("Canada", "CA"), ("Australia", "AU"),
]  # fmt: skip
_INDUSTRIES = ["Retail", "Consumer Goods", "Apparel & Fashion", "Cosmetics", "Food & Beverages",
               "Sporting Goods", "Furniture", "Health, Wellness and Fitness"]  # fmt: skip
_STAGES = ["Discovery", "Demo", "Proposal", "Negotiation"]
_SALESPEOPLE = ["Maya Okafor", "Jonas Berg", "Lucia Ferrante", "Sam Whitaker", "Ines Duarte"]


def _universe(rng: random.Random) -> list[dict]:
    """COMPANIES distinct companies: name, domain, country, industry, employees."""
    companies, seen = [], set()
    while len(companies) < COMPANIES:
        first, second = rng.choice(_FIRST), rng.choice(_SECOND)
        slug = f"{first}{second}".lower()
        if len(seen) > 4_000 or slug in seen:
            # Past the plain pairs: a third word keeps names believable and distinct.
            third = rng.choice(_FIRST)
            slug = f"{first}{third}{second}".lower()
            name = f"{first} {third} {second}"
        else:
            name = f"{first} {second}"
        if slug in seen:
            continue
        seen.add(slug)
        country, _ = rng.choice(_COUNTRIES)
        companies.append(
            {
                "name": name,
                "domain": f"{slug}.example",
                "country": country,
                "industry": rng.choice(_INDUSTRIES),
                "employees": rng.choice([8, 15, 40, 90, 180, 450, 1200]),
            }
        )
    return companies


def _messy_website(rng: random.Random, domain: str) -> str:
    roll = rng.random()
    if roll < 0.18:
        return ""
    if roll < 0.40:
        return f"https://www.{domain}/"
    if roll < 0.50:
        return f"http://{domain}/shop"
    if roll < 0.56:
        return f"shop.{domain}"
    if roll < 0.62:
        return domain.upper()
    return f"www.{domain}"


def _rows(rng: random.Random, companies: list[dict], prefix: str) -> list[dict]:
    """One CRM's export of `companies`: about a third customers, a fifth open opportunities."""
    rows = []
    for number, company in enumerate(companies, start=1):
        roll = rng.random()
        status = "customer" if roll < 0.32 else "opportunity" if roll < 0.52 else "prospect"
        name = company["name"] + rng.choice(_FORMS)
        if rng.random() < 0.05:
            name = name.upper()
        rows.append(
            {
                "external_id": f"{prefix}-{number:05d}",
                "name": name,
                "website": _messy_website(rng, company["domain"]),
                "domain": "",
                "country": company["country"] if rng.random() < 0.85 else "",
                "status": status,
                "salesperson": rng.choice(_SALESPEOPLE),
                "amount": str(rng.randrange(5, 250) * 1000) if status == "opportunity" else "",
                "stage": rng.choice(_STAGES) if status == "opportunity" else "",
                "industry": company["industry"],
                "employees": str(company["employees"]),
            }
        )
    return rows


def _size(owner: str) -> int:
    """How many records `owner`'s export holds ('' is ours): a few thousand, fixed per owner."""
    return OUR_ACCOUNTS if not owner else random.Random(f"{SEED}:{owner}").randrange(1_000, 3_000)


def demo_account_rows(owners: list[str]) -> dict[str, list[dict]]:
    """The export of each owner (by domain; '' is our own CRM), generated from fixed seeds.

    Ours holds OUR_ACCOUNTS companies; each partner a few thousand, a fifth to a third of them
    also ours, the rest drawn from the whole universe. Each owner's export depends only on its
    domain, so adding a partner changes nobody else's."""
    rng = random.Random(SEED)
    companies = _universe(rng)
    ours = rng.sample(range(COMPANIES), OUR_ACCOUNTS)
    ours_set = set(ours)
    others = [i for i in range(COMPANIES) if i not in ours_set]
    exports = {}
    for owner in owners:
        if not owner:
            exports[owner] = _rows(rng, [companies[i] for i in ours], "us")
            continue
        owner_rng = random.Random(f"{SEED}:{owner}")
        size = _size(owner)
        owner_rng.randrange(1_000, 3_000)  # the draw _size made
        shared = int(size * owner_rng.uniform(0.2, 0.34))
        picked = sorted(owner_rng.sample(ours, shared) + owner_rng.sample(others, size - shared))
        exports[owner] = _rows(owner_rng, [companies[i] for i in picked], owner.split(".")[0])
    return exports


def load_accounts(workspace) -> None:
    """Create the demo accounts of our organization and of every partner. An owner whose demo
    records are all there already is left alone: a second `roundtable demo` keeps the data (and
    whatever the user changed in it) and takes no time."""
    with scope(workspace=workspace):
        organizations = list(Organization.objects.partners()) + list(Organization.objects.ours())
        owners = {
            ("" if org.is_us else org.domain): org
            for org in organizations
            if org.is_us or org.domain
        }
        present = dict(
            Account.objects.filter(source=DEMO_SOURCE)
            .values("owner")
            .annotate(n=Count("id"))
            .values_list("owner", "n")
        )
        missing = [key for key, org in owners.items() if present.get(org.pk, 0) != _size(key)]
        if not missing:
            return
        for key, rows in demo_account_rows(missing).items():
            frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
            import_accounts(workspace, owners[key], frame, source=DEMO_SOURCE)
