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
