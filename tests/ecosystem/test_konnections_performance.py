"""The Konnections page of a partner with 1,000 partners: a fixed number of queries, well under
100 ms of server time (the graph is read from memory; only the shown page's rows are loaded).

Server time is this process's CPU time: on a machine busy with other work, wall-clock time
measures the neighbours, and the pinned query count already bounds the database's share."""

import statistics
import time

import pytest
from django_scopes import scope

from roundtable.ecosystem import graph
from roundtable.ecosystem.choices import PartnerStatus
from roundtable.ecosystem.models import Organization, Partnership, Person
from tests.conftest import client_for
from tests.ecosystem.factories import make_partner

pytestmark = pytest.mark.django_db

PARTNERS = 1000


@pytest.fixture
def big_partner(cast):
    workspace = cast.acme
    hub = make_partner(workspace, "Hub Agency", "hub.example")
    with scope(workspace=workspace):
        us = Organization.objects.ours().get()
        partners = Organization.objects.bulk_create(
            Organization(
                workspace=workspace,
                name=f"Partner {i:04}",
                normalized_name=f"partner {i:04}",
                domain=f"partner{i}.example",
                kind="agency" if i % 3 else "technology",
                status=PartnerStatus.ACTIVE if i % 5 == 0 else PartnerStatus.NONE,
            )
            for i in range(PARTNERS)
        )
        edges = [Partnership(workspace=workspace, org_a=hub, org_b=p) for p in partners]
        edges += [Partnership(workspace=workspace, org_a=us, org_b=hub)]
        # Our partners (every fifth) also partner with their neighbours.
        edges += [
            Partnership(workspace=workspace, org_a=partners[i], org_b=partners[i + 1])
            for i in range(0, PARTNERS - 1, 5)
        ]
        Partnership.objects.bulk_create(edges)
        tags = [
            graph.Tag.objects.create(workspace=workspace, type=t, name=n)
            for t, n in [("ecosystem", "Shopify"), ("region", "EMEA"), ("size", "under $25M")]
        ]
        through = Organization.tags.through
        through.objects.bulk_create(
            through(organization=p, tag=tag)
            for i, p in enumerate(partners)
            for tag in tags[: i % 4]
        )
        Person.objects.bulk_create(
            Person(workspace=workspace, organization=p, first_name="Pat", email=f"pat@{p.domain}")
            for p in partners[::10]
        )
    graph.bump_graph_version(workspace)
    return hub


def test_konnections_page_of_a_partner_with_1000_partners(
    cast, big_partner, django_assert_num_queries
):
    client = client_for(cast.bob)
    url = f"/w/acme/partners/{big_partner.uuid}/konnections/"
    first = client.get(url)  # builds this process's graph once
    assert (
        "Showing 1000 of 1000 partners; you partner with 200 of them too" in first.content.decode()
    )

    # The request's own: session, user, workspace, membership, workspace menu and the session
    # save (savepoint, update, release). The page's: the organization, the graph version, the
    # shown rows, their tags, their partnerships with the hub (two index lookups), tag choices.
    with django_assert_num_queries(15):
        response = client.get(url + "?sort=name&page=3")
    assert response.status_code == 200
    assert "Partner 0100" in response.content.decode()

    timings = []
    for query in ("", "?sort=name", "?mutual=only", "?tag=region:EMEA&sort=-common", "?page=9"):
        started = time.process_time()
        assert client.get(url + query).status_code == 200
        timings.append(time.process_time() - started)
    assert statistics.median(timings) < 0.100, timings
