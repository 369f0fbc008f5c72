import json

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from roundtable.workspaces import actions
from roundtable.workspaces.choices import AuditAction, Role
from roundtable.workspaces.models import ApiToken, AuditEvent, Membership
from tests.conftest import api_client, client_for

pytestmark = pytest.mark.django_db


def bearer(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_token_is_shown_once_and_works_with_the_api(cast, alice_client):
    page = alice_client.post(reverse("tokens", kwargs={"ws": "acme"}), {"name": "CRM sync"})
    secret = page.context["issued"].secret
    assert secret in page.text
    # Shown once: the list afterwards holds only its prefix.
    assert secret not in alice_client.get(reverse("tokens", kwargs={"ws": "acme"})).text
    with scopes_disabled():
        stored = ApiToken.objects.get()
    assert stored.token_hash == actions.hash_secret(secret)
    assert secret not in stored.token_hash

    me = bearer(secret).get("/api/v1/me")

    assert me.status_code == 200
    assert me.json() == {
        "user": {"email": "alice@acme.example", "name": "Alice"},
        "workspace": {
            "uuid": str(cast.acme.uuid),
            "name": "Acme",
            "slug": "acme",
            "domain": "acme.example",
        },
        "role": "owner",
    }


def test_a_revoked_token_gets_401_and_both_changes_are_audited(cast, alice_client):
    issued = actions.create_api_token(cast.acme, user=cast.alice, name="script")
    alice_client.post(reverse("token_revoke", kwargs={"ws": "acme", "token": issued.token.uuid}))

    assert bearer(issued.secret).get("/api/v1/me").status_code == 401
    with scopes_disabled():
        actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED} <= actions_logged


def test_nobody_revokes_someone_elses_token(cast):
    issued = actions.create_api_token(cast.acme, user=cast.bob, name="bob's")
    response = client_for(cast.alice).post(
        reverse("token_revoke", kwargs={"ws": "acme", "token": issued.token.uuid})
    )
    assert response.status_code == 404
    assert bearer(issued.secret).get("/api/v1/me").status_code == 200


def test_a_removed_teammates_token_stops_working(cast):
    issued = actions.create_api_token(cast.acme, user=cast.bob, name="bob's")
    with scopes_disabled():
        bob = Membership.objects.get(workspace=cast.acme, user=cast.bob)
    actions.remove_member(bob, actor=cast.alice)
    assert bearer(issued.secret).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer rt_nonsense", "Token rt_x", "Basic YWxpY2U6cGFzcw=="],
)
def test_missing_or_invalid_credentials_get_401(cast, header):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_too_many_query_parameters_answer_400_in_the_api_format(cast):
    query = "&".join(["tag=region:EMEA"] * 1001)
    response = api_client(cast.alice, cast.acme).get(f"/api/v1/candidates?core=x&{query}")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Bad request")


def test_an_unknown_api_route_answers_404_in_the_api_format(cast):
    response = api_client(cast.alice, cast.acme).get("/api/v1/no-such-route")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found: no such API route."}


def test_api_validation_errors_name_the_field(cast):
    client = api_client(cast.alice, cast.acme)
    bad_role = client.post(
        "/api/v1/invitations",
        json.dumps({"email": "x@y.example", "role": "emperor"}),
        content_type="application/json",
    )
    bad_email = client.post(
        "/api/v1/invitations",
        json.dumps({"email": "nope", "role": "sales"}),
        content_type="application/json",
    )
    assert bad_role.status_code == 422
    assert bad_role.json()["detail"][0]["loc"][-1] == "role"
    assert bad_email.status_code == 422
    assert bad_email.json()["detail"] == [
        {
            "loc": ["body", "email"],
            "msg": "'nope' is not a valid email address.",
            "type": "value_error",
        }
    ]


def test_api_invites_lists_and_changes_roles_for_admins_only(cast, mailbox):
    admin = api_client(cast.alice, cast.acme)
    member = api_client(cast.bob, cast.acme)

    created = admin.post(
        "/api/v1/invitations",
        json.dumps({"email": "nora@acme.example", "role": "sales"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["state"] == "pending"
    assert mailbox.wait_for("nora@acme.example")
    assert (
        member.post(
            "/api/v1/invitations",
            json.dumps({"email": "z@z.example"}),
            content_type="application/json",
        ).status_code
        == 403
    )

    teammates = {t["email"]: t for t in member.get("/api/v1/teammates").json()}
    assert set(teammates) == {"alice@acme.example", "bob@acme.example", "gina@partner.example"}
    changed = admin.patch(
        f"/api/v1/teammates/{teammates['bob@acme.example']['uuid']}",
        json.dumps({"role": "admin"}),
        content_type="application/json",
    )
    assert changed.json()["role"] == "admin"
    last_owner = admin.delete(f"/api/v1/teammates/{teammates['alice@acme.example']['uuid']}")
    assert last_owner.status_code == 422
    assert "last owner" in last_owner.json()["detail"][0]["msg"]


def test_a_guest_token_reaches_me_but_not_the_team(cast):
    guest = api_client(cast.gina, cast.acme)
    assert guest.get("/api/v1/me").json()["role"] == Role.GUEST
    assert guest.get("/api/v1/teammates").status_code == 403


def test_openapi_document_and_docs_are_served(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    assert "/api/v1/me" in document["paths"]
    assert document["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 200
