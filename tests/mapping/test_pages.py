"""The mapping page and API: two files or two account sets, the summary, the pairs and why,
decisions remembered, aliases, exports; guests and other workspaces kept out."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from roundtable.mapping.models import MappingRun
from tests.conftest import api_client, client_for
from tests.mapping.factories import populate_workspace

pytestmark = pytest.mark.django_db

LEFT = b"Company name,Website URL,Country/Region\nAcme Inc.,https://acme.com,US\nGlobex,,DE\n"
RIGHT = b"Account Name,Website,Billing Country\nACME Corp,www.acme.com,USA\nGlobex GmbH,,Germany\n"


def upload(client, ws="acme", left=LEFT, right=RIGHT):
    return client.post(
        f"/w/{ws}/mapping/",
        {
            "form": "files",
            "files-left": SimpleUploadedFile("ours.csv", left, "text/csv"),
            "files-right": SimpleUploadedFile("theirs.csv", right, "text/csv"),
            "files-fuzzy": "on",
        },
    )


def latest_run(workspace) -> MappingRun:
    with scope(workspace=workspace):
        return MappingRun.objects.first()


def test_two_uploaded_files_show_the_overlap_with_reasons(cast, alice_client):
    response = upload(alice_client)
    assert response.status_code == 302
    page = alice_client.get(response["Location"])
    text = page.content.decode()
    assert "ours.csv × theirs.csv" in text
    assert "same domain acme.com" in text
    assert "same name &#x27;globex&#x27; in Germany" in text
    export = alice_client.get(response["Location"] + "export.csv")
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0] == "left_row,right_row,left_name,right_name,method,score,why"
    assert "same domain acme.com" in body


def test_a_file_the_reader_refuses_is_reported_on_the_page(cast, alice_client):
    response = upload(alice_client, right=b"PK\x03\x04 not a csv")
    assert response.status_code == 200
    assert "theirs.csv: This is a spreadsheet workbook" in response.content.decode()


def test_a_rejected_pair_stays_rejected_and_a_confirmed_one_stays_in(cast, alice_client):
    upload(alice_client)
    run = latest_run(cast.acme)
    with scope(workspace=cast.acme):
        globex = run.pairs.get(method="name")
    # When Alice rejects the name match (htmx), the row comes back marked
    url = f"/w/acme/mapping/runs/{run.uuid}/pairs/{globex.uuid}/decide"
    row = alice_client.post(url, {"decision": "rejected"}, HTTP_HX_REQUEST="true")
    assert "Rejected" in row.content.decode()
    # Then the next mapping of the same files leaves that pair out
    upload(alice_client)
    again = latest_run(cast.acme)
    assert again.pk != run.pk
    assert again.pair_count == 1
    assert again.by_method["name"] == 0


def test_a_domain_alias_makes_two_domains_one_company(cast, alice_client):
    left = b"name,website\nAcme,acme.com\n"
    right = b"name,website\nAcme Europe,acme-europe.de\n"
    upload(alice_client, left=left, right=right)
    assert latest_run(cast.acme).pair_count == 0
    alice_client.post("/w/acme/mapping/aliases/", {"alias": "acme-europe.de", "domain": "acme.com"})
    upload(alice_client, left=left, right=right)
    assert latest_run(cast.acme).by_method["domain"] == 1


def test_stored_account_sets_map_by_api(cast):
    ours, partner, _ = populate_workspace(cast.acme, cast.alice)
    client = api_client(cast.alice, cast.acme)
    response = client.post(
        "/api/v1/mapping/runs",
        {"left_owner": str(ours.uuid), "right_owner": str(partner.uuid), "left_status": "customer"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["left_rows"] == 1
    assert run["pair_count"] == 1
    pairs = client.get(f"/api/v1/mapping/runs/{run['uuid']}/pairs").json()
    assert pairs["items"][0]["why"] == "same domain acme.com"
    bad = client.get(f"/api/v1/mapping/runs/{run['uuid']}/pairs?method=magic")
    assert bad.status_code == 422


def test_guests_and_other_workspaces_see_nothing(cast):
    populate_workspace(cast.globex, cast.charlie)
    run = latest_run(cast.globex)
    assert client_for(cast.gina).get("/w/acme/mapping/").status_code == 404
    assert client_for(cast.alice).get(f"/w/acme/mapping/runs/{run.uuid}/").status_code == 404
    assert api_client(cast.gina, cast.acme).get("/api/v1/mapping/runs").status_code == 403
