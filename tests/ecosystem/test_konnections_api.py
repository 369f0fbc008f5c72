"""Konnections, mutual partners and candidates over the API: the page's answers, as JSON."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import api_client, client_for
from tests.ecosystem.factories import make_konnections_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


@pytest.fixture
def api(cast):
    return api_client(cast.bob, cast.acme)


def test_konnections_with_filters(api, world):
    response = api.get(
        f"/api/v1/organizations/{world.loop.uuid}/konnections",
        {"tag": ["region:EMEA"], "sort": "name"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["total_mutual"], body["count"]) == (5, 2, 3)
    assert [item["name"] for item in body["items"]] == ["Berlin Builders", "Mailflow", "Nordic Ads"]
    mailflow = body["items"][1]
    assert mailflow["you_partner_too"] is True
    assert mailflow["our_partner_since"] == "2023-06-01"
    assert mailflow["partnership"] == {
        "kind": "integration",
        "source": "import",
        "since": "2021-03-01",
    }
    assert mailflow["our_partners_in_common"] == 1
    assert "region:EMEA" in mailflow["tags"]


def test_konnections_page_through_with_offset_and_limit(api, world):
    url = f"/api/v1/organizations/{world.loop.uuid}/konnections"
    first = api.get(url, {"limit": 2}).json()
    rest = api.get(url, {"limit": 2, "offset": 2}).json()
    names = [item["name"] for item in first["items"] + rest["items"]]
    assert names == ["Nordic Ads", "Berlin Builders", "Mailflow", "Pixel Studio"]


def test_mutual_partners_of_two_organizations(api, world):
    response = api.get(f"/api/v1/organizations/{world.loop.uuid}/mutual/{world.mailflow.uuid}")

    body = response.json()
    assert body["count"] == 3
    by_name = {item["name"]: item for item in body["items"]}
    assert set(by_name) == {"Nordic Ads", "Berlin Builders", "Pixel Studio"}
    assert by_name["Berlin Builders"]["partnership"]["kind"] == "reseller"
    assert by_name["Berlin Builders"]["partnership_with_other"]["kind"] == "integration"


def test_an_organization_has_nothing_in_common_with_itself(api, cast, world):
    # Given the same organization on both sides of "what do they have in common"
    url = f"/api/v1/organizations/{world.loop.uuid}/mutual/{world.loop.uuid}"

    # When the API, the page and the command line are asked
    response = api.get(url)
    page = client_for(cast.bob).get(f"/w/acme/partners/{world.loop.uuid}/mutual/{world.loop.uuid}/")

    # Then each says to choose two different organizations, and lists nobody
    assert response.status_code == 422
    assert "two different organizations" in response.json()["detail"][0]["msg"]
    assert page.status_code == 200
    assert "two different organizations" in page.content.decode()
    with pytest.raises(CommandError, match="--with: Choose two different"):
        call_command("konnections", "loop.example", "--with", "loop.example",
                     "--workspace", "acme", stdout=io.StringIO())  # fmt: skip


def test_candidates_with_icp_and_weights(api, world):
    response = api.get(
        "/api/v1/candidates",
        {
            "core": str(world.loop.uuid),
            "tag": ["ecosystem:Shopify", "region:EMEA", "vertical:D2C", "size:under $25M"],
            "weight_activity": 0,
            "limit": 3,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["core"]["name"] == "Loop Agency"
    assert body["weights"]["activity"] == 0
    assert len(body["candidates"]) == 3
    first = body["candidates"][0]
    assert first["name"] == "Nordic Ads"
    assert first["rank"] == 1
    assert first["icp_tags_matched"] == 4
    assert first["reasons"].startswith("partners with Loop Agency and with 3 of our partners")
    assert {person["email"] for person in first["people"]} == {
        "nina@nordic.example",
        "nils@nordic.example",
    }


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("konnections", {"tag": "region:Atlantis"}, 422, "tag"),
        ("konnections", {"tag": ["size:under $25M", "size:$25M-$100M"]}, 422, "tag"),
        ("konnections", {"kind": "spaceship"}, 422, "kind"),
        ("konnections", {"sort": "shoe_size"}, 422, "sort"),
        ("konnections", {"limit": 0}, 422, "limit"),
        ("candidates", {"core": "nowhere.example"}, 422, "core"),
        ("candidates", {"core": "acme.example"}, 422, "core"),
        ("candidates", {"core": "loop.example", "weight_core": 11}, 422, "weight_core"),
        ("candidates", {"core": "loop.example", "weight_tags": "nan"}, 422, "weight_tags"),
        (
            "candidates",
            {f"weight_{n}": 0 for n in ("core", "common", "tags", "status", "activity")}
            | {"core": "loop.example"},
            422,
            "__all__",
        ),
    ],
)
def test_bad_input_answers_422_naming_the_parameter(api, world, path, params, status, field):
    url = (
        f"/api/v1/organizations/{world.loop.uuid}/konnections"
        if path == "konnections"
        else "/api/v1/candidates"
    )
    response = api.get(url, params)

    assert response.status_code == status, response.content
    fields = [entry["loc"][-1] for entry in response.json()["detail"]]
    assert field in fields


def test_another_workspaces_organization_is_not_found(cast, world):
    charlie = api_client(cast.charlie, cast.globex)
    response = charlie.get(f"/api/v1/organizations/{world.loop.uuid}/konnections")
    assert response.status_code == 404
    mutual = charlie.get(f"/api/v1/organizations/{world.loop.uuid}/mutual/{world.pixel.uuid}")
    assert mutual.status_code == 404


def test_guests_may_not_use_it(cast, world):
    guest = api_client(cast.gina, cast.acme)
    assert guest.get(f"/api/v1/organizations/{world.loop.uuid}/konnections").status_code == 403
    assert guest.get("/api/v1/candidates", {"core": "loop.example"}).status_code == 403


def test_contradictory_filters_are_refused(api, world):
    url = f"/api/v1/organizations/{world.loop.uuid}/konnections"

    response = api.get(url, {"mutual": ["only", "none"]})

    assert response.status_code == 422
    assert "contradict" in str(response.json()["detail"])
    assert api.get(url, {"mutual": ["only", "only"]}).status_code == 200
