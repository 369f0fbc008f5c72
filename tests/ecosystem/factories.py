"""Plain factories for the directory, and one row of each kind for the isolation test."""

from roundtable.ecosystem import actions
from roundtable.ecosystem.choices import OrgKind, PartnerStatus


def make_org(workspace, name, website="", **fields):
    fields.setdefault("kind", OrgKind.AGENCY)
    return actions.save_organization(workspace, name=name, website=website, **fields)


def make_partner(workspace, name, website="", **fields):
    fields.setdefault("status", PartnerStatus.ACTIVE)
    return make_org(workspace, name, website, **fields)


def populate_workspace(workspace, owner):
    agency = make_partner(workspace, f"{workspace.name} Agency", f"agency-{workspace.slug}.example")
    tech = make_org(workspace, f"{workspace.name} Tech", f"tech-{workspace.slug}.example")
    actions.set_tags(agency, ["ecosystem:Shopify", "region:EMEA"])
    actions.save_person(
        workspace, organization=agency, first_name="Pat", email=f"pat@{workspace.slug}.example"
    )
    actions.link_partners(workspace, agency, tech)


def make_konnections_world(workspace):
    """A small ecosystem around the core partner Loop Agency, with answers worked out by hand.

    We (the workspace's own organization) partner with Loop, Mailflow, Pixel and Stockly.
    Loop's partners: Mailflow and Pixel (we partner with them too), Nordic Ads (3 of our other
    partners partner with it), Berlin Builders (1) and Cart Co (0). Oldie (churned) partners
    with Mailflow only.
    """
    from datetime import date
    from types import SimpleNamespace

    from roundtable.ecosystem.choices import PartnershipKind, PartnershipSource

    us = actions.ensure_our_organization(workspace)
    world = SimpleNamespace(us=us)
    specs = [
        ("loop", "Loop Agency", "loop.example", OrgKind.AGENCY, PartnerStatus.ACTIVE,
         ["ecosystem:Shopify", "region:EMEA", "size:under $25M", "vertical:D2C"]),
        ("mailflow", "Mailflow", "mailflow.example", OrgKind.TECHNOLOGY, PartnerStatus.ACTIVE,
         ["ecosystem:Shopify", "region:EMEA"]),
        ("pixel", "Pixel Studio", "pixel.example", OrgKind.AGENCY, PartnerStatus.ACTIVE,
         ["ecosystem:Shopify", "region:North America"]),
        ("stockly", "Stockly", "stockly.example", OrgKind.TECHNOLOGY, PartnerStatus.INACTIVE,
         ["ecosystem:HubSpot"]),
        ("nordic", "Nordic Ads", "nordic.example", OrgKind.AGENCY, PartnerStatus.NONE,
         ["ecosystem:Shopify", "region:EMEA", "size:under $25M", "vertical:D2C"]),
        ("berlin", "Berlin Builders", "berlin.example", OrgKind.AGENCY, PartnerStatus.PROSPECT,
         ["region:EMEA", "size:$25M-$100M"]),
        ("cart", "Cart Co", "cart.example", OrgKind.TECHNOLOGY, PartnerStatus.NONE,
         ["region:North America"]),
        ("oldie", "Oldie", "oldie.example", OrgKind.AGENCY, PartnerStatus.CHURNED, []),
    ]  # fmt: skip
    for key, name, website, kind, status, tags in specs:
        organization = make_org(workspace, name, website, kind=kind, status=status)
        actions.set_tags(organization, tags)
        setattr(world, key, organization)
    own, imported = PartnershipSource.OWN, PartnershipSource.IMPORT
    edges = [
        ("us", "loop", PartnershipKind.SERVICES, own, date(2022, 1, 10)),
        ("us", "mailflow", PartnershipKind.INTEGRATION, own, date(2023, 6, 1)),
        ("us", "pixel", PartnershipKind.REFERRAL, own, None),
        ("us", "stockly", PartnershipKind.INTEGRATION, own, None),
        ("loop", "mailflow", PartnershipKind.INTEGRATION, imported, date(2021, 3, 1)),
        ("loop", "pixel", PartnershipKind.SERVICES, imported, None),
        ("loop", "nordic", PartnershipKind.REFERRAL, imported, None),
        ("loop", "berlin", PartnershipKind.RESELLER, imported, None),
        ("loop", "cart", PartnershipKind.UNKNOWN, imported, None),
        ("mailflow", "nordic", PartnershipKind.INTEGRATION, imported, None),
        ("pixel", "nordic", PartnershipKind.SERVICES, imported, None),
        ("stockly", "nordic", PartnershipKind.INTEGRATION, imported, None),
        ("mailflow", "berlin", PartnershipKind.INTEGRATION, imported, None),
        ("mailflow", "pixel", PartnershipKind.REFERRAL, imported, None),
        ("oldie", "mailflow", PartnershipKind.UNKNOWN, imported, None),
    ]
    for a, b, kind, source, since in edges:
        actions.link_partners(
            workspace, getattr(world, a), getattr(world, b), kind=kind, source=source, since=since
        )
    people = [
        ("nordic", "Nina", "Nord", "nina@nordic.example", "Head of Partnerships"),
        ("nordic", "Nils", "Berg", "nils@nordic.example", "CEO"),
        ("mailflow", "Mia", "Flow", "mia@mailflow.example", "Partner Manager"),
        ("berlin", "Ben", "Bauer", "ben@berlin.example", "Founder"),
    ]
    for key, first, last, email, title in people:
        actions.save_person(
            workspace,
            organization=getattr(world, key),
            first_name=first,
            last_name=last,
            email=email,
            title=title,
        )
    return world
