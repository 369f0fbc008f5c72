"""The demo workspace's partner ecosystem: Northwind Commerce in the HubSpot and Shopify ecosystems.

About sixty partner organizations (agencies and technology partners of several sizes, verticals
and regions), forty organizations we do not partner with but our partners do, two to four people
at each partner, and some four hundred partnerships among them besides our own sixty. One agency
is the core partner (the top HubSpot + Shopify agency in EMEA); five organizations tagged Shopify
+ EMEA + D2C + under $25M partner with it and with several of our partners: the demo's first
Circle.

Everything is generated from a fixed seed and dates, and written as upserts keyed by domain, email
and organization pair, so `roundtable demo` ends in the same state however often it runs, and
uuids (bookmarks, Circle members) survive a refresh. Only reserved `.example` domains are used.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from roundtable.core.domains import registrable_domain
from roundtable.core.names import normalize_company_name
from roundtable.ecosystem import actions
from roundtable.ecosystem.choices import (
    OrgKind,
    PartnershipKind,
    PartnershipSource,
    PartnerStatus,
)
from roundtable.ecosystem.graph import bump_graph_version
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from roundtable.workspaces.models import User

SEED = 20240601
TODAY = date(2025, 6, 1)  # the demo's "now": fixed, so every run writes the same dates

DEMO_CORE_PARTNER_DOMAIN = "brightwave.example"
DEMO_FIRST_CIRCLE_DOMAINS = [
    "kindred-studio.example",
    "northpeak.example",
    "parcelpoint.example",
    "mosaic-reviews.example",
    "ledgerly.example",
]
# One person at each of the five, in the same order: the people the first Circle is made of.
DEMO_FIRST_CIRCLE_EMAILS = [
    "astrid.holm@kindred-studio.example",
    "callum.reid@northpeak.example",
    "femke.devries@parcelpoint.example",
    "niamh.byrne@mosaic-reviews.example",
    "priyanka.shah@ledgerly.example",
]

SHOPIFY, HUBSPOT = "ecosystem:Shopify", "ecosystem:HubSpot"
EMEA, NORTH_AMERICA, APAC = "region:EMEA", "region:North America", "region:APAC"
D2C = "vertical:D2C"
SMALL, MID, LARGE = "size:under $25M", "size:$25M–$100M", "size:$100M+"
ICP_TAGS = ["icp:Head of E-commerce", "icp:CMO", "icp:RevOps lead"]
VERTICALS = ["vertical:Fashion", "vertical:Beauty", "vertical:Food & Beverage",
             "vertical:Home & Living", "vertical:Sports & Outdoors", "vertical:B2B",
             "vertical:Subscription"]  # fmt: skip
REGION_OF_COUNTRY = {
    **dict.fromkeys(
        [
            "DE",
            "GB",
            "NL",
            "DK",
            "IE",
            "SE",
            "FR",
            "ES",
            "PT",
            "CH",
            "NO",
            "IT",
            "PL",
            "BE",
            "AT",
            "FI",
            "CZ",
        ],
        EMEA,
    ),  # fmt: skip
    **dict.fromkeys(["US", "CA"], NORTH_AMERICA),
    **dict.fromkeys(["AU", "NZ", "SG"], APAC),
}

# Our company: the demo workspace's own organization.
OURS = {
    "kind": OrgKind.TECHNOLOGY,
    "city": "Amsterdam",
    "country": "NL",
    "description": "Commerce operations platform for growing D2C brands, in the HubSpot and "
    "Shopify ecosystems.",
    "tags": [HUBSPOT, SHOPIFY, EMEA, "region:Amsterdam", D2C, "icp:Head of E-commerce"],
}

# (name, domain, kind, city, country, what they do). Partners first: the core, the five, others.
A, T = OrgKind.AGENCY, OrgKind.TECHNOLOGY
CORE = ("Brightwave Commerce", "brightwave.example", A, "Berlin", "DE",
        "Shopify Plus builds and HubSpot onboarding")  # fmt: skip
FIRST_CIRCLE = [
    ("Kindred Studio", "kindred-studio.example", A, "Copenhagen", "DK",
     "Shopify storefronts and retention marketing"),
    ("Northpeak Growth", "northpeak.example", A, "Manchester", "GB",
     "paid social and email growth programmes"),
    ("Parcelpoint", "parcelpoint.example", T, "Amsterdam", "NL",
     "shipping and delivery-promise app"),
    ("Mosaic Reviews", "mosaic-reviews.example", T, "Dublin", "IE",
     "product reviews and user-generated content"),
    ("Ledgerly", "ledgerly.example", T, "London", "GB",
     "subscriptions and recurring billing"),
]  # fmt: skip
OTHER_PARTNERS = [
    ("Fernhill Digital", "fernhill.example", A, "London", "GB", "HubSpot CRM and inbound"),
    ("Copperleaf Agency", "copperleaf.example", A, "Munich", "DE", "B2B commerce builds"),
    ("Atelier Nord", "atelier-nord.example", A, "Stockholm", "SE", "brand and Shopify design"),
    ("Saltmarsh Creative", "saltmarsh.example", A, "Bristol", "GB", "content and CRO"),
    ("Halcyon Commerce", "halcyon-commerce.example", A, "Paris", "FR", "Shopify Plus migrations"),
    ("Vantage & Vine", "vantage-vine.example", A, "Amsterdam", "NL", "lifecycle marketing"),
    ("Oakridge Interactive", "oakridge.example", A, "Toronto", "CA", "headless commerce"),
    ("Bluefin Growth Partners", "bluefin.example", A, "New York", "US", "performance marketing"),
    ("Redwood Revenue", "redwood-revenue.example", A, "Austin", "US", "RevOps and HubSpot"),
    ("Lighthouse RevOps", "lighthouse-revops.example", A, "Chicago", "US", "sales operations"),
    ("Tandem Commerce Lab", "tandem-lab.example", A, "Barcelona", "ES", "marketplaces and D2C"),
    ("Meridian Inbound", "meridian-inbound.example", A, "Dublin", "IE", "inbound marketing"),
    ("Pinegrove Studio", "pinegrove.example", A, "Vancouver", "CA", "Shopify themes"),
    ("Cartwheel Digital", "cartwheel.example", A, "Melbourne", "AU", "e-commerce growth"),
    ("Ironbark Agency", "ironbark.example", A, "Sydney", "AU", "HubSpot onboarding"),
    ("Sundial Marketing", "sundial.example", A, "Lisbon", "PT", "email and SMS"),
    ("Glasshouse Growth", "glasshouse.example", A, "Zurich", "CH", "premium retail brands"),
    ("Kite & Key", "kite-key.example", A, "Edinburgh", "GB", "CRM strategy"),
    ("Brickyard Commerce", "brickyard.example", A, "Hamburg", "DE", "B2B wholesale on Shopify"),
    ("Northlight Partners", "northlight.example", A, "Oslo", "NO", "HubSpot implementation"),
    ("Marigold Agency", "marigold.example", A, "Milan", "IT", "fashion e-commerce"),
    ("Cinder Digital", "cinder.example", A, "Warsaw", "PL", "development and integrations"),
    ("Fable & Co", "fable-co.example", A, "Brussels", "BE", "brand storytelling"),
    ("Westport Inbound", "westport.example", A, "Boston", "US", "inbound and ABM"),
    ("Driftless Digital", "driftless.example", A, "Denver", "US", "outdoor brands online"),
    ("Greenroom Commerce", "greenroom.example", A, "Los Angeles", "US", "beauty brands"),
    ("Tessellate Agency", "tessellate.example", A, "Singapore", "SG", "APAC expansion"),
    ("Blue Heron Growth", "blue-heron.example", A, "Vienna", "AT", "marketing automation"),
    ("Stocksmith", "stocksmith.example", T, "Berlin", "DE", "inventory planning app"),
    ("Cartograph Analytics", "cartograph.example", T, "London", "GB", "e-commerce analytics"),
    ("Loyaltree", "loyaltree.example", T, "Amsterdam", "NL", "loyalty and referrals"),
    ("Subscribly", "subscribly.example", T, "Stockholm", "SE", "subscription boxes"),
    ("Backtrack Returns", "backtrack.example", T, "Manchester", "GB", "returns portal"),
    ("Paynest", "paynest.example", T, "Dublin", "IE", "payments and BNPL"),
    ("Crateway", "crateway.example", T, "Rotterdam", "NL", "fulfilment network"),
    ("Fieldform", "fieldform.example", T, "Paris", "FR", "forms and quizzes"),
    ("Parley Chat", "parley.example", T, "Madrid", "ES", "live chat and chatbots"),
    ("Kudos Reviews", "kudos-reviews.example", T, "Bristol", "GB", "reviews for B2B"),
    ("Pricepoint", "pricepoint.example", T, "Munich", "DE", "dynamic pricing"),
    ("Mailkite", "mailkite.example", T, "Copenhagen", "DK", "email marketing"),
    ("Quillsearch", "quillsearch.example", T, "Helsinki", "FI", "site search"),
    ("Bundlebee", "bundlebee.example", T, "Toronto", "CA", "bundles and upsells"),
    ("Ledgerline Tax", "ledgerline.example", T, "New York", "US", "sales tax"),
    ("Upsellr", "upsellr.example", T, "Austin", "US", "post-purchase upsells"),
    ("Tallyhub", "tallyhub.example", T, "London", "GB", "accounting sync"),
    ("Syncwell", "syncwell.example", T, "Amsterdam", "NL", "CRM data sync"),
    ("Lumeno", "lumeno.example", T, "Berlin", "DE", "personalisation"),
    ("Attribo", "attribo.example", T, "Lisbon", "PT", "marketing attribution"),
    ("Cargoline", "cargoline.example", T, "Hamburg", "DE", "3PL integrations"),
    ("Verity Fraud", "verity-fraud.example", T, "Dublin", "IE", "fraud screening"),
    ("Pixelfold", "pixelfold.example", T, "Warsaw", "PL", "product imagery"),
    ("Wishwell", "wishwell.example", T, "Sydney", "AU", "wishlists"),
    ("Orderly Ops", "orderly-ops.example", T, "San Francisco", "US", "order routing"),
    ("Ticketnest", "ticketnest.example", T, "Oslo", "NO", "help desk"),
]  # fmt: skip
NOT_OUR_PARTNERS = [
    ("Ashgrove Digital", "ashgrove.example", A, "Leeds", "GB", "Shopify builds"),
    ("Quarry Lane Studio", "quarry-lane.example", A, "Cardiff", "GB", "brand design"),
    ("Rookery Commerce", "rookery.example", A, "Leipzig", "DE", "D2C growth"),
    ("Silverbirch Agency", "silverbirch.example", A, "Utrecht", "NL", "HubSpot CMS"),
    ("Foxglove Growth", "foxglove.example", A, "Antwerp", "BE", "paid media"),
    ("Lodestar Inbound", "lodestar.example", A, "Lyon", "FR", "inbound marketing"),
    ("Tidewater Digital", "tidewater.example", A, "Seattle", "US", "Shopify Plus"),
    ("Granary Creative", "granary.example", A, "Minneapolis", "US", "food brands"),
    ("Hollow Oak Studio", "hollow-oak.example", A, "Portland", "US", "sustainable brands"),
    ("Pebblestone Agency", "pebblestone.example", A, "Auckland", "NZ", "e-commerce"),
    ("Ravenwood Commerce", "ravenwood.example", A, "Gothenburg", "SE", "Nordic D2C"),
    ("Clearwater RevOps", "clearwater.example", A, "Philadelphia", "US", "RevOps"),
    ("Thistle Digital", "thistle.example", A, "Glasgow", "GB", "HubSpot and Shopify"),
    ("Wildflower Commerce", "wildflower.example", A, "Valencia", "ES", "beauty D2C"),
    ("Beacon Hill Growth", "beacon-hill.example", A, "Boston", "US", "B2B growth"),
    ("Cobblestone Agency", "cobblestone.example", A, "Prague", "CZ", "development"),
    ("Moorland Studio", "moorland.example", A, "York", "GB", "outdoor brands"),
    ("Starfield Digital", "starfield.example", A, "Rotterdam", "NL", "marketplaces"),
    ("Juniper & Pike", "juniper-pike.example", A, "Cologne", "DE", "CRM and email"),
    ("Saltbox Commerce", "saltbox.example", A, "Halifax", "CA", "Shopify themes"),
    ("Crescent Bay Digital", "crescent-bay.example", A, "San Diego", "US", "surf and outdoor"),
    ("Orchard Row Agency", "orchard-row.example", A, "Bath", "GB", "home and living"),
    ("Tillpoint", "tillpoint.example", T, "Berlin", "DE", "point of sale"),
    ("Fulfilio", "fulfilio.example", T, "Madrid", "ES", "fulfilment"),
    ("Reorderly", "reorderly.example", T, "London", "GB", "replenishment reminders"),
    ("Giftbox Cards", "giftbox-cards.example", T, "Amsterdam", "NL", "gift cards"),
    ("Sizewise", "sizewise.example", T, "Copenhagen", "DK", "size and fit"),
    ("Nudgely", "nudgely.example", T, "Dublin", "IE", "on-site pop-ups"),
    ("Plannery", "plannery.example", T, "Stockholm", "SE", "merchandise planning"),
    ("Quotewell", "quotewell.example", T, "Boston", "US", "quotes and CPQ"),
    ("Datavale", "datavale.example", T, "Austin", "US", "BI for retail"),
    ("Chirp Messaging", "chirp.example", T, "Toronto", "CA", "SMS marketing"),
    ("Loopback Surveys", "loopback.example", T, "Paris", "FR", "post-purchase surveys"),
    ("Affilo", "affilo.example", T, "Milan", "IT", "affiliate programmes"),
    ("Bidwell Ads", "bidwell.example", T, "New York", "US", "shopping ads"),
    ("Stampede Translations", "stampede.example", T, "Zurich", "CH", "store translation"),
    ("Cashbox Tax", "cashbox.example", T, "Vienna", "AT", "EU VAT"),
    ("Waybill", "waybill.example", T, "Warsaw", "PL", "shipping labels"),
    ("Restocky", "restocky.example", T, "Sydney", "AU", "back-in-stock alerts"),
    ("Pinpoint Geo", "pinpoint-geo.example", T, "Munich", "DE", "store locator"),
]  # fmt: skip

FIRST_NAMES = ["Anna", "Ben", "Carla", "David", "Elif", "Felix", "Grace", "Hugo", "Ines",
               "Jonas", "Keira", "Luca", "Maya", "Noah", "Olga", "Pablo", "Rosa", "Sami", "Tara",
               "Umar", "Vera", "Will", "Yara", "Zoe", "Aidan", "Bea", "Chloe", "Dario", "Emil",
               "Freya", "Gustav", "Hana", "Ivo", "Julia", "Kofi", "Lea", "Marco", "Nora", "Oscar",
               "Pia"]  # fmt: skip
LAST_NAMES = ["Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes",
              "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "O'Connor", "Peters",
              "Quinn", "Rossi", "Schmidt", "Torres", "Ueda", "Virtanen", "Walsh", "Yilmaz",
              "Zimmermann", "Bianchi", "Clarke", "Dahl", "Evans", "Ferreira"]  # fmt: skip
AGENCY_TITLES = ["Founder & CEO", "Managing Director", "Head of Partnerships",
                 "Client Services Director", "Head of E-commerce", "Strategy Director",
                 "Partner Manager"]  # fmt: skip
TECH_TITLES = ["VP Partnerships", "Partner Manager EMEA", "Head of Alliances", "Channel Manager",
               "Co-founder", "Solutions Engineer", "Agency Partnerships Lead"]  # fmt: skip
# Colleagues of the first Circle's members: the member is the partnerships person there. Seven
# titles, like the lists above, so the demo's random sequence stays the same.
COLLEAGUE_TITLES = ["Solutions Engineer", "Head of E-commerce", "Client Services Director",
                    "Strategy Director", "Account Executive", "Marketing Manager",
                    "Customer Success Manager"]  # fmt: skip
# (first, last, title) of the first Circle's members, one per organization of the five.
FIRST_CIRCLE_PEOPLE = [
    ("Astrid", "Holm", "Head of Partnerships"),
    ("Callum", "Reid", "Managing Director"),
    ("Femke", "de Vries", "Agency Partnerships Lead"),
    ("Niamh", "Byrne", "Head of Alliances"),
    ("Priyanka", "Shah", "VP Partnerships"),
]
# Partner managers: the demo teammates, Priya first (roundtable/workspaces/demo.py).
MANAGERS = ["priya@demo.example", "priya@demo.example", "owner@demo.example", "admin@demo.example"]


@dataclass
class OrgSpec:
    name: str
    domain: str
    kind: str
    city: str
    country: str
    description: str
    tags: list[str]
    status: str = PartnerStatus.NONE
    status_changed: date | None = None
    tier: str = ""
    manager: str | None = None
    since: date | None = None


@dataclass
class PersonSpec:
    domain: str
    first_name: str
    last_name: str
    title: str
    email: str
    city: str
    phone: str = ""


@dataclass
class Ecosystem:
    organizations: list[OrgSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    # (domain, domain, kind, source, since, note); "" stands for our own organization.
    edges: dict[tuple[str, str], tuple[str, str, date | None, str]] = field(default_factory=dict)


def _day(rng: random.Random, start: date, end: date = TODAY) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", "") if ch.isalnum())


def _phone(rng: random.Random, country: str) -> str:
    """Numbers from ranges reserved for fiction (UK 020 7946 0xxx, North America 555-01xx)."""
    if country == "GB":
        return f"+44 20 7946 0{rng.randint(0, 999):03}"
    if country in ("US", "CA"):
        return f"+1 {rng.choice([212, 312, 416, 512, 617, 720])} 555 01{rng.randint(0, 99):02}"
    return ""


def _tags(rng, kind, city, country, what="", *, first_circle=False, core=False) -> list[str]:
    region = REGION_OF_COUNTRY[country]
    if core:
        return [HUBSPOT, SHOPIFY, EMEA, f"region:{city}", D2C, "vertical:Fashion", MID,
                "icp:Head of E-commerce"]  # fmt: skip
    if first_circle:
        return [SHOPIFY, EMEA, f"region:{city}", D2C, SMALL, rng.choice(VERTICALS[:5]),
                "icp:Head of E-commerce"]  # fmt: skip
    ecosystems = rng.choice([[SHOPIFY], [SHOPIFY], [HUBSPOT], [HUBSPOT, SHOPIFY]])
    if kind == OrgKind.TECHNOLOGY and rng.random() < 0.7:
        ecosystems = [SHOPIFY] if rng.random() < 0.8 else [HUBSPOT]
    # What they do says which ecosystems they are in, whatever the dice said.
    ecosystems = [
        *([HUBSPOT] if HUBSPOT in ecosystems or "HubSpot" in what else []),
        *([SHOPIFY] if SHOPIFY in ecosystems or "Shopify" in what else []),
    ]
    verticals = rng.sample([D2C, D2C, *VERTICALS], 2)
    size = rng.choice([SMALL, SMALL, MID, MID, LARGE])
    tags = [*ecosystems, region, f"region:{city}", *dict.fromkeys(verticals), size]
    # Only the five carry all four tags of the first Circle's profile: the finder must find them.
    if {SHOPIFY, EMEA, D2C, SMALL} <= set(tags):
        tags[tags.index(SMALL)] = MID
    if rng.random() < 0.3:
        tags.append(rng.choice(ICP_TAGS))
    return tags


def _partner_terms(rng: random.Random, index: int) -> tuple[str, date | None, date, str, str]:
    """(status, since, status changed, tier, manager email) of our index-th partner."""
    status = rng.choices(
        [PartnerStatus.ACTIVE, PartnerStatus.PROSPECT, PartnerStatus.INACTIVE,
         PartnerStatus.CHURNED], weights=[66, 17, 9, 8],
    )[0]  # fmt: skip
    since = None if status == PartnerStatus.PROSPECT else _day(rng, date(2019, 1, 1))
    changed = _day(rng, since or date(2025, 1, 1))
    tier = ""
    if status != PartnerStatus.PROSPECT:
        tier = rng.choices(["Platinum", "Gold", "Silver", "Bronze"], weights=[1, 3, 4, 3])[0]
    return status, since, changed, tier, MANAGERS[index % len(MANAGERS)]


def _description(kind: str, city: str, what: str, tags: list[str]) -> str:
    ecosystems = " and ".join(t.split(":", 1)[1] for t in tags if t.startswith("ecosystem:"))
    noun = "agency" if kind == OrgKind.AGENCY else "app"
    return f"{ecosystems} {noun} in {city}: {what}."


def build_ecosystem() -> Ecosystem:
    """The whole demo ecosystem as plain data, from the fixed seed (no database access)."""
    rng = random.Random(SEED)
    eco = Ecosystem()
    name, domain, kind, city, country, what = CORE
    tags = _tags(rng, kind, city, country, core=True)
    eco.organizations.append(
        OrgSpec(name, domain, kind, city, country,
                "Top HubSpot and Shopify agency in EMEA: Shopify Plus builds, HubSpot onboarding "
                "and lifecycle marketing for D2C brands.", tags, PartnerStatus.ACTIVE,
                date(2020, 3, 2), "Platinum", "priya@demo.example", date(2020, 3, 2))
    )  # fmt: skip
    for index, (name, domain, kind, city, country, what) in enumerate(FIRST_CIRCLE):
        tags = _tags(rng, kind, city, country, first_circle=True)
        status = PartnerStatus.PROSPECT if index == 4 else PartnerStatus.ACTIVE
        since = None if status == PartnerStatus.PROSPECT else _day(rng, date(2021, 1, 1))
        eco.organizations.append(
            OrgSpec(name, domain, kind, city, country, _description(kind, city, what, tags), tags,
                    status, since or date(2025, 4, 14), "" if since is None else "Gold",
                    "priya@demo.example", since)
        )  # fmt: skip
    for index, (name, domain, kind, city, country, what) in enumerate(OTHER_PARTNERS):
        tags = _tags(rng, kind, city, country, what)
        status, since, changed, tier, manager = _partner_terms(rng, index)
        eco.organizations.append(
            OrgSpec(name, domain, kind, city, country, _description(kind, city, what, tags), tags,
                    status, changed, tier, manager, since)
        )  # fmt: skip
    for name, domain, kind, city, country, what in NOT_OUR_PARTNERS:
        tags = _tags(rng, kind, city, country, what)
        eco.organizations.append(
            OrgSpec(name, domain, kind, city, country, _description(kind, city, what, tags), tags)
        )
    eco.people = _people(rng, eco.organizations)
    eco.edges = _partnerships(rng, eco.organizations)
    return eco


def _people(rng: random.Random, organizations: list[OrgSpec]) -> list[PersonSpec]:
    people = []
    circle = dict(zip(DEMO_FIRST_CIRCLE_DOMAINS, FIRST_CIRCLE_PEOPLE, strict=True))
    for org in organizations:
        ours = org.status != PartnerStatus.NONE
        count = rng.randint(2, 4) if ours else rng.randint(1, 2)
        titles = AGENCY_TITLES if org.kind == OrgKind.AGENCY else TECH_TITLES
        chosen: list[tuple[str, str, str]] = []
        if org.domain in circle:
            chosen.append(circle[org.domain])
            titles = COLLEAGUE_TITLES
        while len(chosen) < count:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if all(first != c[0] for c in chosen):
                chosen.append((first, last, rng.choice(titles)))
        for first, last, title in chosen:
            email = f"{_slug(first)}.{_slug(last)}@{org.domain}"
            people.append(
                PersonSpec(org.domain, first, last, title, email, org.city,
                           _phone(rng, org.country))
            )  # fmt: skip
    return people


def _edge_kind(rng: random.Random, a: OrgSpec, b: OrgSpec) -> str:
    kinds = {a.kind, b.kind}
    if kinds == {OrgKind.TECHNOLOGY}:
        return PartnershipKind.INTEGRATION
    if kinds == {OrgKind.AGENCY}:
        return rng.choice([PartnershipKind.REFERRAL, PartnershipKind.REFERRAL,
                           PartnershipKind.SERVICES])  # fmt: skip
    return rng.choice([PartnershipKind.SERVICES, PartnershipKind.INTEGRATION,
                       PartnershipKind.REFERRAL, PartnershipKind.RESELLER])  # fmt: skip


def _partnerships(rng: random.Random, organizations: list[OrgSpec]):
    by_domain = {org.domain: org for org in organizations}
    core = by_domain[DEMO_CORE_PARTNER_DOMAIN]
    five = [by_domain[d] for d in DEMO_FIRST_CIRCLE_DOMAINS]
    partners = [o for o in organizations if o.status != PartnerStatus.NONE]
    others = [o for o in partners if o is not core and o not in five]
    strangers = [o for o in organizations if o.status == PartnerStatus.NONE]
    edges: dict = {}

    def link(a: OrgSpec, b: OrgSpec, source=PartnershipSource.IMPORT, note=""):
        key = tuple(sorted((a.domain, b.domain)))
        if key[0] == key[1] or key in edges:
            return
        since = _day(rng, date(2018, 1, 1)) if rng.random() < 0.8 else None
        edges[key] = (_edge_kind(rng, a, b), source, since, note)

    # Ours: every organization with a partner status, on our own books.
    for partner in partners:
        key = ("", partner.domain)
        agency = partner.kind == OrgKind.AGENCY
        kind = PartnershipKind.SERVICES if agency else PartnershipKind.INTEGRATION
        edges[key] = (kind, PartnershipSource.OWN, partner.since, "")
    # The core partner: the five, a dozen more of our partners, a dozen we don't partner with.
    for org in five:
        link(core, org, PartnershipSource.SHARED, "Joint Shopify + HubSpot projects in EMEA")
    for org in rng.sample(others, 13) + rng.sample(strangers, 12):
        link(core, org, PartnershipSource.SHARED)
    # The five know several of our partners and a few of one another.
    for org in five:
        for partner in rng.sample(others, rng.randint(6, 8)):
            link(org, partner)
    for a, b in [(0, 2), (1, 3), (2, 4), (0, 3)]:
        link(five[a], five[b])
    # Partners' partners we don't partner with: each knows two to five of our partners.
    for stranger in strangers:
        for partner in rng.sample(others, rng.randint(2, 5)):
            link(stranger, partner)
    # And our partners among themselves: about four hundred edges besides our own.
    while len(edges) < len(partners) + 400:
        a, b = rng.sample(others + strangers[:10], 2)
        link(a, b, rng.choice([PartnershipSource.IMPORT, PartnershipSource.MANUAL]))
    return edges


# Writing it


@transaction.atomic
def load_ecosystem(workspace) -> None:
    """Create or refresh the demo ecosystem in `workspace` (idempotent)."""
    eco = build_ecosystem()
    with scope(workspace=workspace):
        ours = actions.ensure_our_organization(workspace)
        managers = {u.email: u for u in User.objects.filter(email__in=MANAGERS)}
        orgs = _write_organizations(workspace, eco.organizations, managers)
        orgs[""] = _write_ours(workspace, ours)
        _write_tags(workspace, orgs, {spec.domain: spec.tags for spec in eco.organizations})
        _write_people(workspace, orgs, eco.people)
        _write_partnerships(workspace, orgs, eco.edges)
    # Bulk writes skip the signals that tell every process's Konnections graph to reload.
    bump_graph_version(workspace)


def _write_ours(workspace, ours: Organization) -> Organization:
    fields = {k: v for k, v in OURS.items() if k != "tags"}
    if any(getattr(ours, name) != value for name, value in fields.items()):
        actions.save_organization(workspace, ours, **fields)
    return ours


ORGANIZATION_FIELDS = [
    "name", "normalized_name", "website", "domain", "kind", "city", "country", "description",
    "status", "status_changed_at", "tier", "partner_manager", "partner_since", "updated_at",
]  # fmt: skip


def _at(day: date | None) -> datetime | None:
    return datetime.combine(day, time(9, 0), tzinfo=UTC) if day else None


def _write_organizations(workspace, specs: list[OrgSpec], managers) -> dict[str, Organization]:
    existing = {
        org.domain: org
        for org in Organization.objects.filter(domain__in=[spec.domain for spec in specs])
    }
    created, updated = [], []
    for spec in specs:
        org = existing.get(spec.domain) or Organization(workspace=workspace)
        values = {
            "name": spec.name,
            "normalized_name": normalize_company_name(spec.name),
            "website": f"https://www.{spec.domain}",
            "domain": registrable_domain(spec.domain),
            "kind": spec.kind,
            "city": spec.city,
            "country": spec.country,
            "description": spec.description,
            "status": spec.status,
            "status_changed_at": _at(spec.status_changed),
            "tier": spec.tier,
            "partner_manager_id": getattr(managers.get(spec.manager), "pk", None),
            "partner_since": spec.since,
        }
        if org.pk and all(getattr(org, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(org, name, value)
        org.updated_at = timezone.now()
        (updated if org.pk else created).append(org)
        existing[spec.domain] = org
    Organization.objects.bulk_create(created)
    Organization.objects.bulk_update(updated, ORGANIZATION_FIELDS)
    return {spec.domain: existing[spec.domain] for spec in specs}


def _write_tags(workspace, orgs: dict[str, Organization], labels: dict[str, list[str]]) -> None:
    labels[""] = OURS["tags"]
    wanted = {actions.parse_tag(label) for tags in labels.values() for label in tags}
    tags = {(tag.type, tag.name.lower()): tag for tag in Tag.objects.all()}
    missing = [
        Tag(workspace=workspace, type=tag_type, name=name)
        for tag_type, name in sorted(wanted)
        if (tag_type, name.lower()) not in tags
    ]
    for tag in Tag.objects.bulk_create(missing):
        tags[(tag.type, tag.name.lower())] = tag
    through = Organization.tags.through
    through.objects.filter(organization__in=list(orgs.values())).delete()
    rows = []
    for domain, org_labels in labels.items():
        for label in dict.fromkeys(org_labels):
            tag_type, name = actions.parse_tag(label)
            rows.append(through(organization=orgs[domain], tag=tags[(tag_type, name.lower())]))
    through.objects.bulk_create(rows)


def _write_people(workspace, orgs: dict[str, Organization], specs: list[PersonSpec]) -> None:
    existing = {
        person.email: person
        for person in Person.objects.filter(email__in=[spec.email for spec in specs])
    }
    created, updated = [], []
    fields = ["organization_id", "first_name", "last_name", "title", "city", "phone"]
    for spec in specs:
        person = existing.get(spec.email) or Person(workspace=workspace, email=spec.email)
        values = {name: getattr(spec, name) for name in fields[1:]}
        values["organization_id"] = orgs[spec.domain].pk
        if person.pk and all(getattr(person, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(person, name, value)
        person.updated_at = timezone.now()
        (updated if person.pk else created).append(person)
    Person.objects.bulk_create(created)
    Person.objects.bulk_update(updated, ["organization", *fields[1:], "updated_at"])


def _write_partnerships(workspace, orgs: dict[str, Organization], edges) -> None:
    """Exactly the demo's edges between demo organizations: missing ones added, others reset."""
    wanted = {}
    for (first, second), values in edges.items():
        a, b = orgs[first], orgs[second]
        wanted[(min(a.pk, b.pk), max(a.pk, b.pk))] = values
    ids = [org.pk for org in orgs.values()]
    current = {
        (edge.org_a_id, edge.org_b_id): edge
        for edge in Partnership.objects.filter(org_a__in=ids, org_b__in=ids)
    }
    Partnership.objects.filter(
        pk__in=[edge.pk for pair, edge in current.items() if pair not in wanted]
    ).delete()
    created, updated = [], []
    for (a, b), (kind, source, since, note) in wanted.items():
        edge = current.get((a, b)) or Partnership(workspace=workspace, org_a_id=a, org_b_id=b)
        if edge.pk and (edge.kind, edge.source, edge.since, edge.note) == (
            kind, source, since, note,
        ):  # fmt: skip
            continue
        edge.kind, edge.source, edge.since, edge.note = kind, source, since, note
        edge.updated_at = timezone.now()
        (updated if edge.pk else created).append(edge)
    Partnership.objects.bulk_create(created)
    Partnership.objects.bulk_update(updated, ["kind", "source", "since", "note", "updated_at"])
