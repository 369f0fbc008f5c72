"""Overlap counts, drill-downs and exports with a partner whose accounts we uploaded, custom
populations and private marks."""

import csv
import io

import pytest
from django_scopes import scope, scopes_disabled

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping.models import Account
from roundtable.sharing import actions, policy
from roundtable.sharing.models import OverlapCell, Population
from tests.conftest import api_client, client_for
from tests.ecosystem.factories import make_partner
from tests.sharing.factories import import_rows

pytestmark = pytest.mark.django_db

OURS = [
    {"name": "Acme Inc.", "website": "acme.com", "country": "US", "status": "customer"},
    {"name": "Initech", "website": "initech.io", "status": "opportunity", "amount": "5000"},
    {"name": "Hooli", "website": "", "country": "US", "status": "opportunity", "amount": "700"},
    {"name": "Globex GmbH", "website": "", "country": "Germany", "status": "prospect"},
    {"name": '=HYPERLINK("x")', "website": "evil.example", "status": "customer"},
    {"name": "Lonely Ltd", "website": "lonely.example", "status": "customer"},
]
THEIRS = [
    {"name": "ACME Corporation", "website": "www.acme.com", "status": "customer"},
    {"name": "Initech LLC", "website": "initech.io", "status": "customer"},
    {"name": "Hooli", "website": "hooli.example", "country": "", "status": "customer"},
    {"name": "Globex", "website": "", "country": "France", "status": "customer"},
    {"name": "Evil", "website": "evil.example", "status": "prospect"},
    {"name": "Stranger Co", "website": "stranger.example", "status": "customer"},
]


@pytest.fixture
def world(cast):
    ours = ensure_our_organization(cast.acme)
    partner = make_partner(cast.acme, "Partner Agency", "partner-agency.example")
    import_rows(cast.acme, ours, OURS)
    import_rows(cast.acme, partner, THEIRS)
    return ours, partner


def _matrix(cast, partner):
    cp = policy.counterpart(cast.acme, partner.uuid)
    return cp, policy.matrix(cast.acme, cp)


def _counts(m) -> dict[tuple[str, str], str]:
    return {(ours.name, cell.theirs.name): cell.text for ours, cells in m.grid for cell in cells}


def test_counts_follow_the_matching_key(cast, world):
    _ours, partner = world

    _cp, m = _matrix(cast, partner)

    counts = _counts(m)
    # Acme by domain (www. dropped); Initech by domain; Hooli by name (our side has no domain,
    # countries compatible: theirs blank); Globex not (Germany / France).
    assert counts[("Customers", "Customers")] == "1"
    assert counts[("Open opportunities", "Customers")] == "2"
    assert counts[("Prospects", "Customers")] == "0"
    assert counts[("Customers", "Prospects")] == "1"  # the formula-looking name, by domain
    assert m.potential_revenue == 5700
    assert m.hidden == 0
    assert m.min_count is None
    assert not m.pending
    assert m.computed_at is not None


def test_private_accounts_take_part_in_no_overlap(cast, world):
    ours, partner = world
    with scope(workspace=cast.acme):
        initech = Account.objects.filter(owner=ours, name="Initech")

    actions.set_private(cast.acme, initech, True, user=cast.alice)

    _cp, m = _matrix(cast, partner)
    assert _counts(m)[("Open opportunities", "Customers")] == "1"
    assert m.potential_revenue == 700
    page = client_for(cast.alice).get(f"/w/acme/overlaps/with/{partner.uuid}/")
    assert "Initech" not in page.content.decode()


def test_a_cell_opens_its_records_and_exports_them_safely(cast, world):
    _ours, partner = world
    cp, m = _matrix(cast, partner)
    opps = next(p for p in m.rows if p.name == "Open opportunities")
    customers = next(c for c in m.columns if c.name == "Customers")
    web = client_for(cast.alice)
    base = f"/w/acme/overlaps/with/{partner.uuid}/{opps.uuid}/{customers.uuid}/"

    page = web.get(base).content.decode()
    export = web.get(base + "export.csv")

    assert "Initech LLC" in page
    assert "Hooli" in page
    assert "ACME" not in page
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:2] == ["our name", "our domain"]
    assert {r[0] for r in rows[1:]} == {"Hooli", "Initech"}
    evil_cell = _cell_rows(web, partner, m, "Customers", "Prospects")
    assert evil_cell[1][0] == '\'=HYPERLINK("x")'


def _cell_rows(web, partner, m, ours_name, theirs_name):
    ours = next(p for p in m.rows if p.name == ours_name)
    theirs = next(c for c in m.columns if c.name == theirs_name)
    url = f"/w/acme/overlaps/with/{partner.uuid}/{ours.uuid}/{theirs.uuid}/export.csv"
    return list(csv.reader(io.StringIO(b"".join(web.get(url).streaming_content).decode())))


def test_custom_populations_filter_our_accounts(cast, world):
    _ours, partner = world
    web = client_for(cast.alice)

    response = web.post(
        "/w/acme/overlaps/populations/",
        {"name": "US opportunities", "status": "opportunity", "countries": "us",
         "min_amount": "500"},
    )  # fmt: skip
    bad = web.post("/w/acme/overlaps/populations/", {"name": "Bad", "countries": "Germany"})

    assert response.status_code == 302
    assert "Two-letter country codes" in bad.content.decode()
    _cp, m = _matrix(cast, partner)
    assert _counts(m)[("US opportunities", "Customers")] == "1"  # Hooli (US, 700)
    with scopes_disabled():
        assert not Population.objects.filter(name="Bad").exists()


def test_matrix_api_and_csv_say_the_same(cast, world):
    _ours, partner = world
    api = api_client(cast.alice, cast.acme)

    body = api.get(f"/api/v1/overlaps/{partner.uuid}").json()
    export = client_for(cast.alice).get(f"/w/acme/overlaps/with/{partner.uuid}/export.csv")

    texts = {(c["ours"], c["theirs"]): c["text"] for c in body["cells"]}
    assert len(texts) == len(body["rows"]) * len(body["columns"]) == 9
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0] == ["our population", "Customers", "Prospects", "Open opportunities"]
    assert rows[3][1] == "2"
    assert api.get("/api/v1/overlaps").json()[0]["name"] == "Partner Agency"


def test_importing_accounts_recounts_in_the_background(cast, world):
    ours, partner = world
    _matrix(cast, partner)

    import_rows(cast.acme, partner, [*THEIRS, {"name": "Lonely", "website": "lonely.example",
                                               "status": "customer"}])  # fmt: skip

    _cp, m = _matrix(cast, partner)
    assert _counts(m)[("Customers", "Customers")] == "2"


def test_guests_and_sales_cannot_change_sharing(cast, world):
    _ours, partner = world
    gina = client_for(cast.gina)
    assert gina.get("/w/acme/overlaps/").status_code == 404
    assert api_client(cast.gina, cast.acme).get("/api/v1/overlaps").status_code == 403


def test_cells_are_cached_per_pair_of_populations(cast, world):
    _ours, partner = world
    _matrix(cast, partner)
    with scope(workspace=cast.acme):
        assert OverlapCell.objects.count() == 9 + 9  # both directions, same workspace
