"""Connections between workspaces: request by domain or invitation link, accept, decline,
revoke; what each side shares; bad input that changes nothing; audit and notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.sharing import actions
from roundtable.sharing.choices import Level
from roundtable.sharing.models import Connection, Share
from roundtable.workspaces.models import AuditEvent
from tests.conftest import api_client, client_for, path_of
from tests.mail import first_link, text_of
from tests.sharing.factories import OUR_ROWS, THEIR_ROWS, connect, import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(cast):
    import_rows(cast.acme, ensure_our_organization(cast.acme), OUR_ROWS)
    import_rows(cast.globex, ensure_our_organization(cast.globex), THEIR_ROWS)


def audit_actions(workspace) -> list[str]:
    with scope(workspace=workspace):
        return list(AuditEvent.objects.values_list("action", flat=True))


def state(workspace) -> tuple:
    with scopes_disabled():
        return (
            list(Connection.objects.values_list("status", "requester_id", "recipient_id")),
            list(Share.objects.values_list("level", "population_id")),
        )


def test_request_by_domain_accept_and_share_asymmetrically(cast, accounts, mailbox):
    alice, charlie = client_for(cast.alice), client_for(cast.charlie)

    response = alice.post(
        "/w/acme/overlaps/connections/",
        {"form": "request", "req-domain": "https://www.globex.example/x"},
    )
    note = mailbox.wait_for("charlie@globex.example")
    connection = Connection.objects.get()
    answer = charlie.post(f"/w/globex/overlaps/connections/{connection.uuid}/accept")
    accepted = mailbox.wait_for("alice@acme.example")

    assert response.status_code == 302
    assert answer.status_code == 302
    assert "Acme wants to connect" in note["Subject"]
    assert "/w/globex/overlaps/connections/" in first_link(note)
    assert "Globex accepted" in accepted["Subject"]
    connection.refresh_from_db()
    assert connection.status == "accepted"
    # Nothing is shared until a side says so: Acme sees three hidden populations.
    matrix = api_client(cast.alice, cast.acme).get(f"/api/v1/overlaps/{connection.uuid}").json()
    assert matrix["columns"] == []
    assert matrix["hidden"] == 3
    # Globex shares customers' records; Acme shares counts only.
    with scope(workspace=cast.globex):
        customers = actions.our_populations(cast.globex)[0]
    charlie.post(
        f"/w/globex/overlaps/connections/{connection.uuid}/sharing",
        {f"level-{customers.uuid}": "records", f"fields-{customers.uuid}": ["domain", "status"]},
    )
    acme_customers = actions.our_populations(cast.acme)[0]
    put = api_client(cast.alice, cast.acme).put(
        f"/api/v1/connections/{connection.uuid}/sharing",
        {"population": str(acme_customers.uuid), "level": "counts", "fields": ["name"]},
        content_type="application/json",
    )
    assert put.status_code == 200
    acme_view = api_client(cast.alice, cast.acme).get(f"/api/v1/overlaps/{connection.uuid}").json()
    globex_view = (
        api_client(cast.charlie, cast.globex).get(f"/api/v1/overlaps/{connection.uuid}").json()
    )
    assert [(c["name"], c["level"]) for c in acme_view["columns"]] == [("Customers", "records")]
    assert acme_view["columns"][0]["fields"] == ["name", "domain", "status"]
    assert [(c["name"], c["level"]) for c in globex_view["columns"]] == [("Customers", "counts")]
    assert "sharing.changed" in audit_actions(cast.globex)
    assert "connection.accepted" in audit_actions(cast.acme)


def test_records_views_and_exports_are_audited_on_both_sides(cast, accounts, settings):
    connection = connect(cast.acme, cast.alice, cast.globex, cast.charlie)
    actions.set_min_count(cast.globex, 1, user=cast.charlie)
    for population in actions.our_populations(cast.globex):
        actions.set_share(cast.globex, connection, population.uuid, Level.RECORDS, ["name"],
                          user=cast.charlie)  # fmt: skip
    alice = client_for(cast.alice)
    body = api_client(cast.alice, cast.acme).get(f"/api/v1/overlaps/{connection.uuid}").json()
    cell = next(c for c in body["cells"] if c["openable"])
    base = f"/w/acme/overlaps/with/{connection.uuid}/{cell['ours']}/{cell['theirs']}/"

    page = alice.get(base)
    export = alice.get(base + "export.csv")

    assert page.status_code == 200
    assert export.status_code == 200
    b"".join(export.streaming_content)
    for workspace in (cast.acme, cast.globex):
        done = audit_actions(workspace)
        assert "overlap.records_viewed" in done
        assert "overlap.exported" in done


def test_invitation_link_is_accepted_once(cast, accounts):
    issued = actions.create_invitation_link(cast.acme, user=cast.alice)
    charlie = client_for(cast.charlie)

    shown = charlie.get(path_of(issued.url))
    accepted = charlie.post(path_of(issued.url), {"workspace": "globex"})
    again = charlie.get(path_of(issued.url))

    assert "Acme invites you to connect" in shown.content.decode()
    assert accepted.status_code == 302
    assert again.status_code == 410
    assert "already been accepted" not in again.content.decode()
    connection = Connection.objects.get()
    assert (connection.status, connection.recipient_id) == ("accepted", cast.globex.pk)


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("acme.example", "That is your own workspace"),
        ("nobody.example", "No workspace on Roundtable uses nobody.example"),
        ("", "This field is required"),
    ],
)
def test_bad_requests_say_why_and_change_nothing(cast, domain, message):
    before = state(cast.acme)
    response = client_for(cast.alice).post(
        "/w/acme/overlaps/connections/", {"form": "request", "req-domain": domain}
    )
    assert message in response.content.decode()
    assert state(cast.acme) == before


def test_duplicate_requests_either_way_are_refused(cast):
    actions.request_connection(cast.acme, domain="globex.example", user=cast.alice)
    before = state(cast.acme)
    api = api_client(cast.charlie, cast.globex)

    response = api.post("/api/v1/connections", {"domain": "acme.example"},
                        content_type="application/json")  # fmt: skip
    again = api_client(cast.alice, cast.acme).post(
        "/api/v1/connections", {"domain": "globex.example"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert "open request" in response.json()["detail"][0]["msg"]
    assert again.status_code == 422
    assert state(cast.acme) == before


def test_accepting_a_revoked_declined_or_expired_request_is_refused(cast):
    api = api_client(cast.charlie, cast.globex)
    revoked = actions.request_connection(cast.acme, domain="globex.example", user=cast.alice)
    actions.revoke_connection(revoked, cast.acme, user=cast.alice)
    expired = actions.request_connection(cast.acme, domain="globex.example", user=cast.alice)
    Connection.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    before = state(cast.acme)

    answers = [
        api.post(f"/api/v1/connections/{revoked.uuid}/accept"),
        api.post(f"/api/v1/connections/{expired.uuid}/accept"),
        api.post(f"/api/v1/connections/{expired.uuid}/decline"),
    ]

    messages = [a.json()["detail"][0]["msg"] for a in answers]
    assert [a.status_code for a in answers] == [422, 422, 422]
    assert "withdrawn" in messages[0]
    assert "expired" in messages[1]
    assert state(cast.acme) == before


def test_the_requester_cannot_accept_its_own_request(cast):
    connection = actions.request_connection(cast.acme, domain="globex.example", user=cast.alice)
    response = api_client(cast.alice, cast.acme).post(
        f"/api/v1/connections/{connection.uuid}/accept"
    )
    assert response.status_code == 422
    connection.refresh_from_db()
    assert connection.status == "pending"


def test_sharing_settings_naming_another_workspaces_population_are_refused(cast, accounts):
    connection = connect(cast.acme, cast.alice, cast.globex, cast.charlie)
    theirs = actions.our_populations(cast.globex)[0]
    before = state(cast.acme)

    response = api_client(cast.alice, cast.acme).put(
        f"/api/v1/connections/{connection.uuid}/sharing",
        {"population": str(theirs.uuid), "level": "records", "fields": ["name"]},
        content_type="application/json",
    )
    page = client_for(cast.alice).post(
        f"/w/acme/overlaps/connections/{connection.uuid}/sharing",
        {f"level-{theirs.uuid}": "records"},
    )

    assert response.status_code == 422
    assert "only choose what your own populations share" in response.json()["detail"][0]["msg"]
    assert page.status_code == 302
    assert state(cast.acme) == before


def test_request_more_notifies_the_other_side_once_an_hour(cast, accounts, mailbox):
    connection = connect(cast.acme, cast.alice, cast.globex, cast.charlie)
    alice = client_for(cast.alice)

    first = alice.post(f"/w/acme/overlaps/connections/{connection.uuid}/request-more")
    note = mailbox.wait_for("charlie@globex.example")
    second = alice.post(f"/w/acme/overlaps/connections/{connection.uuid}/request-more",
                        follow=True)  # fmt: skip

    assert first.status_code == 302
    assert "asks you to share more" in note["Subject"]
    assert "3 of your populations are not shared" in text_of(note)
    assert "within the last hour" in second.content.decode()
    assert audit_actions(cast.globex).count("sharing.more_requested") == 1


def test_minimum_count_is_set_per_workspace(cast):
    api = api_client(cast.alice, cast.acme)
    assert api.get("/api/v1/overlaps/settings").json() == {"min_count": 3}
    assert api.put("/api/v1/overlaps/settings", {"min_count": 0},
                   content_type="application/json").status_code == 422  # fmt: skip
    assert api.put("/api/v1/overlaps/settings", {"min_count": 5},
                   content_type="application/json").json() == {"min_count": 5}  # fmt: skip
    assert actions.min_count_of(cast.globex) == 3


def test_a_connection_between_two_other_workspaces_is_out_of_reach(cast, accounts):
    from tests.sharing.factories import make_workspace

    initech, owner = make_workspace("Initech", "initech.example", "boss@initech.example")
    connection = connect(cast.globex, cast.charlie, initech, owner)
    web, api = client_for(cast.alice), api_client(cast.alice, cast.acme)
    uuid = connection.uuid

    pages = [f"/w/acme/overlaps/connections/{uuid}/", f"/w/acme/overlaps/with/{uuid}/",
             f"/w/acme/overlaps/with/{uuid}/export.csv"]  # fmt: skip
    posts = [f"/w/acme/overlaps/connections/{uuid}/{a}" for a in ("accept", "revoke", "sharing")]
    calls = [f"/api/v1/connections/{uuid}", f"/api/v1/overlaps/{uuid}",
             f"/api/v1/connections/{uuid}/sharing"]  # fmt: skip

    assert {web.get(url).status_code for url in pages} == {404}
    assert {web.post(url).status_code for url in posts} == {404}
    assert {api.get(url).status_code for url in calls} == {404}
    assert api.post(f"/api/v1/connections/{uuid}/revoke").status_code == 404
    connection.refresh_from_db()
    assert connection.status == "accepted"
