from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from roundtable.core.models import OutboundEmail
from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Invitation, Membership, User
from tests.conftest import PASSWORD, client_for, make_user, path_of
from tests.mail import first_link, html_of

pytestmark = pytest.mark.django_db


def invite(client, email="nora@acme.example", role=Role.SALES):
    return client.post(reverse("teammates", kwargs={"ws": "acme"}), {"email": email, "role": role})


def test_an_admin_invites_a_teammate_who_signs_up_from_the_emailed_link(
    cast, alice_client, client, mailbox
):
    response = invite(alice_client)
    assert response.status_code == 302

    message = mailbox.wait_for("nora@acme.example")
    assert "Acme" in message["Subject"]
    assert message["Reply-To"] == "alice@acme.example"
    link = path_of(first_link(message, "/invitations/"))
    assert link in html_of(message).replace("&amp;", "&") or "/invitations/" in html_of(message)

    page = client.get(link)
    assert page.status_code == 200
    assert "nora@acme.example" in page.text
    joined = client.post(link, {"name": "Nora Sales", "password1": PASSWORD, "password2": PASSWORD})

    assert joined.url == reverse("dashboard", kwargs={"ws": "acme"})
    assert "Acme" in client.get(joined.url).text
    nora = User.objects.get(email="nora@acme.example")
    with scopes_disabled():
        assert Membership.objects.get(workspace=cast.acme, user=nora).role == Role.SALES
        sent = OutboundEmail.objects.get(kind="invitation")
    assert (sent.status, sent.attempts) == (OutboundEmail.Status.SENT, 1)


def test_the_invitation_token_is_stored_only_as_a_hash(cast):
    issued = actions.invite_teammate(
        cast.acme, email="x@y.example", role=Role.SALES, inviter=cast.alice
    )

    with scopes_disabled():
        stored = Invitation.objects.get(pk=issued.invitation.pk)
    assert issued.token not in stored.token_hash
    assert stored.token_hash == actions.hash_secret(issued.token)


def test_a_used_link_cannot_be_used_again(cast, client):
    issued = actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )
    url = reverse("invitation_accept", kwargs={"token": issued.token})
    client.post(url, {"name": "Nora", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    again = client.get(url)

    assert again.status_code == 410
    assert "already used" in again.text


def test_an_expired_link_says_so_and_creates_nothing(cast, client):
    issued = actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(
        reverse("invitation_accept", kwargs={"token": issued.token}),
        {"name": "Nora", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 410
    assert "expired" in response.text
    assert not User.objects.filter(email="nora@acme.example").exists()


def test_a_withdrawn_or_replaced_link_no_longer_works(cast, alice_client, client, mailbox):
    issued = actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )
    with scopes_disabled():
        invitation = Invitation.objects.get()
    alice_client.post(
        reverse("invitation_resend", kwargs={"ws": "acme", "invitation": invitation.uuid})
    )
    old = client.get(reverse("invitation_accept", kwargs={"token": issued.token}))
    assert old.status_code == 410
    new_link = path_of(first_link(mailbox.to("nora@acme.example")[-1], "/invitations/"))
    assert client.get(new_link).status_code == 200

    alice_client.post(
        reverse("invitation_revoke", kwargs={"ws": "acme", "invitation": invitation.uuid})
    )
    withdrawn = client.get(new_link)
    assert withdrawn.status_code == 410
    assert "withdrawn" in withdrawn.text


def test_a_garbage_token_is_a_clear_message_not_an_error(client, db):
    response = client.get(reverse("invitation_accept", kwargs={"token": "nonsense"}))
    assert response.status_code == 410
    assert "not valid" in response.text


def test_inviting_a_current_teammate_or_a_pending_invitee_is_refused(cast, alice_client):
    assert "already a teammate" in invite(alice_client, email="BOB@acme.example").text
    invite(alice_client, email="nora@acme.example")
    assert "pending invitation" in invite(alice_client, email="nora@acme.example").text
    with scopes_disabled():
        assert Invitation.objects.count() == 1


def test_an_invalid_email_is_refused_on_the_form(cast, alice_client):
    response = invite(alice_client, email="not-an-email")
    assert response.status_code == 200
    assert "valid email" in response.text


def test_only_admins_can_invite(cast, mailbox):
    response = invite(client_for(cast.bob))
    assert response.status_code == 200
    assert "Only owners and admins" in response.text
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_an_existing_account_signs_in_then_accepts(cast, client):
    nora = make_user("nora@elsewhere.example")
    issued = actions.invite_teammate(
        cast.acme, email="nora@elsewhere.example", role=Role.ADMIN, inviter=cast.alice
    )
    url = reverse("invitation_accept", kwargs={"token": issued.token})
    assert "Sign in" in client.get(url).text

    client.force_login(nora)
    response = client.post(url)

    assert response.url == reverse("dashboard", kwargs={"ws": "acme"})
    with scopes_disabled():
        assert Membership.objects.get(workspace=cast.acme, user=nora).role == Role.ADMIN


def test_someone_else_signed_in_cannot_take_the_invitation(cast):
    issued = actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.ADMIN, inviter=cast.alice
    )
    response = client_for(cast.charlie).post(
        reverse("invitation_accept", kwargs={"token": issued.token})
    )
    assert response.status_code == 410
    assert "signed in as charlie@globex.example" in response.text
    with scopes_disabled():
        assert not Membership.objects.filter(workspace=cast.acme, user=cast.charlie).exists()


def test_a_weak_password_is_refused_with_the_reason(cast, client):
    issued = actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )
    response = client.post(
        reverse("invitation_accept", kwargs={"token": issued.token}),
        {"name": "Nora", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.text
    assert not User.objects.filter(email="nora@acme.example").exists()
