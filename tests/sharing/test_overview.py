"""The overlaps overview: every counterpart with its headline figures, as its matrix shows them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.sharing import actions, policy
from roundtable.sharing.choices import Level
from tests.conftest import api_client, client_for
from tests.ecosystem.factories import make_partner
from tests.sharing.factories import OUR_ROWS, THEIR_ROWS, connect, import_rows

pytestmark = pytest.mark.django_db

BIG_DEAL = {"name": "Umbrella", "website": "umbrella.example", "status": "opportunity",
            "amount": "90000"}  # fmt: skip


def rows_of(html: str) -> list[list[str]]:
    """The overview table's rows as the cells' visible text."""
    body = html.split('data-testid="counterparts"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row] for row in cells]


@pytest.fixture
def partners(cast):
    ours = ensure_our_organization(cast.acme)
    small = make_partner(cast.acme, "Small Agency", "small-agency.example")
    big = make_partner(cast.acme, "Big Agency", "big-agency.example")
    import_rows(cast.acme, ours, [*OUR_ROWS, BIG_DEAL])
    import_rows(cast.acme, small, THEIR_ROWS)
    import_rows(cast.acme, big, [*THEIR_ROWS, {**BIG_DEAL, "status": "customer"}])
    return small, big


def test_each_partner_shows_its_overlap_and_potential_revenue(cast, partners):
    html = client_for(cast.alice).get("/w/acme/overlaps/").content.decode()

    rows = {row[0]: row[2:5] for row in rows_of(html)}
    # Acme is a customer of both; Initech (5,000) is our open deal and their customer, and
    # Umbrella (90,000) too at Big Agency.
    assert rows["Small Agency"] == ["1", "1", "5,000"]
    assert rows["Big Agency"] == ["1", "2", "95,000"]


def test_sorting_by_potential_revenue_puts_the_biggest_first(cast, partners):
    alice = client_for(cast.alice)

    by_name = [row[0] for row in rows_of(alice.get("/w/acme/overlaps/").content.decode())]
    by_revenue = [
        row[0] for row in rows_of(alice.get("/w/acme/overlaps/?sort=revenue").content.decode())
    ]

    assert by_name == ["Big Agency", "Small Agency"]
    assert by_revenue == ["Big Agency", "Small Agency"]
    small, _big = partners
    import_rows(cast.acme, small, [*THEIR_ROWS, {**BIG_DEAL, "status": "customer",
                                                 "amount": "1"}, {"name": "Hooli",
                                                 "website": "hooli.example",
                                                 "status": "customer"}])  # fmt: skip
    import_rows(cast.acme, ensure_our_organization(cast.acme), [
        *OUR_ROWS, BIG_DEAL, {"name": "Hooli", "website": "hooli.example",
                              "status": "opportunity", "amount": "500000"}])  # fmt: skip
    by_revenue = [
        row[0] for row in rows_of(alice.get("/w/acme/overlaps/?sort=revenue").content.decode())
    ]
    assert by_revenue == ["Small Agency", "Big Agency"]


def test_a_connection_shows_only_what_it_shares_and_nothing_below_its_minimum(cast):
    import_rows(cast.acme, ensure_our_organization(cast.acme), OUR_ROWS)
    import_rows(cast.globex, ensure_our_organization(cast.globex), THEIR_ROWS)
    connection = connect(cast.acme, cast.alice, cast.globex, cast.charlie)
    alice = client_for(cast.alice)

    # Globex shares nothing yet: nothing of its figures shows.
    hidden = rows_of(alice.get("/w/acme/overlaps/").content.decode())
    with scope(workspace=cast.globex):
        customers = actions.our_populations(cast.globex)[0]
    actions.set_share(cast.globex, connection, customers.uuid, Level.COUNTS, user=cast.charlie)
    for cp in policy.counterparts(cast.acme):
        policy.matrix(cast.acme, cp)
    below_minimum = rows_of(alice.get("/w/acme/overlaps/").content.decode())

    assert hidden == [["Globex", "connected workspace", "not shared", "not shared", "—", "not yet"]]
    # One customer in common and one open deal: both under Globex's minimum of 3.
    assert below_minimum[0][2:5] == ["fewer than 3", "fewer than 3", "—"]


def test_the_overview_reads_every_partner_in_a_fixed_number_of_queries(cast, partners):
    alice = client_for(cast.alice)
    alice.get("/w/acme/overlaps/")
    with CaptureQueriesContext(connection) as two_partners:
        alice.get("/w/acme/overlaps/")
    for number in range(6):
        partner = make_partner(cast.acme, f"More Agency {number}", f"more-{number}.example")
        import_rows(cast.acme, partner, THEIR_ROWS)
    alice.get("/w/acme/overlaps/")
    with CaptureQueriesContext(connection) as eight_partners:
        html = alice.get("/w/acme/overlaps/").content.decode()

    assert len(rows_of(html)) == 8
    assert len(eight_partners) == len(two_partners) <= 25


def test_the_api_lists_the_same_figures(cast, partners):
    listed = api_client(cast.alice, cast.acme).get("/api/v1/overlaps").json()

    figures = {
        c["name"]: (c["customers_in_common"], c["deals_with_their_customers"],
                    c["potential_revenue"])
        for c in listed
    }  # fmt: skip
    assert figures == {"Big Agency": ("1", "2", 95000.0), "Small Agency": ("1", "1", 5000.0)}
    assert all(c["computed_at"] for c in listed)
