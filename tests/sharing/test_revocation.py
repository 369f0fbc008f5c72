"""Revocation takes effect at once: every URL that showed the other side answers 404/403 on the
very next request, from either side."""

import pytest

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.sharing import actions
from roundtable.sharing.choices import Level
from tests.conftest import api_client, client_for
from tests.sharing.factories import (
    OUR_ROWS,
    THEIR_ROWS,
    connect,
    import_rows,
    share_all,
)

pytestmark = pytest.mark.django_db


def reachable_urls(cast, connection) -> tuple[list[str], list[str]]:
    """Every page and API URL of Acme's that shows something of Globex's."""
    api = api_client(cast.alice, cast.acme)
    body = api.get(f"/api/v1/overlaps/{connection.uuid}").json()
    pages = [f"/w/acme/overlaps/with/{connection.uuid}/",
             f"/w/acme/overlaps/with/{connection.uuid}/export.csv"]  # fmt: skip
    calls = [f"/api/v1/overlaps/{connection.uuid}"]
    for cell in body["cells"]:
        if cell["openable"]:
            part = f"{connection.uuid}/{cell['ours']}/{cell['theirs']}/"
            pages += [f"/w/acme/overlaps/with/{part}", f"/w/acme/overlaps/with/{part}export.csv"]
            calls.append(
                f"/api/v1/overlaps/{part}".replace(
                    f"{connection.uuid}/", f"{connection.uuid}/cells/", 1
                ).rstrip("/")
            )
    return pages, calls


@pytest.mark.parametrize("revoker", ["acme", "globex"])
def test_after_revocation_every_previously_reachable_url_is_refused(cast, revoker):
    import_rows(cast.acme, ensure_our_organization(cast.acme), OUR_ROWS)
    import_rows(cast.globex, ensure_our_organization(cast.globex), THEIR_ROWS)
    connection = connect(cast.acme, cast.alice, cast.globex, cast.charlie)
    actions.set_min_count(cast.globex, 1, user=cast.charlie)
    share_all(cast.globex, connection, Level.RECORDS, ["name", "domain"], user=cast.charlie)
    pages, calls = reachable_urls(cast, connection)
    web, api = client_for(cast.alice), api_client(cast.alice, cast.acme)
    assert len(pages) > 4, "the setup should open some cells"
    assert all(web.get(url).status_code == 200 for url in pages)
    assert all(api.get(url).status_code == 200 for url in calls)
    assert any(c["kind"] == "connection" for c in api.get("/api/v1/overlaps").json())

    if revoker == "acme":
        web.post(f"/w/acme/overlaps/connections/{connection.uuid}/revoke")
    else:
        client_for(cast.charlie).post(f"/w/globex/overlaps/connections/{connection.uuid}/revoke")

    refused = {url: web.get(url).status_code for url in pages}
    refused |= {url: api.get(url).status_code for url in calls}
    assert set(refused.values()) <= {403, 404}, refused
    assert all(c["kind"] != "connection" for c in api.get("/api/v1/overlaps").json())
    # The other direction too: Globex sees nothing of Acme's any more.
    globex = api_client(cast.charlie, cast.globex)
    assert globex.get(f"/api/v1/overlaps/{connection.uuid}").status_code == 404
    # And the ended connection cannot be answered or shared over.
    assert globex.post(f"/api/v1/connections/{connection.uuid}/accept").status_code == 422
