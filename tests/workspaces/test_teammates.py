import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from roundtable.workspaces import actions
from roundtable.workspaces.choices import AuditAction, Role
from roundtable.workspaces.models import AuditEvent, Membership
from tests.conftest import add_member, client_for

pytestmark = pytest.mark.django_db


def membership_of(workspace, user):
    with scopes_disabled():
        return Membership.objects.get(workspace=workspace, user=user)


def test_an_admin_changes_a_role_and_it_is_audited(cast, alice_client):
    bob = membership_of(cast.acme, cast.bob)

    alice_client.post(
        reverse("member_role", kwargs={"ws": "acme", "member": bob.uuid}), {"role": Role.ADMIN}
    )

    assert membership_of(cast.acme, cast.bob).role == Role.ADMIN
    with scopes_disabled():
        event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert (event.actor, event.target, event.data) == (
        cast.alice,
        "bob@acme.example",
        {"from": Role.PARTNER_MANAGER, "to": Role.ADMIN},
    )


def test_a_non_admin_cannot_change_roles(cast):
    alice = membership_of(cast.acme, cast.alice)
    response = client_for(cast.bob).post(
        reverse("member_role", kwargs={"ws": "acme", "member": alice.uuid}), {"role": Role.GUEST}
    )
    assert response.status_code == 403
    assert membership_of(cast.acme, cast.alice).role == Role.OWNER


def test_the_last_owner_can_be_neither_removed_nor_demoted(cast, alice_client):
    alice = membership_of(cast.acme, cast.alice)

    demoted = alice_client.post(
        reverse("member_role", kwargs={"ws": "acme", "member": alice.uuid}),
        {"role": Role.ADMIN},
        follow=True,
    )
    removed = alice_client.post(
        reverse("member_remove", kwargs={"ws": "acme", "member": alice.uuid}), follow=True
    )

    assert "last owner" in demoted.text
    assert "last owner" in removed.text
    assert membership_of(cast.acme, cast.alice).role == Role.OWNER


def test_with_a_second_owner_the_first_may_leave(cast, alice_client):
    bob = membership_of(cast.acme, cast.bob)
    actions.change_role(bob, role=Role.OWNER, actor=cast.alice)
    alice = membership_of(cast.acme, cast.alice)

    response = alice_client.post(
        reverse("member_remove", kwargs={"ws": "acme", "member": alice.uuid})
    )

    assert response.url == reverse("workspace_list")
    with scopes_disabled():
        assert list(Membership.objects.filter(workspace=cast.acme).owners()) == [
            membership_of(cast.acme, cast.bob)
        ]


def test_a_removed_teammate_loses_access_on_the_next_request(cast, alice_client):
    bob_client = client_for(cast.bob)
    dashboard = reverse("dashboard", kwargs={"ws": "acme"})
    assert bob_client.get(dashboard).status_code == 200
    bob = membership_of(cast.acme, cast.bob)

    alice_client.post(reverse("member_remove", kwargs={"ws": "acme", "member": bob.uuid}))

    assert bob_client.get(dashboard).status_code == 404
    assert bob_client.get(reverse("teammates", kwargs={"ws": "acme"})).status_code == 404


def test_an_admin_cannot_remove_an_owner(cast):
    add_member(cast.acme, cast.charlie, Role.ADMIN)
    actions.change_role(membership_of(cast.acme, cast.bob), role=Role.OWNER, actor=cast.alice)
    alice = membership_of(cast.acme, cast.alice)
    response = client_for(cast.charlie).post(
        reverse("member_remove", kwargs={"ws": "acme", "member": alice.uuid}), follow=True
    )
    assert "Only an owner" in response.text
    assert membership_of(cast.acme, cast.alice).role == Role.OWNER


def test_a_person_in_two_workspaces_switches_between_them(cast):
    add_member(cast.globex, cast.bob, Role.SALES)
    bob_client = client_for(cast.bob)

    acme = bob_client.get(reverse("dashboard", kwargs={"ws": "acme"}))
    globex = bob_client.get(reverse("dashboard", kwargs={"ws": "globex"}))

    assert acme.status_code == globex.status_code == 200
    # The switcher lists both; each page shows its own workspace.
    assert 'data-testid="workspace-name">Acme<' in acme.text
    assert 'data-testid="workspace-name">Globex<' in globex.text
    assert reverse("dashboard", kwargs={"ws": "globex"}) in acme.text
    # Home returns to the workspace used last.
    assert bob_client.get(reverse("home")).url == reverse("dashboard", kwargs={"ws": "globex"})


def test_create_another_workspace(cast, alice_client):
    response = alice_client.post(
        reverse("workspace_list"), {"name": "Acme Labs", "website": "labs.acme.example"}
    )
    assert response.url == reverse("dashboard", kwargs={"ws": "acme-labs"})


def test_a_guest_cannot_open_settings_but_sees_circles(cast):
    gina = client_for(cast.gina)
    assert gina.get(reverse("teammates", kwargs={"ws": "acme"})).status_code == 404
    assert gina.get(reverse("tokens", kwargs={"ws": "acme"})).status_code == 404
    assert gina.get(reverse("partners", kwargs={"ws": "acme"})).status_code == 404
    assert gina.get(reverse("circles", kwargs={"ws": "acme"})).status_code == 200
    # The dashboard sends a guest to the Circles.
    assert gina.get(reverse("dashboard", kwargs={"ws": "acme"})).url.endswith("/circles/")
