"""The ecosystem map: us, the core partner, its partners and ours, drawn by the app itself."""

import re
import xml.etree.ElementTree as ET

import pytest
from django_scopes import scope

from roundtable.ecosystem import actions, graph
from roundtable.ecosystem.models import Organization, Partnership
from tests.conftest import client_for
from tests.ecosystem.factories import make_konnections_world

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


def nodes_of(svg_text: str) -> dict[str, str]:
    """{organization name: role} of every node in the picture."""
    root = ET.fromstring(svg_text)  # noqa: S314  (our own output)
    found = {}
    for link in root.iter(f"{SVG}a"):
        title = link.find(f"{SVG}title").text
        found[title.split(" — ")[0]] = link.get("data-role")
    return found


def test_the_map_shows_us_the_core_partner_and_highlights_mutual_partners(cast, world):
    response = client_for(cast.bob).get("/w/acme/partners/map/?core=loop.example")

    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert nodes_of(svg) == {
        "Acme": "us",
        "Loop Agency": "core",
        "Mailflow": "mutual",
        "Pixel Studio": "mutual",
        "Nordic Ads": "core_partner",
        "Berlin Builders": "core_partner",
        "Cart Co": "core_partner",
        "Stockly": "our_partner",
    }
    assert f'href="/w/acme/partners/{world.nordic.uuid}/"' in svg  # a click opens it
    assert "Agency" in svg  # the colour legend (by kind)
    assert "Download PNG" in page


def test_the_map_counts_our_partners_in_common_as_the_konnections_table_does(cast, world):
    # Given the core partner's Konnections, each with how many of our partners partner with it
    with scope(workspace=cast.acme):
        form = graph.KonnectionsFilter({})
        assert form.is_valid()
        table = {
            row.organization.name: row.common
            for row in graph.konnection_rows(
                world.loop, graph.konnections(cast.acme, world.loop, form)
            )
        }
        # When the map of the same core partner is drawn
        drawn = graph.ecosystem_map(cast.acme, world.loop)
        names = dict(Organization.objects.values_list("pk", "name"))
    on_map = {names[n.organization_id]: n.common for n in drawn.nodes if n.role != "core"}
    # Then every partner of the core partner shows the same count in both
    assert {name: on_map[name] for name in table} == table
    assert any(table.values())


def test_colour_by_a_tag_type_puts_its_values_in_the_legend(cast, world):
    response = client_for(cast.bob).get("/w/acme/partners/map.svg?core=loop.example&colour=region")

    assert response["Content-Type"] == "image/svg+xml"
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # noqa: S314  (a well-formed file of our own)
    legend = [text.text for text in root.iter(f"{SVG}text")]
    assert "EMEA" in legend
    assert "North America" in legend
    assert "no tag" in legend


def test_without_a_core_partner_the_map_shows_us_and_our_partners(cast, world):
    response = client_for(cast.bob).get("/w/acme/partners/map.svg")
    names = nodes_of(response.content.decode().split("\n", 1)[1])
    assert set(names) == {"Acme", "Loop Agency", "Mailflow", "Pixel Studio", "Stockly"}


def test_large_pictures_keep_the_most_relevant_and_say_so(cast, world):
    with scope(workspace=cast.acme):
        crowd = Organization.objects.bulk_create(
            Organization(workspace=cast.acme, name=f"Crowd {i:03}", normalized_name=f"crowd {i}")
            for i in range(300)
        )
        Partnership.objects.bulk_create(
            Partnership(workspace=cast.acme, org_a=world.loop, org_b=org)
            if world.loop.pk < org.pk
            else Partnership(workspace=cast.acme, org_a=org, org_b=world.loop)
            for org in crowd
        )
    graph.bump_graph_version(cast.acme)  # bulk writes skip the signals

    response = client_for(cast.bob).get("/w/acme/partners/map/?core=loop.example")

    page = response.content.decode()
    assert "Showing the 200 most relevant of 308 organizations" in page
    names = nodes_of(re.search(r"<svg.*?</svg>", page, re.S).group(0))
    assert len(names) == 200
    assert names["Mailflow"] == "mutual"  # mutual partners are kept first
    assert names["Stockly"] == "our_partner"


def test_layout_is_deterministic_and_inside_the_canvas(cast, world):
    with scope(workspace=cast.acme):
        first = graph.ecosystem_map(cast.acme, world.loop)
        second = graph.ecosystem_map(cast.acme, world.loop)
    assert [(n.x, n.y) for n in first.nodes] == [(n.x, n.y) for n in second.nodes]
    assert all(0 < n.x < graph.MAP_WIDTH and 0 < n.y < graph.MAP_HEIGHT for n in first.nodes)


def test_an_unknown_core_partner_is_named_in_the_message(cast, world):
    response = client_for(cast.bob).get("/w/acme/partners/map/?core=atlantis.example")
    assert "No organization “atlantis.example” in this workspace." in response.content.decode()


def test_an_unknown_colouring_is_named_and_the_map_falls_back_to_kind(cast, world):
    response = client_for(cast.bob).get("/w/acme/partners/map/?core=loop.example&colour=zzz")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Colour by “zzz” is not a choice" in page
    assert nodes_of(re.search(r"<svg.*?</svg>", page, re.S).group(0))["Loop Agency"] == "core"


def test_the_map_page_works_for_a_workspace_without_partnerships(cast):
    actions.ensure_our_organization(cast.globex)
    response = client_for(cast.charlie).get("/w/globex/partners/map/")
    assert response.status_code == 200
