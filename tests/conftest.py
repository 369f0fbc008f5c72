"""The standing cast: Alice owns Acme (Bob is a partner manager there, Gina a guest);
Charlie owns Globex, the other tenant, whose data Acme's people must never reach."""

from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, Workspace
from tests.mail import Mailbox

PASSWORD = "correct-horse-battery-42"


@pytest.fixture(scope="session")
def smtp_server():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture(autouse=True)
def mailbox(smtp_server, settings):
    """Every test sends its email over SMTP to a fresh, empty mailbox."""
    # Django's test set-up swaps in the in-memory backend; we want the real SMTP path.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = smtp_server.port
    smtp_server.clear()
    return smtp_server


def make_user(email: str, name: str = "") -> User:
    return User.objects.create_user(email, PASSWORD, name=name or email.split("@")[0].title())


def add_member(workspace: Workspace, user: User, role: str) -> Membership:
    with scopes_disabled():
        return Membership.objects.create(workspace=workspace, user=user, role=role)


@dataclass
class Cast:
    alice: User
    bob: User
    gina: User
    charlie: User
    acme: Workspace
    globex: Workspace


@pytest.fixture
def cast(db) -> Cast:
    alice, bob = make_user("alice@acme.example"), make_user("bob@acme.example")
    gina, charlie = make_user("gina@partner.example"), make_user("charlie@globex.example")
    acme = actions.create_workspace(name="Acme", domain="acme.example", owner=alice)
    globex = actions.create_workspace(name="Globex", domain="globex.example", owner=charlie)
    add_member(acme, bob, Role.PARTNER_MANAGER)
    add_member(acme, gina, Role.GUEST)
    return Cast(alice, bob, gina, charlie, acme, globex)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(cast) -> Client:
    return client_for(cast.alice)


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def api_client(user: User, workspace: Workspace) -> Client:
    issued = actions.create_api_token(workspace, user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {issued.secret}"})
