import pytest
from django.urls import reverse

from roundtable.workspaces import actions
from roundtable.workspaces.choices import AuditAction, Role
from tests.conftest import api_client, client_for

pytestmark = pytest.mark.django_db


def test_admins_read_the_audit_log_filtered_by_action(cast, alice_client):
    actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )
    actions.create_api_token(cast.acme, user=cast.alice, name="nightly export")
    url = reverse("audit_log", kwargs={"ws": "acme"})

    everything = alice_client.get(url)
    tokens_only = alice_client.get(url, {"action": AuditAction.TOKEN_CREATED})

    assert "nora@acme.example" in everything.text
    assert "nightly export" in everything.text
    assert "nightly export" in tokens_only.text
    assert "nora@acme.example" not in tokens_only.text


def test_the_audit_log_is_for_admins_only(cast):
    assert client_for(cast.bob).get(reverse("audit_log", kwargs={"ws": "acme"})).status_code == 403
    assert api_client(cast.bob, cast.acme).get("/api/v1/audit").status_code == 403


def test_another_workspaces_events_never_show(cast, alice_client):
    actions.create_api_token(cast.globex, user=cast.charlie, name="globex secret job")
    assert (
        "globex secret job"
        not in alice_client.get(reverse("audit_log", kwargs={"ws": "acme"})).text
    )
    events = api_client(cast.alice, cast.acme).get("/api/v1/audit").json()
    assert all("globex" not in e["target"] for e in events)
    assert {"workspace.created", "token.created"} <= {e["action"] for e in events}
