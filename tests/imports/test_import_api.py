import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def test_upload_through_the_api_and_read_the_result(cast, fixture_path):
    client = api_client(cast.alice, cast.acme)
    content = fixture_path("hubspot_companies.csv").read_bytes()

    created = client.post(
        "/api/v1/imports",
        {"kind": "organizations", "file": SimpleUploadedFile("hs.csv", content, "text/csv")},
    )

    assert created.status_code == 202
    body = created.json()
    assert (body["status"], body["created"], body["source_format"]) == ("succeeded", 3, "hubspot")
    again = client.get(f"/api/v1/imports/{body['uuid']}")
    assert again.json()["total_rows"] == 3
    assert [j["uuid"] for j in client.get("/api/v1/imports").json()] == [body["uuid"]]


def test_api_reports_bad_rows_and_bad_files_with_field_paths(cast):
    client = api_client(cast.alice, cast.acme)
    refused = client.post(
        "/api/v1/imports",
        {
            "kind": "organizations",
            "file": SimpleUploadedFile("p.csv", b"Firm,Web\n,x.example\n", "text/csv"),
            "mapping": json.dumps({"name": "Firm", "website": "Web"}),
        },
    ).json()
    assert refused["status"] == "refused"
    assert refused["problems"] == [
        {"row": 1, "column": "Firm", "message": "missing: every organization needs a name"}
    ]
    not_csv = client.post(
        "/api/v1/imports",
        {"kind": "organizations", "file": SimpleUploadedFile("p.xlsx", b"PK\x03\x04", "x")},
    )
    assert not_csv.status_code == 422
    assert not_csv.json()["detail"][0]["loc"] == ["body", "file"]
    unknown = client.post(
        "/api/v1/imports",
        {"kind": "spaceships", "file": SimpleUploadedFile("p.csv", b"name\nx\n", "text/csv")},
    )
    assert unknown.status_code == 422
    assert "Unknown import kind" in unknown.json()["detail"][0]["msg"]


def test_guests_and_other_workspaces_cannot_reach_imports(cast):
    alice = api_client(cast.alice, cast.acme)
    job = alice.post(
        "/api/v1/imports",
        {"kind": "organizations", "file": SimpleUploadedFile("p.csv", b"name\nx\n", "text/csv")},
    ).json()
    assert api_client(cast.gina, cast.acme).get("/api/v1/imports").status_code == 403
    assert (
        api_client(cast.charlie, cast.globex).get(f"/api/v1/imports/{job['uuid']}").status_code
        == 404
    )


def test_rows_only_writing_can_refuse_are_reported_not_a_server_error(cast):
    from roundtable.ecosystem.models import Organization
    from tests.ecosystem.factories import make_org

    with scope(workspace=cast.globex):
        make_org(cast.globex, "Acme", "acme.com")
        make_org(cast.globex, "Acme")
        make_org(cast.globex, "Brightline Digital", "brightline.io")
    client = api_client(cast.charlie, cast.globex)
    content = (
        b"organization,organization_website,partner,partner_website\n"
        b"Acme,,Loop,loop.example\n"
        b"Brightline Digital,,,brightline.io\n"
    )

    body = client.post(
        "/api/v1/imports",
        {"kind": "partnerships", "file": SimpleUploadedFile("e.csv", content, "text/csv")},
    ).json()

    assert body["status"] == "refused"
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (1, "organization"),
        (2, "partner"),
    ]
    with scope(workspace=cast.globex):
        assert not Organization.objects.filter(domain="loop.example").exists()


def test_a_long_cell_imports_and_a_quote_never_closed_is_refused(cast):
    client = api_client(cast.alice, cast.acme)
    long = b"x" * 200_000

    imported = client.post(
        "/api/v1/imports",
        {
            "kind": "organizations",
            "file": SimpleUploadedFile("l.csv", b"name,description\nAcme,%s\n" % long, "text/csv"),
        },
    )
    unclosed = client.post(
        "/api/v1/imports",
        {
            "kind": "organizations",
            "file": SimpleUploadedFile("q.csv", b'name\n"Acme\nBeta\n', "text/csv"),
        },
    )

    assert (imported.status_code, imported.json()["status"]) == (202, "succeeded")
    assert unclosed.status_code == 422
    assert unclosed.json()["detail"][0]["msg"].startswith('row 1: a quote (") opens here')
