"""The directory API: organizations, people, tags and partnerships by uuid, page filters."""

import json

import pytest
from django_scopes import scope

from roundtable.ecosystem import actions
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from tests.conftest import api_client
from tests.ecosystem.factories import make_org, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    return api_client(cast.alice, cast.acme)


def send(client, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def loop(cast):
    org = make_partner(cast.acme, "Loop Digital", "loopdigital.example", city="Berlin")
    actions.set_tags(org, ["ecosystem:Shopify", "region:EMEA"])
    return org


def test_create_read_update_delete_an_organization(cast, api):
    response = send(api, "post", "/organizations", {
        "name": "Fjord Labs", "website": "https://www.fjord-labs.example/about", "kind": "agency",
        "status": "active", "partner_manager": "BOB@acme.example", "partner_since": "2024-03-01",
        "tags": ["ecosystem:Shopify", "size:under $25M"],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["domain"] == "fjord-labs.example"
    assert created["partner_manager"] == "bob@acme.example"
    assert created["partner_since"] == "2024-03-01"
    assert created["tags"] == ["ecosystem:Shopify", "size:under $25M"]
    assert created["status_changed_at"] is not None

    uuid = created["uuid"]
    assert api.get(f"/api/v1/organizations/{uuid}").json()["name"] == "Fjord Labs"

    response = send(api, "patch", f"/organizations/{uuid}", {"city": "Oslo", "tags": []})
    assert response.status_code == 200
    assert response.json()["city"] == "Oslo"
    assert response.json()["tags"] == []
    assert response.json()["name"] == "Fjord Labs"  # untouched fields stay

    response = send(api, "patch", f"/organizations/{uuid}", {"partner_manager": None})
    assert response.json()["partner_manager"] is None

    assert send(api, "delete", f"/organizations/{uuid}").status_code == 204
    assert api.get(f"/api/v1/organizations/{uuid}").status_code == 404


def test_list_filters_like_the_page_and_pages_by_cursor(cast, api, loop):
    make_partner(cast.acme, "Northstar", "northstar.example")
    for n in range(5):
        org = make_org(cast.acme, f"Shop {n}", f"shop{n}.example")
        actions.set_tags(org, ["ecosystem:Shopify", "region:EMEA"])
    response = api.get(
        "/api/v1/organizations", {"tag": ["ecosystem:Shopify", "region:EMEA"], "limit": 4}
    )
    body = response.json()
    assert response.status_code == 200
    assert [o["name"] for o in body["items"]] == ["Loop Digital", "Shop 0", "Shop 1", "Shop 2"]
    assert body["count"] == 6
    assert body["count_capped"] is False
    rest = api.get(
        "/api/v1/organizations",
        {"tag": ["ecosystem:Shopify", "region:EMEA"], "limit": 4, "after": body["next_after"]},
    ).json()
    assert [o["name"] for o in rest["items"]] == ["Shop 3", "Shop 4"]
    assert rest["next_after"] is None

    partners = api.get("/api/v1/organizations", {"status": "partner"}).json()
    assert [o["name"] for o in partners["items"]] == ["Loop Digital", "Northstar"]
    assert api.get("/api/v1/organizations", {"q": "berl"}).json()["count"] == 1


def test_bad_filters_and_bodies_answer_422_naming_the_field(cast, api, loop):
    response = api.get("/api/v1/organizations", {"tag": "vertical:Mining"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "tag"]
    assert "vertical:Mining" in response.json()["detail"][0]["msg"]

    cases = [
        ({"name": "X", "tags": ["colour:red"]}, "tags"),
        ({"name": "X", "partner_manager": "gina@partner.example"}, "partner_manager"),
        ({"name": "X", "partner_since": "next tuesday"}, "partner_since"),
        ({"name": "X", "website": "loopdigital.example"}, "website"),
        ({"name": "X", "kind": "spaceship"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "A\x00B"}, "name"),
    ]
    for body, field in cases:
        response = send(api, "post", "/organizations", body)
        assert response.status_code == 422, body
        assert field in response.json()["detail"][0]["loc"], (body, response.json())
    with scope(workspace=cast.acme):
        assert not Organization.objects.filter(name="X").exists()


def test_our_own_company_cannot_be_deleted(cast, api):
    with scope(workspace=cast.acme):
        ours = Organization.objects.ours().get()
    response = send(api, "delete", f"/organizations/{ours.uuid}")
    assert response.status_code == 422
    assert "cannot be deleted" in response.json()["detail"][0]["msg"]


def test_another_workspaces_objects_are_not_found(cast, api):
    foreign = make_partner(cast.globex, "Globex Agency", "globex-agency.example")
    person = actions.save_person(cast.globex, organization=foreign, email="x@globex.example")
    for path in (f"/organizations/{foreign.uuid}", f"/people/{person.uuid}"):
        assert api.get(f"/api/v1{path}").status_code == 404
        assert send(api, "patch", path, {"city": "Nowhere"}).status_code == 404
        assert send(api, "delete", path).status_code == 404
    # In a body, a foreign organization is a bad value of that field.
    response = send(api, "post", "/people", {"organization": str(foreign.uuid), "first_name": "Z"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "organization"]
    with scope(workspace=cast.globex):
        assert Organization.objects.get(pk=foreign.pk).city == ""


def test_people_by_api(cast, api, loop):
    response = send(api, "post", "/people", {
        "organization": str(loop.uuid), "first_name": "Lena", "last_name": "Vogel",
        "email": "Lena@LoopDigital.example", "title": "CEO",
        "linkedin_url": "https://www.linkedin.com/in/lena-vogel",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    lena = response.json()
    assert lena["email"] == "lena@loopdigital.example"
    assert lena["organization"]["name"] == "Loop Digital"

    listed = api.get("/api/v1/people", {"q": "vogel"}).json()
    assert [p["uuid"] for p in listed["items"]] == [lena["uuid"]]
    assert api.get("/api/v1/people", {"organization": str(loop.uuid)}).json()["count"] == 1

    response = send(api, "patch", f"/people/{lena['uuid']}", {"title": "Founder"})
    assert response.json()["title"] == "Founder"
    bad = [
        ({"email": "not-an-email"}, "email"),
        ({"linkedin_url": "javascript:alert(1)"}, "linkedin_url"),
        ({"first_name": "", "last_name": "", "email": ""}, "first_name"),
    ]
    for body, field in bad:
        response = send(api, "patch", f"/people/{lena['uuid']}", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert send(api, "delete", f"/people/{lena['uuid']}").status_code == 204
    with scope(workspace=cast.acme):
        assert not Person.objects.exists()


def test_tags_by_api(cast, api, loop):
    tags = {t["label"]: t for t in api.get("/api/v1/tags").json()}
    assert tags["ecosystem:Shopify"]["organizations"] == 1
    response = send(api, "post", "/tags", {"label": "vertical:D2C"})
    assert response.status_code == 201
    assert response.json() == {**response.json(), "type": "vertical", "name": "D2C"}
    assert send(api, "post", "/tags", {"label": "vertical:d2c"}).status_code == 200

    shopify = tags["ecosystem:Shopify"]["uuid"]
    response = send(api, "patch", f"/tags/{shopify}", {"name": "Shopify Plus"})
    assert response.json()["label"] == "ecosystem:Shopify Plus"
    assert api.get(f"/api/v1/organizations/{loop.uuid}").json()["tags"] == [
        "ecosystem:Shopify Plus",
        "region:EMEA",
    ]
    response = send(api, "patch", f"/tags/{shopify}", {"name": "shopify plus"})
    assert response.status_code == 200  # a change of case is a rename, not a clash
    assert send(api, "delete", f"/tags/{shopify}").status_code == 204
    with scope(workspace=cast.acme):
        assert not Tag.objects.filter(type="ecosystem").exists()


def test_partnerships_by_api(cast, api, loop):
    north = make_partner(cast.acme, "Northstar", "northstar.example")
    response = send(api, "post", "/partnerships", {
        "organization": str(north.uuid), "partner": str(loop.uuid), "kind": "referral",
        "since": "2022-01-15", "note": "Co-sell",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    edge = response.json()
    assert edge["organization"]["name"] == "Northstar"
    assert edge["partner"]["name"] == "Loop Digital"

    # The same pair in the other order is the same edge.
    again = send(api, "post", "/partnerships", {
        "organization": str(loop.uuid), "partner": str(north.uuid), "kind": "services",
    })  # fmt: skip
    assert again.status_code == 200
    assert again.json()["uuid"] == edge["uuid"]

    seen_from_loop = api.get("/api/v1/partnerships", {"organization": str(loop.uuid)}).json()
    assert [(e["organization"]["name"], e["partner"]["name"]) for e in seen_from_loop["items"]] == [
        ("Loop Digital", "Northstar")
    ]
    response = send(api, "patch", f"/partnerships/{edge['uuid']}", {"note": "Joint webinar"})
    assert response.json()["note"] == "Joint webinar"
    assert response.json()["kind"] == "services"

    response = send(api, "post", "/partnerships", {
        "organization": str(loop.uuid), "partner": str(loop.uuid),
    })  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "partner"]

    assert send(api, "delete", f"/partnerships/{edge['uuid']}").status_code == 204
    with scope(workspace=cast.acme):
        assert not Partnership.objects.exists()


def test_guests_get_403_from_the_directory_api(cast, loop):
    guest = api_client(cast.gina, cast.acme)
    assert guest.get("/api/v1/organizations").status_code == 403
    assert guest.get(f"/api/v1/organizations/{loop.uuid}").status_code == 403
    assert send(guest, "post", "/organizations", {"name": "Sneaky"}).status_code == 403
