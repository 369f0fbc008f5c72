"""The Konnections tab: a partner's own partners, marked where we partner with them too."""

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django_scopes import scope

from roundtable.ecosystem import actions, graph
from roundtable.ecosystem.models import Organization, Partnership
from tests.conftest import client_for
from tests.ecosystem.factories import make_konnections_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


def url(world, suffix="", query=""):
    path = f"/w/acme/partners/{world.loop.uuid}/konnections/{suffix}"
    return f"{path}?{query}" if query else path


def test_konnections_of_the_core_partner_mark_who_we_partner_with(cast, world):
    response = client_for(cast.bob).get(url(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Showing 5 of 5 partners; you partner with 2 of them too" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    names = [re.search(r'data-name="([^"]+)"', row).group(1) for row in rows]
    assert names == ["Nordic Ads", "Berlin Builders", "Mailflow", "Pixel Studio", "Cart Co"]
    mailflow = rows[2]
    assert "You partner with them too" in mailflow
    assert "since Jun 2023" in mailflow
    assert "You partner with them too" not in rows[0]
    assert "Acme" not in names  # our own company is not one of its Konnections


def test_engine_answers_mutual_flags_and_partners_in_common(cast, world):
    with scope(workspace=cast.acme):
        form = graph.KonnectionsFilter({})
        assert form.is_valid()
        nodes = graph.konnections(cast.acme, world.loop, form)
    by_id = {
        int(i): (bool(m), int(c))
        for i, m, c in zip(nodes.ids, nodes.mutual, nodes.common, strict=True)
    }
    assert by_id == {
        world.nordic.pk: (False, 3),  # Mailflow, Pixel and Stockly partner with Nordic
        world.berlin.pk: (False, 1),
        world.mailflow.pk: (True, 1),
        world.pixel.pk: (True, 1),
        world.cart.pk: (False, 0),
    }


def test_filter_to_mutual_partners_in_emea(cast, world):
    response = client_for(cast.bob).get(url(world, query="mutual=only&tag=region:EMEA"))

    page = response.content.decode()
    assert "Showing 1 of 5 partners" in page
    assert "Mailflow" in page
    assert "Pixel Studio</a>" not in page


def test_htmx_filtering_answers_the_table_fragment(cast, world):
    response = client_for(cast.bob).get(
        url(world, query="kind=technology"), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert "<html" not in page
    assert "Mailflow" in page
    assert "Cart Co" in page
    assert "Nordic Ads" not in page
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("sort", "first"),
    [("name", "Berlin Builders"), ("-name", "Pixel Studio"), ("common", "Cart Co"),
     ("-mutual", "Mailflow"), ("link_kind", "Mailflow"), ("-link_kind", "Cart Co"),
     ("status", "Mailflow"), ("kind", "Berlin Builders"), ("tags", "Mailflow")],
)  # fmt: skip
def test_sort_by_any_column(cast, world, sort, first):
    with scope(workspace=cast.acme):
        form = graph.KonnectionsFilter({"sort": sort})
        assert form.is_valid()
        nodes = graph.konnections(cast.acme, world.loop, form)
        names = [row.organization.name for row in graph.konnection_rows(world.loop, nodes)]
    assert names[0] == first, names


def test_export_csv_has_the_rows_the_page_shows(cast, world):
    response = client_for(cast.bob).get(url(world, "export.csv", "mutual=only"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("organization,website,kind,tags,status,you_partner_too")
    assert len(lines) == 3
    assert lines[1].startswith("Mailflow,mailflow.example,technology,")
    assert ",yes,2023-06-01,integration,import,2021-03-01,1" in lines[1]


def test_mutual_partners_of_two_organizations_on_one_click(cast, world):
    response = client_for(cast.bob).get(url(world))
    assert f"/w/acme/partners/{world.loop.uuid}/mutual/{world.mailflow.uuid}/" in (
        response.content.decode()
    )

    response = client_for(cast.bob).get(
        f"/w/acme/partners/{world.loop.uuid}/mutual/{world.mailflow.uuid}/"
    )

    page = response.content.decode()
    assert "What do Loop Agency and Mailflow have in common?" in page
    assert "Nordic Ads" in page
    assert "Berlin Builders" in page
    assert "Pixel Studio" in page
    assert "Cart Co" not in page


def test_unknown_or_contradictory_filters_say_what_is_wrong(cast, world):
    client = client_for(cast.bob)

    unknown = client.get(url(world, query="tag=region:Atlantis"))
    both_sizes = client.get(url(world, query="tag=size:under $25M&tag=size:$25M-$100M"))
    bad_sort = client.get(url(world, query="sort=shoe_size"))

    assert unknown.status_code == 200
    assert "There is no tag “region:Atlantis” in this workspace." in unknown.content.decode()
    assert "An organization has one size band" in both_sizes.content.decode()
    assert "Select a valid choice" in bad_sort.content.decode()


def test_an_organization_without_partnerships_has_an_empty_tab(cast, world):
    lonely = actions.save_organization(cast.acme, name="Lonely Ltd")
    response = client_for(cast.bob).get(f"/w/acme/partners/{lonely.uuid}/konnections/")
    assert response.status_code == 200
    assert "No partnerships of Lonely Ltd are recorded yet" in response.content.decode()


def test_new_partnership_shows_at_once(cast, world):
    client = client_for(cast.bob)
    client.get(url(world))  # the graph is now built in this process
    newcomer = actions.save_organization(cast.acme, name="Newcomer", website="new.example")

    actions.link_partners(cast.acme, world.loop, newcomer)
    after_link = client.get(url(world)).content.decode()
    with scope(workspace=cast.acme):
        edge = Partnership.objects.get(org_a=world.loop, org_b=newcomer)
    actions.unlink_partners(edge)
    after_unlink = client.get(url(world)).content.decode()

    assert "Newcomer" in after_link
    assert "Showing 6 of 6" in after_link
    assert "Newcomer" not in after_unlink


def test_status_change_moves_an_organization_into_our_partners(cast, world):
    client = client_for(cast.bob)
    client.get(url(world))

    actions.save_organization(cast.acme, world.nordic, status="active")

    page = client.get(url(world, query="mutual=only")).content.decode()
    assert "Nordic Ads" in page
    assert "you partner with 3 of them too" in page


def test_guests_and_other_workspaces_cannot_see_konnections(cast, world):
    assert client_for(cast.gina).get(url(world)).status_code == 404
    assert client_for(cast.charlie).get(url(world)).status_code == 404


def test_a_rolled_back_change_leaves_no_trace(cast, world):
    client = client_for(cast.bob)
    client.get(url(world))
    newcomer = actions.save_organization(cast.acme, name="Newcomer", website="new.example")

    seen_inside = []

    def link_then_fail():
        with transaction.atomic():
            actions.link_partners(cast.acme, world.loop, newcomer)
            seen_inside.append("Newcomer" in client.get(url(world)).content.decode())
            raise RuntimeError("the request failed after linking")

    with pytest.raises(RuntimeError):
        link_then_fail()

    assert seen_inside == [True]
    assert "Newcomer" not in client.get(url(world)).content.decode()


def test_another_processs_bump_in_the_shared_cache_reloads_this_process(cast, world):
    client = client_for(cast.bob)
    client.get(url(world))
    with scope(workspace=cast.acme):
        newcomer = Organization.objects.create(
            workspace=cast.acme, name="Bulk Newcomer", normalized_name="bulk newcomer"
        )
        # A write that skips signals (bulk import), made "elsewhere": this process cannot know.
        Partnership.objects.bulk_create(
            [Partnership(workspace=cast.acme, org_a=world.loop, org_b=newcomer)]
        )
    assert "Bulk Newcomer" not in client.get(url(world)).content.decode()

    # What `bump_graph_version` in the other process leaves in the shared database cache:
    cache.set(f"ecosystem-graph:{cast.acme.pk}:edges", "another-process-token", None)

    assert "Bulk Newcomer" in client.get(url(world)).content.decode()
