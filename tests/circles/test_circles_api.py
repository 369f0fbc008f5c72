"""Circles API: Circles, members and invitations under /api/v1/, teammates and guests."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from roundtable.circles import actions
from roundtable.circles.models import Circle, CircleMember
from roundtable.circles.schemas import (
    CircleIn,
    CirclePatch,
    InviteIn,
    MemberIn,
    MemberPatch,
    ReplacementIn,
)
from roundtable.ecosystem.models import Tag
from tests.circles.factories import make_circle, make_person, member_of
from tests.conftest import api_client, client_for, make_user
from tests.ecosystem.factories import make_konnections_world
from tests.mail import first_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


@pytest.fixture
def api(cast):
    return api_client(cast.alice, cast.acme)


def person(email):
    from roundtable.ecosystem.models import Person

    with scopes_disabled():
        return Person.objects.get(email=email)


def test_create_a_circle_add_members_and_invite_them(cast, world, api, mailbox):
    nina, ben = person("nina@nordic.example"), person("ben@berlin.example")
    created = api.post(
        "/api/v1/circles",
        {
            "name": "D2C Shopify EMEA", "purpose_kind": "icp", "tags": ["ecosystem:Shopify"],
            "core_partner": "loop.example", "host": "bob@acme.example",
            "people": [str(nina.uuid)],
        },
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    circle = created.json()
    assert circle["core_partner"]["name"] == "Loop Agency"
    assert (circle["host"], circle["current_members"], circle["active_members"]) == (
        "bob@acme.example", 1, 0,
    )  # fmt: skip
    base = f"/api/v1/circles/{circle['uuid']}"

    added = api.post(f"{base}/members", {"person": str(ben.uuid)}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["status"] == "proposed"
    teammate = api.post(
        f"{base}/members", {"teammate": "alice@acme.example", "role": "host"},
        content_type="application/json",
    )  # fmt: skip
    assert teammate.json()["status"] == "active"
    assert teammate.json()["teammate"] is True

    invited = api.post(f"{base}/invitations", {}, content_type="application/json")
    assert invited.status_code == 201
    assert sorted(i["email"] for i in invited.json()["sent"]) == [
        "ben@berlin.example",
        "nina@nordic.example",
    ]
    assert mailbox.wait_for("nina@nordic.example")
    listed = api.get(f"{base}/invitations").json()
    assert {(i["state"], i["delivery"], i["attempts"]) for i in listed} == {("pending", "sent", 1)}
    members = api.get(f"{base}/members?current=true").json()
    assert sorted((m["name"], m["status"]) for m in members) == [
        ("Alice", "active"), ("Ben Bauer", "invited"), ("Nina Nord", "invited"),
    ]  # fmt: skip

    resent = api.post(f"{base}/invitations/{listed[0]['uuid']}/resend")
    assert resent.status_code == 200
    assert resent.json()["send_count"] == 2


def test_lists_filter_like_the_page(cast, world, api):
    make_circle(cast.acme, cast.alice, name="Berlin founders", purpose_kind="city",
                people=[person("ben@berlin.example")])  # fmt: skip
    make_circle(cast.acme, cast.alice, name="INBOUND conference", purpose_kind="conference")

    assert [c["name"] for c in api.get("/api/v1/circles").json()["items"]] == [
        "Berlin founders",
        "INBOUND conference",
    ]
    by_kind = api.get("/api/v1/circles?kind=conference").json()["items"]
    assert [c["name"] for c in by_kind] == ["INBOUND conference"]
    by_org = api.get(f"/api/v1/circles?organization={world.berlin.uuid}").json()["items"]
    assert [c["name"] for c in by_org] == ["Berlin founders"]
    bad = api.get("/api/v1/circles?tag=size:huge")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "tag"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "X", "host": "gina@partner.example"}, "host", "No teammate with the email"),
        ({"name": "X", "core_partner": "nowhere"}, "core_partner", "No organization"),
        ({"name": "X", "tags": ["size:huge"]}, "tags", "There is no tag"),
        ({"name": "X", "people": ["not-a-uuid"]}, "people", "not a person"),
        ({"name": "Taken"}, "name", "There is already a Circle named “Taken”."),
        ({"name": "X", "target_size": 0}, "target_size", "greater than or equal to 1"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(cast, world, api, body, field, message):
    make_circle(cast.acme, cast.alice, name="Taken")
    response = api.post("/api/v1/circles", body, content_type="application/json")
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == field
    assert message in problem["msg"]
    with scopes_disabled():
        assert Circle.objects.count() == 1


@pytest.mark.parametrize("blank", ["", "   ", None])
@pytest.mark.parametrize("field", ["host", "core_partner"])
def test_a_blank_reference_in_a_patch_means_none_like_null(cast, world, api, field, blank):
    circle = make_circle(cast.acme, cast.alice, core_partner=world.loop)

    response = api.patch(
        f"/api/v1/circles/{circle.uuid}", {field: blank}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()[field] is None
    circle.refresh_from_db()
    assert getattr(circle, f"{field}_id") is None


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_host_in_a_post_makes_the_caller_host(cast, api, blank):
    response = api.post(
        "/api/v1/circles", {"name": "X", "host": blank}, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["host"] == "alice@acme.example"


def test_no_empty_or_null_value_of_any_field_is_a_server_error(cast, world, api):
    """Every body field of every Circle write, given "", "  ", null, [""] or [null]: a success
    or a 422, never a 500."""
    nina = person("nina@nordic.example")
    circle = make_circle(cast.acme, cast.alice, people=[nina])
    member = member_of(circle, nina)
    base = f"/api/v1/circles/{circle.uuid}"
    writes = [
        ("post", "/api/v1/circles", {"name": "Fresh"}, list(CircleIn.model_fields)),
        ("patch", base, {}, list(CirclePatch.model_fields)),
        ("post", f"{base}/members", {}, list(MemberIn.model_fields)),
        ("patch", f"{base}/members/{member.uuid}", {}, list(MemberPatch.model_fields)),
        ("post", f"{base}/members/{member.uuid}/replace", {}, list(ReplacementIn.model_fields)),
        ("post", f"{base}/invitations", {}, list(InviteIn.model_fields)),
    ]
    api.raise_request_exception = False
    failures = []

    for method, path, base_body, fields in writes:
        for field in fields:
            for number, value in enumerate(("", "  ", None, [""], [None])):
                # A new name each time, so a created Circle never clashes with the next one.
                body = {**base_body, field: value}
                if "name" in base_body and field != "name":
                    body["name"] = f"Fresh {field} {number}"
                response = getattr(api, method)(path, body, content_type="application/json")
                if response.status_code not in {200, 201, 422}:
                    failures.append(f"{method.upper()} {path} {field}={value!r} → {response}")

    assert not failures, "\n".join(failures)


def test_the_actions_refuse_a_reference_that_is_not_a_row(cast, world):
    circle = make_circle(cast.acme, cast.alice)

    for field in ("host", "core_partner"):
        with pytest.raises(ValidationError) as refused:
            actions.update_circle(circle, **{field: ""})
        assert list(refused.value.message_dict) == [field]
        with pytest.raises(ValidationError) as refused:
            actions.create_circle(cast.acme, created_by=cast.alice, name="Y", **{field: "x"})
        assert list(refused.value.message_dict) == [field]

    circle.refresh_from_db()
    assert circle.host == cast.alice


def test_inviting_named_members_is_all_or_nothing(cast, world, api, mailbox):
    nameless = make_person(cast.acme, world.cart, "Carl")
    circle = make_circle(cast.acme, cast.alice, people=[person("nina@nordic.example"), nameless])
    nina_member, carl_member = (
        member_of(circle, person("nina@nordic.example")),
        member_of(circle, nameless),
    )

    response = api.post(
        f"/api/v1/circles/{circle.uuid}/invitations",
        {"members": [str(nina_member.uuid), str(carl_member.uuid)]},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "Carl has no email address" in response.json()["detail"][0]["msg"]
    assert mailbox.messages == []
    with scopes_disabled():
        assert set(CircleMember.objects.values_list("status", flat=True)) == {"proposed"}


def test_a_guest_cannot_tell_what_exists_from_the_list_filters(cast, world):
    nina, ben = person("nina@nordic.example"), person("ben@berlin.example")
    theirs = [make_circle(cast.acme, cast.alice, name=name, people=[nina])
              for name in ("Alpha", "Zulu")]  # fmt: skip
    with scopes_disabled():
        shopify = Tag.objects.get(workspace=cast.acme, type="ecosystem", name="Shopify")
    other = make_circle(cast.acme, cast.alice, name="Middle", people=[ben], tags=[shopify])
    nina_user = make_user("nina@nordic.example")
    for circle in theirs:
        actions.accept(actions.invite(member_of(circle, nina), inviter=cast.alice).token,
                       user=nina_user)  # fmt: skip
    guest, page = api_client(nina_user, cast.acme), client_for(nina_user)
    unknown = "6f1c1f9e-0000-4000-8000-000000000000"
    # (what does not exist, what exists but is in none of the guest's Circles)
    probes = [
        (f"organization={unknown}", f"organization={world.berlin.uuid}"),
        ("tag=size:huge", "tag=ecosystem:Shopify"),
        (f"after={unknown}", f"after={other.uuid}"),
    ]

    for missing, hidden in probes:
        answers = [guest.get(f"/api/v1/circles?{query}") for query in (missing, hidden)]
        pages = [page.get(f"/w/acme/circles/?{query}") for query in (missing, hidden)]

        assert [a.status_code for a in answers] == [200, 200], (missing, hidden)
        assert answers[0].json() == answers[1].json(), (missing, hidden)
        assert [p.status_code for p in pages] == [200, 200], (missing, hidden)
        assert rows_of(pages[0]) == rows_of(pages[1]), (missing, hidden)
    mine_only = guest.get(f"/api/v1/circles?organization={world.nordic.uuid}").json()["items"]
    assert [c["name"] for c in mine_only] == ["Alpha", "Zulu"]
    team = api_client(cast.alice, cast.acme).get(f"/api/v1/circles?organization={unknown}")
    assert team.status_code == 422
    assert team.json()["detail"][0]["msg"] == "No such organization in this workspace."


def rows_of(page) -> str:
    return page.text.split('data-testid="circles"')[1].split("</table>")[0]


def test_a_guest_reads_only_their_circle_and_changes_nothing(cast, world, mailbox):
    nina = person("nina@nordic.example")
    mine = make_circle(cast.acme, cast.alice, people=[nina])
    other = make_circle(cast.acme, cast.alice, name="Another Circle")
    issued = actions.invite(member_of(mine, nina), inviter=cast.alice)
    nina_user = make_user("nina@nordic.example")
    actions.accept(issued.token, user=nina_user)
    guest = api_client(nina_user, cast.acme)

    assert [c["name"] for c in guest.get("/api/v1/circles").json()["items"]] == [mine.name]
    assert guest.get(f"/api/v1/circles/{mine.uuid}").status_code == 200
    assert guest.get(f"/api/v1/circles/{mine.uuid}/members").status_code == 200
    assert guest.get(f"/api/v1/circles/{other.uuid}").status_code == 404
    assert guest.get(f"/api/v1/circles/{mine.uuid}/invitations").status_code == 403
    patched = guest.patch(
        f"/api/v1/circles/{mine.uuid}", {"name": "Mine now"}, content_type="application/json"
    )
    assert patched.status_code == 403
    assert (
        guest.post("/api/v1/circles", {"name": "X"}, content_type="application/json").status_code
        == 403
    )
    assert guest.get("/api/v1/organizations").status_code == 403
    assert first_link(mailbox.wait_for("alice@acme.example"), "/w/acme/circles/")
