"""Circle invitations by email: one thread from the host, a personal accept / decline link each,
guest accounts that see only their Circle, and every bad link answered with a clear message."""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.circles import actions
from roundtable.circles.choices import MemberStatus
from roundtable.circles.models import CircleInvitation, CircleMember
from roundtable.core.models import OutboundEmail
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, hash_secret
from tests.circles.factories import make_circle, make_person, member_of
from tests.conftest import PASSWORD, client_for, make_user, path_of
from tests.ecosystem.factories import make_partner
from tests.mail import first_link, html_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    """A Circle hosted by Bob with three proposed people: two with an address, one without."""
    nordic = make_partner(cast.acme, "Nordic Ads", "nordic.example")
    berlin = make_partner(cast.acme, "Berlin Builders", "berlin.example")
    nina = make_person(cast.acme, nordic, "Nina", "Nord", "nina@nordic.example")
    ben = make_person(cast.acme, berlin, "Ben", "Bauer", "ben@berlin.example")
    paul = make_person(cast.acme, berlin, "Paul", "Post")
    circle = make_circle(cast.acme, cast.alice, host=cast.bob, people=[nina, ben, paul])
    return circle, nina, ben, paul


def send(circle, inviter):
    return actions.invite_members(circle, inviter=inviter)


def state_of(member: CircleMember) -> str:
    with scopes_disabled():
        return CircleMember.objects.get(pk=member.pk).status


def test_one_thread_from_the_host_with_a_personal_link_for_each_invitee(world, cast, mailbox):
    circle, nina, ben, paul = world

    batch = send(circle, cast.alice)

    assert [issued.invitation.email for issued in batch.sent] == [
        "nina@nordic.example",
        "ben@berlin.example",
    ]
    assert [(member.name, reason) for member, reason in batch.skipped] == [
        ("Paul Post", "Paul Post has no email address: add one in the directory, then invite them.")
    ]
    to_nina, to_ben = (
        mailbox.wait_for("nina@nordic.example"),
        mailbox.wait_for("ben@berlin.example"),
    )
    for message in (to_nina, to_ben):
        assert message["Subject"].strip() == "Invitation: join the Circle “D2C Shopify EMEA”"
        assert parseaddr(message["From"])[0] == "Bob via Roundtable"
        assert message["Reply-To"] == "bob@acme.example"
        assert message["In-Reply-To"].strip() == circle.thread_id
        assert message["References"].strip() == circle.thread_id
    assert to_nina["Message-ID"] != to_ben["Message-ID"]
    nina_link, ben_link = first_link(to_nina, "/circles/invitations/"), first_link(to_ben, "/")
    assert nina_link != ben_link
    assert "Ben Bauer (Berlin Builders)" in text_of(to_nina)  # who else is invited
    assert first_link(to_nina, "answer=decline").startswith(nina_link)
    assert nina_link.replace("&", "&amp;") in html_of(to_nina) or nina_link in html_of(to_nina)
    with scopes_disabled():
        sent = OutboundEmail.objects.filter(kind="circle_invitation")
        assert sorted((e.to[0], e.status, e.attempts) for e in sent) == [
            ("ben@berlin.example", "sent", 1),
            ("nina@nordic.example", "sent", 1),
        ]
    assert state_of(member_of(circle, nina)) == MemberStatus.INVITED
    assert state_of(member_of(circle, paul)) == MemberStatus.PROPOSED


def test_each_email_names_only_who_else_is_invited_or_in_like_the_accept_page(
    world, cast, client, mailbox
):
    circle, nina, ben, paul = world  # Paul has no email address: he cannot be invited
    actions.add_teammate(circle, cast.bob, role="host")

    batch = send(circle, cast.alice)

    assert [member.name for member, _reason in batch.skipped] == ["Paul Post"]
    to_nina = text_of(mailbox.wait_for("nina@nordic.example"))
    to_ben = text_of(mailbox.wait_for("ben@berlin.example"))
    assert fellows_in(to_nina) == ["Ben Bauer (Berlin Builders)", "Bob (Acme)"]
    assert fellows_in(to_ben) == ["Nina Nord (Nordic Ads)", "Bob (Acme)"]
    accept_page = client.get(path_of(first_link_in(to_nina)))
    listed = accept_page.text.split('data-testid="fellows">')[1].split("</ul>")[0]
    assert "Ben Bauer" in listed
    assert "Bob" in listed
    assert "Paul Post" not in listed


def fellows_in(text: str) -> list[str]:
    """The names under the email's "Also in the Circle:" heading."""
    lines = text.replace("\r\n", "\n")
    block = lines.split("Also in the Circle:\n")[1].split("\n\n")[0]
    return [line.removeprefix("- ") for line in block.splitlines()]


def first_link_in(text: str) -> str:
    return next(word for word in text.split() if "/circles/invitations/" in word)


def test_send_invitations_counts_only_the_members_who_can_be_invited(world, cast, alice_client):
    circle, nina, _ben, _paul = world
    page = reverse("circle_detail", kwargs={"ws": "acme", "circle": circle.uuid})

    before = alice_client.get(page).text
    actions.invite_members(circle, inviter=cast.alice)
    after = alice_client.get(page).text

    assert "Send invitations (2)" in before  # Nina and Ben; Paul has no address
    assert "Send invitations" not in after  # only Paul is left, and he cannot be invited
    assert "no email address" in after


def test_accepting_creates_a_guest_account_that_sees_only_that_circle(world, cast, client, mailbox):
    circle, nina, *_ = world
    other = make_circle(cast.acme, cast.alice, name="INBOUND conference")
    send(circle, cast.alice)
    link = path_of(first_link(mailbox.wait_for("nina@nordic.example"), "/circles/invitations/"))

    page = client.get(link)
    assert page.status_code == 200
    assert "D2C Shopify EMEA" in page.text
    assert "nina@nordic.example" in page.text
    joined = client.post(
        link, {"answer": "accept", "name": "Nina Nord", "password1": PASSWORD,
               "password2": PASSWORD},
    )  # fmt: skip

    assert joined.url == reverse("circle_detail", kwargs={"ws": "acme", "circle": circle.uuid})
    circle_page = client.get(joined.url)
    assert "Welcome to the Circle “D2C Shopify EMEA”" in circle_page.text
    assert "Ben Bauer" in circle_page.text
    nina_user = User.objects.get(email="nina@nordic.example")
    with scopes_disabled():
        assert Membership.objects.get(workspace=cast.acme, user=nina_user).role == Role.GUEST
    assert state_of(member_of(circle, nina)) == MemberStatus.ACTIVE
    listing = client.get(reverse("circles", kwargs={"ws": "acme"})).text
    assert "D2C Shopify EMEA" in listing
    assert "INBOUND conference" not in listing
    other_url = reverse("circle_detail", kwargs={"ws": "acme", "circle": other.uuid})
    assert client.get(other_url).status_code == 404
    assert client.get(reverse("partners", kwargs={"ws": "acme"})).status_code == 404
    host_note = mailbox.wait_for("bob@acme.example")
    assert "Nina Nord (Nordic Ads) accepted" in text_of(host_note)
    assert host_note["In-Reply-To"].strip() == circle.thread_id


def test_an_invitee_with_an_account_signs_in_then_accepts(world, cast, client, mailbox):
    circle, nina, *_ = world
    make_user("nina@nordic.example", "Nina")
    send(circle, cast.alice)
    link = path_of(first_link(mailbox.wait_for("nina@nordic.example"), "/circles/invitations/"))

    page = client.get(link)
    assert "Sign in" in page.text
    refused = client.post(link, {"answer": "accept"})
    assert refused.url.startswith(reverse("account_login"))
    assert state_of(member_of(circle, nina)) == MemberStatus.INVITED

    client.login(email="nina@nordic.example", password=PASSWORD)
    accepted = client.post(link, {"answer": "accept"})
    assert accepted.status_code == 302
    assert state_of(member_of(circle, nina)) == MemberStatus.ACTIVE


def test_a_teammate_who_accepts_keeps_their_role(cast, mailbox):
    partner = make_partner(cast.acme, "Loop Agency", "loop.example")
    bob_person = make_person(cast.acme, partner, "Bob", "", "bob@acme.example")
    circle = make_circle(cast.acme, cast.alice, people=[bob_person])
    issued = actions.invite(member_of(circle, bob_person), inviter=cast.alice)

    actions.accept(issued.token, user=cast.bob)

    with scopes_disabled():
        assert Membership.objects.get(workspace=cast.acme, user=cast.bob).role == (
            Role.PARTNER_MANAGER
        )


def test_declining_keeps_the_member_in_the_history_and_tells_the_host(world, cast, client, mailbox):
    circle, nina, *_ = world
    send(circle, cast.alice)
    decline_link = path_of(first_link(mailbox.wait_for("nina@nordic.example"), "answer=decline"))

    confirm = client.get(decline_link)
    assert confirm.status_code == 200
    assert state_of(member_of(circle, nina)) == MemberStatus.INVITED  # a GET changes nothing
    declined = client.post(decline_link.split("?")[0], {"answer": "decline"})

    assert "You declined" in declined.text
    with scopes_disabled():
        member = CircleMember.objects.get(circle=circle, person=nina)
    assert member.status == MemberStatus.DECLINED
    assert member.ended_at is not None
    assert "Nina Nord (Nordic Ads) declined" in text_of(mailbox.wait_for("bob@acme.example"))
    again = client.get(decline_link)
    assert again.status_code == 410
    assert "This invitation was declined" in again.text


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("expire", "This invitation has expired. Ask Bob to send it again."),
        ("accept", "This invitation was already accepted. Sign in to open the Circle."),
        ("decline", "This invitation was declined."),
        ("withdraw", "This invitation was withdrawn by Bob."),
        ("garble", "This invitation link is not valid."),
    ],
)
def test_a_link_that_cannot_be_used_says_why_and_changes_nothing(
    world, cast, client, spoil, message
):
    circle, nina, *_ = world
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    token = issued.token
    if spoil == "expire":
        with scopes_disabled():
            CircleInvitation.objects.filter(pk=issued.invitation.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
    elif spoil == "accept":
        actions.accept(token, user=make_user("nina@nordic.example"))
    elif spoil == "decline":
        actions.decline(token)
    elif spoil == "withdraw":
        actions.remove_member(member_of(circle, nina))
    else:
        token = token[:-4] + "xxxx"
    with scopes_disabled():
        before = list(CircleMember.objects.values_list("status", "user_id", "ended_at"))
        seats = Membership.objects.count()
    url = reverse("circle_invitation", kwargs={"token": token})

    for response in (
        client.get(url),
        client.post(url, {"answer": "accept", "name": "N", "password1": PASSWORD,
                          "password2": PASSWORD}),
        client.post(url, {"answer": "decline"}),
    ):  # fmt: skip
        assert response.status_code == 410
        assert message in response.text
    with scopes_disabled():
        assert list(CircleMember.objects.values_list("status", "user_id", "ended_at")) == before
        assert Membership.objects.count() == seats


def test_resending_sends_a_new_link_in_the_same_thread_and_retires_the_old_one(
    world, cast, client, mailbox
):
    circle, nina, *_ = world
    first = actions.invite(member_of(circle, nina), inviter=cast.alice)
    with scopes_disabled():
        CircleInvitation.objects.filter(pk=first.invitation.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        invitation = CircleInvitation.objects.select_related("circle", "member").get()
    mailbox.clear()

    second = actions.resend(invitation, inviter=cast.alice)

    message = mailbox.wait_for("nina@nordic.example")
    assert message["References"].strip() == circle.thread_id
    assert message["Subject"].strip() == "Invitation: join the Circle “D2C Shopify EMEA”"
    assert path_of(first_link(message, "/circles/invitations/")) == reverse(
        "circle_invitation", kwargs={"token": second.token}
    )
    old = client.get(reverse("circle_invitation", kwargs={"token": first.token}))
    assert old.status_code == 410
    assert "not valid" in old.text
    assert (
        client.get(reverse("circle_invitation", kwargs={"token": second.token})).status_code == 200
    )
    with scopes_disabled():
        refreshed = CircleInvitation.objects.get()
    assert refreshed.send_count == 2
    assert refreshed.state == "pending"


def test_the_token_is_stored_only_as_a_hash(world, cast):
    circle, nina, *_ = world
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    with scopes_disabled():
        stored = CircleInvitation.objects.get()
        values = str(CircleInvitation.objects.filter(pk=stored.pk).values())
    assert stored.token_hash == hash_secret(issued.token)
    assert issued.token not in values


def test_invitations_default_to_fourteen_days(world, cast):
    circle, nina, *_ = world
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    lasts = issued.invitation.expires_at - issued.invitation.sent_at
    assert lasts == timedelta(days=14)


def test_a_temporary_smtp_failure_is_retried_and_recorded(world, cast, mailbox):
    circle, nina, *_ = world
    mailbox.refuse_next = 1

    actions.invite(member_of(circle, nina), inviter=cast.alice)

    assert mailbox.wait_for("nina@nordic.example")
    with scopes_disabled():
        sent = OutboundEmail.objects.get(kind="circle_invitation")
        invitation = CircleInvitation.objects.select_related("delivery").get()
    assert (sent.status, sent.attempts, sent.last_error) == (OutboundEmail.Status.SENT, 2, "")
    assert invitation.delivery == sent


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_email", "Paul Post has no email address"),
        ("invited", "Nina Nord is already invited: resend the invitation instead."),
        ("active", "Nina Nord is already an active member of this Circle."),
    ],
)
def test_inviting_someone_who_cannot_be_invited_is_refused_and_sends_nothing(
    world, cast, alice_client, mailbox, setup, message
):
    circle, nina, _ben, paul = world
    target = paul if setup == "no_email" else nina
    if setup != "no_email":
        issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
        if setup == "active":
            actions.accept(issued.token, user=make_user("nina@nordic.example"))
    mailbox.clear()
    url = reverse(
        "circle_member_invite",
        kwargs={"ws": "acme", "circle": circle.uuid, "member": member_of(circle, target).uuid},
    )

    response = alice_client.post(url, follow=True)

    assert message in response.text
    assert mailbox.messages == []


def test_adding_someone_already_in_the_circle_is_refused(world, cast):
    circle, nina, *_ = world
    with pytest.raises(Exception, match="Nina Nord is already in this Circle"):
        actions.add_person(circle, nina)
    with scope(workspace=cast.acme):
        assert CircleMember.objects.filter(person=nina).count() == 1


def test_signed_in_as_someone_else_the_invitation_is_refused(world, cast, mailbox):
    circle, nina, *_ = world
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    other = client_for(cast.gina)

    page = other.get(reverse("circle_invitation", kwargs={"token": issued.token}))
    assert "You are signed in as gina@partner.example" in page.text
    refused = other.post(
        reverse("circle_invitation", kwargs={"token": issued.token}), {"answer": "accept"}
    )
    assert refused.status_code == 410
    assert "This invitation is for nina@nordic.example" in refused.text
    assert state_of(member_of(circle, nina)) == MemberStatus.INVITED
