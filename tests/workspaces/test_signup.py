import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from roundtable.workspaces.choices import AuditAction, Role
from roundtable.workspaces.models import AuditEvent, Membership, User, Workspace
from tests.conftest import PASSWORD, make_user, path_of
from tests.mail import first_link

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "name": "Dana Founder",
        "email": "dana@loop.example",
        "company": "Loop Returns",
        "website": "https://www.loop.example/about",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_creates_a_workspace_owned_by_the_new_user(client):
    response = signup(client)

    assert response.status_code == 302
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.domain, workspace.slug) == (
        "Loop Returns",
        "loop.example",
        "loop-returns",
    )
    user = User.objects.get(email="dana@loop.example")
    assert user.name == "Dana Founder"
    with scopes_disabled():
        assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    # The new owner lands in their workspace.
    home = client.get(reverse("home"))
    assert home.url == reverse("dashboard", kwargs={"ws": "loop-returns"})
    assert "Loop Returns" in client.get(home.url).text


def test_signup_with_an_email_already_registered_is_refused_with_a_message(client):
    make_user("dana@loop.example")

    response = signup(client)

    assert response.status_code == 200
    assert "already registered" in response.text
    assert not Workspace.objects.exists()


def test_signup_without_a_company_domain_names_the_field(client):
    response = signup(client, website="not a domain")

    assert response.status_code == 200
    assert "website domain" in response.text
    assert not User.objects.exists()


def test_two_companies_with_the_same_name_get_distinct_slugs(client):
    signup(client)
    client.logout()
    signup(client, email="eve@other.example")

    assert sorted(Workspace.objects.values_list("slug", flat=True)) == [
        "loop-returns",
        "loop-returns-2",
    ]


def test_login_and_logout_are_audited(cast, client):
    response = client.post(
        reverse("account_login"), {"login": "alice@acme.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.post(reverse("account_logout"))

    with scopes_disabled():
        actions = list(
            AuditEvent.objects.filter(workspace=cast.acme, actor=cast.alice).values_list(
                "action", flat=True
            )
        )
    assert AuditAction.SIGNED_IN in actions
    assert AuditAction.SIGNED_OUT in actions
    assert client.get(reverse("dashboard", kwargs={"ws": "acme"})).status_code == 302


def test_repeated_failed_logins_are_rate_limited(cast, client):
    cache.clear()
    pages = [
        client.post(
            reverse("account_login"), {"login": "alice@acme.example", "password": "wrong"}
        ).text
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    # Past 5 failures in 5 minutes even the right password is refused for a while.
    assert "Too many failed login attempts" in pages[-1]
    right = client.post(
        reverse("account_login"), {"login": "alice@acme.example", "password": PASSWORD}
    )
    assert right.status_code == 200
    assert "Too many failed login attempts" in right.text
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()
    cache.clear()


def test_password_reset_by_email_through_smtp(cast, client, mailbox):
    cache.clear()
    response = client.post(reverse("account_reset_password"), {"email": "alice@acme.example"})
    assert response.status_code == 302

    message = mailbox.wait_for("alice@acme.example")
    assert "Password Reset" in message["Subject"]
    link = path_of(first_link(message, "/accounts/password/reset/key/"))
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "another-long-passphrase-77"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302

    cast.alice.refresh_from_db()
    assert cast.alice.check_password(new_password)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()
