"""The demo tells the Konnections story: the core agency partner's Konnections mix mutual and new
partners, and the candidate finder puts the demo's first Circle at the top."""

import pytest
from django_scopes import scope

from roundtable.ecosystem import graph
from roundtable.ecosystem.demo import (
    DEMO_CORE_PARTNER_DOMAIN,
    DEMO_FIRST_CIRCLE_DOMAINS,
    DEMO_FIRST_CIRCLE_EMAILS,
)
from roundtable.ecosystem.models import Organization
from roundtable.web.demo import load_demo

pytestmark = pytest.mark.django_db

ICP = ["ecosystem:Shopify", "region:EMEA", "vertical:D2C", "size:under $25M"]


@pytest.fixture
def demo():
    return load_demo("roundtable-demo")


def test_the_core_partners_konnections_are_a_believable_mix(demo):
    with scope(workspace=demo):
        core = Organization.objects.get(domain=DEMO_CORE_PARTNER_DOMAIN)
        form = graph.KonnectionsFilter({})
        assert form.is_valid()
        nodes = graph.konnections(demo, core, form)
        rows = list(graph.konnection_rows(core, nodes))

    assert nodes.total >= 20
    assert 0.3 <= nodes.total_mutual / nodes.total <= 0.8
    circle = {row.organization.domain for row in rows}
    assert set(DEMO_FIRST_CIRCLE_DOMAINS) <= circle
    assert any(row.common >= 3 and not row.mutual for row in rows)  # worth partnering with


def test_the_finder_ranks_the_first_circle_at_the_top(demo):
    with scope(workspace=demo):
        form = graph.CandidateFilter({"core": DEMO_CORE_PARTNER_DOMAIN, "tag": ICP})
        assert form.is_valid(), form.errors
        details = graph.candidate_details(graph.rank_candidates(demo, form))

    top = details[:6]
    assert set(DEMO_FIRST_CIRCLE_DOMAINS) <= {org.domain for _row, org, _people in top}
    # Each organization's partnerships person comes first: the five people the Circle holds.
    first_people = {people[0].email for _row, _org, people in details[:5]}
    assert first_people == set(DEMO_FIRST_CIRCLE_EMAILS)
    assert all("4 of 4 ICP tags" in row.reasons for row, _org, _people in details[:5])
