"""The demo ecosystem: realistic, deterministic, idempotent, and shaped for the first Circle."""

import pytest
from django.core.management import call_command
from django_scopes import scope

from roundtable.ecosystem.actions import partners_of
from roundtable.ecosystem.choices import PartnerStatus
from roundtable.ecosystem.demo import (
    DEMO_CORE_PARTNER_DOMAIN,
    DEMO_FIRST_CIRCLE_DOMAINS,
    DEMO_FIRST_CIRCLE_EMAILS,
    build_ecosystem,
)
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from roundtable.workspaces.models import Workspace

pytestmark = pytest.mark.django_db
FIRST_CIRCLE_PROFILE = {"ecosystem:Shopify", "region:EMEA", "vertical:D2C", "size:under $25M"}


def snapshot(workspace):
    """Everything a user could see of the directory, uuids included."""
    with scope(workspace=workspace):
        orgs = sorted(
            (o.uuid, o.name, o.domain, o.kind, o.status, o.status_changed_at, o.tier,
             o.partner_manager_id, o.partner_since, o.city, o.description,
             tuple(sorted(t.label for t in o.tags.all())))
            for o in Organization.objects.prefetch_related("tags")
        )  # fmt: skip
        people = sorted(
            Person.objects.values_list("uuid", "organization__domain", "email", "first_name",
                                       "last_name", "title", "city", "phone")
        )  # fmt: skip
        edges = sorted(
            Partnership.objects.values_list("uuid", "org_a__domain", "org_b__domain", "kind",
                                            "source", "since", "note")
        )  # fmt: skip
        tags = sorted(Tag.objects.values_list("uuid", "type", "name"))
    return orgs, people, edges, tags


@pytest.fixture
def demo():
    call_command("demo")
    return Workspace.objects.get(slug="demo")


def test_demo_loads_a_realistic_ecosystem(demo):
    workspace = demo
    with scope(workspace=workspace):
        ours = Organization.objects.ours().get()
        partners = Organization.objects.partners()
        assert ours.name == "Northwind Commerce"
        assert {"ecosystem:HubSpot", "ecosystem:Shopify"} <= {t.label for t in ours.tags.all()}
        assert 55 <= partners.count() <= 65
        assert {p.kind for p in partners} == {"agency", "technology"}
        assert set(partners.values_list("status", flat=True)) == {
            PartnerStatus.ACTIVE, PartnerStatus.PROSPECT, PartnerStatus.INACTIVE,
            PartnerStatus.CHURNED,
        }  # fmt: skip
        not_ours = Organization.objects.filter(status=PartnerStatus.NONE, is_us=False)
        assert 35 <= not_ours.count() <= 45
        assert 440 <= Partnership.objects.count() <= 480  # ~400 besides our own ~60
        for org in partners:
            assert 2 <= org.people.count() <= 4, org
            assert org.partner_manager is not None
            assert org.domain.endswith(".example")
        assert set(partners.values_list("partner_manager__email", flat=True)) >= {
            "priya@demo.example", "owner@demo.example",
        }  # fmt: skip
        tag_types = set(Tag.objects.values_list("type", flat=True))
        assert {"ecosystem", "size", "vertical", "region", "icp"} <= tag_types
        assert Tag.objects.filter(type="region", name="Berlin").exists()
        assert all(p.email.endswith(".example") for p in Person.objects.all())


def test_running_the_demo_again_gives_the_same_data(demo):
    workspace = demo
    before = snapshot(workspace)
    call_command("demo")
    assert snapshot(workspace) == before


def test_the_demo_is_generated_from_a_fixed_seed():
    first, second = build_ecosystem(), build_ecosystem()
    assert first == second


def test_core_partner_knows_our_partners_and_others(demo):
    workspace = demo
    with scope(workspace=workspace):
        core = Organization.objects.get(domain=DEMO_CORE_PARTNER_DOMAIN)
        assert {"ecosystem:HubSpot", "ecosystem:Shopify", "region:EMEA"} <= {
            t.label for t in core.tags.all()
        }
        konnections = list(partners_of(core))
        mutual = [o for o in konnections if o.status != PartnerStatus.NONE or o.is_us]
        others = [o for o in konnections if o.status == PartnerStatus.NONE and not o.is_us]
        assert len(mutual) >= 15
        assert len(others) >= 10


def test_the_first_circle_organizations_fit_the_profile_and_know_our_partners(demo):
    workspace = demo
    with scope(workspace=workspace):
        core = Organization.objects.get(domain=DEMO_CORE_PARTNER_DOMAIN)
        our_partners = set(Organization.objects.partners().values_list("pk", flat=True))
        for domain, email in zip(DEMO_FIRST_CIRCLE_DOMAINS, DEMO_FIRST_CIRCLE_EMAILS, strict=True):
            org = Organization.objects.get(domain=domain)
            assert {t.label for t in org.tags.all()} >= FIRST_CIRCLE_PROFILE
            their_partners = set(partners_of(org).values_list("pk", flat=True))
            assert core.pk in their_partners
            assert len(their_partners & our_partners - {core.pk}) >= 4
            assert Person.objects.get(email=email).organization == org
        # Nobody else carries the whole profile: the finder's top five are these five.
        full_fit = [
            o.domain
            for o in Organization.objects.prefetch_related("tags")
            if {t.label for t in o.tags.all()} >= FIRST_CIRCLE_PROFILE
        ]
        assert sorted(full_fit) == sorted(DEMO_FIRST_CIRCLE_DOMAINS)


def test_the_demo_directory_exports_through_the_cli(demo, capsys):
    call_command("export", "organizations", "--workspace", "demo")
    lines = capsys.readouterr().out.splitlines()
    with scope(workspace=demo):
        assert len(lines) == 1 + Organization.objects.count()
