"""The Circle candidate finder: a core partner and an ICP in; ranked organizations, people out."""

import csv
import io

import pytest
from django_scopes import scope

from roundtable.ecosystem import graph
from roundtable.ecosystem.models import Organization
from tests.conftest import client_for
from tests.ecosystem.factories import make_konnections_world

pytestmark = pytest.mark.django_db

ICP = "tag=ecosystem:Shopify&tag=region:EMEA&tag=vertical:D2C&tag=size:under $25M"


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


def rank(cast, **data):
    with scope(workspace=cast.acme):
        form = graph.CandidateFilter(data)
        assert form.is_valid(), form.errors
        return graph.rank_candidates(cast.acme, form)


def test_candidates_around_the_core_partner_rank_by_fit_with_reasons(cast, world):
    ranked = rank(
        cast,
        core="loop.example",
        tag=["ecosystem:Shopify", "region:EMEA", "vertical:D2C", "size:under $25M"],
    )

    with scope(workspace=cast.acme):
        names = [graph_name(row) for row in ranked.rows]
    assert names[0] == "Nordic Ads"
    nordic = ranked.rows[0]
    assert nordic.reasons.startswith(
        "partners with Loop Agency and with 3 of our partners; 4 of 4 ICP tags; "
        "not our partner yet: 2 people known"
    )
    assert "Loop Agency" not in names  # the core partner is not its own candidate
    assert "Acme" not in names  # nor are we


def graph_name(row):
    return Organization.objects.get(pk=row.organization_id).name


def test_weights_change_the_ranking(cast, world):
    by_status = rank(
        cast,
        core="Loop Agency",
        weight_core="0",
        weight_common="0",
        weight_tags="0",
        weight_status="10",
        weight_activity="0",
    )

    with scope(workspace=cast.acme):
        top = graph_name(by_status.rows[0])
    assert top == "Mailflow"  # active partner, first by name among the active ones
    assert by_status.rows[0].score == pytest.approx(100.0)


def test_organizations_sharing_partners_with_the_core_are_candidates_too(cast, world):
    ranked = rank(cast, core="loop.example")

    with scope(workspace=cast.acme):
        oldie = next(r for r in ranked.rows if graph_name(r) == "Oldie")
    assert not oldie.partners_with_core
    assert oldie.shared_with_core == 1  # Mailflow
    assert oldie.reasons.startswith(
        "shares 1 partner with Loop Agency; partners with 1 of our partners"
    )


def test_the_page_shows_weights_scores_reasons_and_people(cast, world):
    response = client_for(cast.bob).get(f"/w/acme/partners/candidates/?core=loop.example&{ICP}")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="weight_core" value="3.0"' in page
    assert "partners with Loop Agency and with 3 of our partners; 4 of 4 ICP tags" in page
    assert "Nina Nord" in page
    assert "Export selected people (CSV)" in page


def test_selected_people_export_as_csv_for_a_new_circle(cast, world):
    with scope(workspace=cast.acme):
        nina = world.nordic.people.get(email="nina@nordic.example")
        mia = world.mailflow.people.get()
    client = client_for(cast.bob)

    response = client.get(
        f"/w/acme/partners/candidates/export.csv?core=loop.example&{ICP}"
        f"&person={nina.uuid}&person={mia.uuid}"
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "name", "email", "title", "organization", "organization_website", "score", "reasons",
    ]  # fmt: skip
    assert [row[:4] for row in rows[1:]] == [
        ["Mia Flow", "mia@mailflow.example", "Partner Manager", "Mailflow"],
        ["Nina Nord", "nina@nordic.example", "Head of Partnerships", "Nordic Ads"],
    ]
    assert rows[2][6].startswith("partners with Loop Agency")


def test_an_empty_or_broken_selection_says_so(cast, world):
    client = client_for(cast.bob)

    empty = client.get("/w/acme/partners/candidates/export.csv?core=loop.example", follow=True)
    broken = client.get("/w/acme/partners/candidates/export.csv?person=nope", follow=True)

    assert "Select at least one person to export." in empty.content.decode()
    assert "not a person" in broken.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("core=nowhere.example", "No organization “nowhere.example” in this workspace."),
        ("core=acme.example", "That is your own company"),
        ("core=loop.example&weight_core=11", "less than or equal to 10"),
        ("core=loop.example&weight_tags=-1", "greater than or equal to 0"),
        ("core=loop.example&weight_status=nan", "Enter a number."),
        (
            "core=loop.example&weight_core=0&weight_common=0&weight_tags=0&weight_status=0"
            "&weight_activity=0",
            "Give at least one weight a value above zero.",
        ),
        (
            "core=loop.example&tag=size:under $25M&tag=size:$25M-$100M",
            "An organization has one size band",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(cast, world, query, message):
    response = client_for(cast.bob).get(f"/w/acme/partners/candidates/?{query}")

    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_workspaces_core_partner_is_unknown_here(cast, world):
    response = client_for(cast.charlie).get("/w/globex/partners/candidates/?core=loop.example")
    assert "No organization “loop.example” in this workspace." in response.content.decode()


def test_each_candidates_partnerships_person_comes_first_and_is_ticked(cast, world):
    # Given the top candidate around Loop Agency, whose people hold different roles
    best = rank(cast, core="loop.example").rows[0].organization_id
    with scope(workspace=cast.acme):
        org = Organization.objects.get(pk=best)
        org.people.all().delete()
        for first, title, email in [
            ("Ada", "Solutions Engineer", "ada@stockly.example"),
            ("Ben", "Head of Partnerships", ""),
            ("Cy", "Partner Manager", "cy@stockly.example"),
            ("Di", "VP Channel & Alliances", "di@stockly.example"),
        ]:
            org.people.create(workspace=cast.acme, first_name=first, last_name="X",
                              title=title, email=email)  # fmt: skip
        ranked = graph.rank_people(org.people.all())

    # Then partner-facing seniors come first, those we can email before those we cannot,
    # and other roles last
    assert [p.first_name for p in ranked] == ["Di", "Ben", "Cy", "Ada"]
    page = client_for(cast.bob).get("/w/acme/partners/candidates/?core=loop.example")
    html = page.content.decode()
    ticked = [p.first_name for p in ranked if f'value="{p.uuid}" checked' in html]
    assert ticked == ["Di"]
