"""The demo workspace's two Circles.

"D2C Shopify EMEA under $25M" grew from the core agency partner's Konnections: five people from
the five organizations the ecosystem demo shaped for it, all active, with one earlier member who
was replaced (so the history has a story). "INBOUND conference" has four members from our HubSpot
partners and is still forming: a fifth person's invitation is waiting for an answer.

Dates count back from the day the demo runs, not from a fixed day: an invitation is only pending
until it expires, so fixed dates would leave the demo's open invitation expired a few days after
they were written. Rows are keyed by Circle name and person and no email is sent, so running
`roundtable demo` again the same day ends in the same state, and on a later day only moves the
dates.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from roundtable.circles.actions import thread_id
from roundtable.circles.choices import CircleStatus, MemberRole, MemberStatus, PurposeKind
from roundtable.circles.models import Circle, CircleInvitation, CircleMember
from roundtable.ecosystem.choices import OrgKind, PartnerStatus
from roundtable.ecosystem.demo import (
    DEMO_CORE_PARTNER_DOMAIN,
    DEMO_FIRST_CIRCLE_DOMAINS,
    DEMO_FIRST_CIRCLE_EMAILS,
)
from roundtable.ecosystem.models import Organization, Person, Tag
from roundtable.workspaces.actions import _mark_email_verified
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, hash_secret

FIRST_CIRCLE = "D2C Shopify EMEA under $25M"
CONFERENCE_CIRCLE = "INBOUND conference"
# The first Circle's member who signs in as a guest (with the demo password): the guest's view.
DEMO_GUEST = DEMO_FIRST_CIRCLE_EMAILS[0]
# The earlier member replaced by the fifth of the first Circle (an EMEA Shopify app partner).
REPLACED_DOMAIN = "mailkite.example"
INVITATION_DAYS = 14
# The conference Circle's members, all active; one more person is invited and has not answered.
CONFERENCE_MEMBERS = 4


def demo_today() -> date:
    """The day the demo's dates count back from: the day it runs."""
    return timezone.now().date()


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class Seat:
    person: Person
    status: str
    invited: datetime
    joined: datetime | None = None
    ended: datetime | None = None
    role: str = MemberRole.MEMBER


@transaction.atomic
def load_circles(workspace, password: str | None = None) -> None:
    """Create or refresh the demo Circles in `workspace` (after the ecosystem demo)."""
    today = demo_today()
    with scope(workspace=workspace):
        users = {user.email: user for user in User.objects.filter(email__endswith="@demo.example")}
        first = _write_circle(
            workspace,
            name=FIRST_CIRCLE,
            purpose_kind=PurposeKind.ICP,
            purpose="Heads of e-commerce at D2C brands under $25M on Shopify in EMEA. Grown from "
            "Brightwave Commerce's Konnections: five partners who sell to the same brands.",
            labels=[
                ("ecosystem", "Shopify"),
                ("region", "EMEA"),
                ("vertical", "D2C"),
                ("size", "under $25M"),
                ("icp", "Head of E-commerce"),
            ],  # fmt: skip
            core_partner=Organization.objects.get(domain=DEMO_CORE_PARTNER_DOMAIN),
            host=users.get("priya@demo.example"),
            status=CircleStatus.ACTIVE,
            created=_at(today - timedelta(days=95)),
        )
        five = {p.email: p for p in Person.objects.filter(email__in=DEMO_FIRST_CIRCLE_EMAILS)}
        start = today - timedelta(days=90)
        seats = [
            Seat(
                five[email],
                MemberStatus.ACTIVE,
                _at(start),
                _at(start + timedelta(days=1 + index)),
                role=MemberRole.HOST if index == 0 else MemberRole.MEMBER,
            )
            for index, email in enumerate(DEMO_FIRST_CIRCLE_EMAILS[:4])
        ]
        replaced = (
            Person.objects.filter(organization__domain=REPLACED_DOMAIN).order_by("email").first()
        )
        later = today - timedelta(days=26)
        if replaced is not None:
            seats.append(
                Seat(
                    replaced,
                    MemberStatus.REPLACED,
                    _at(start),
                    _at(start + timedelta(days=2)),
                    ended=_at(later),
                )  # fmt: skip
            )
        fifth = Seat(
            five[DEMO_FIRST_CIRCLE_EMAILS[4]],
            MemberStatus.ACTIVE,
            _at(later),
            _at(later + timedelta(days=2)),
        )
        members = _write_seats(first, [*seats, fifth], users)
        if replaced is not None:
            predecessor = members[replaced.pk]
            predecessor.replaced_by = members[fifth.person.pk]
            predecessor.save(update_fields=["replaced_by", "updated_at"])
        if password:
            _guest_account(workspace, members[five[DEMO_GUEST].pk], password, users)

        hubspot = Tag.objects.get(type="ecosystem", name__iexact="HubSpot")
        hubspot_partners = list(
            Organization.objects.partners()
            .filter(tags=hubspot, status=PartnerStatus.ACTIVE)
            .exclude(domain__in=[DEMO_CORE_PARTNER_DOMAIN, *DEMO_FIRST_CIRCLE_DOMAINS])
            .order_by("name", "id")
        )
        core = next(org for org in hubspot_partners if org.kind == OrgKind.AGENCY)
        chosen = [org for org in hubspot_partners if org != core and org.domain != REPLACED_DOMAIN][
            : CONFERENCE_MEMBERS + 1
        ]
        opened = today - timedelta(days=12)
        conference = _write_circle(
            workspace,
            name=CONFERENCE_CIRCLE,
            purpose_kind=PurposeKind.CONFERENCE,
            purpose="HubSpot partners going to INBOUND in Boston: meet before the conference, "
            "co-host a partner dinner and share the leads met at the booths.",
            labels=[("ecosystem", "HubSpot")],
            core_partner=core,
            host=users.get("owner@demo.example"),
            status=CircleStatus.FORMING,
            created=_at(opened),
        )
        people = [
            Person.objects.filter(organization=org).order_by("email").first() for org in chosen
        ]
        # The third person has not answered (the same one on every run). Invited two days ago,
        # so the invitation stays pending for twelve more days after the demo is loaded.
        waiting = people.pop(2)
        seats = [
            Seat(
                person,
                MemberStatus.ACTIVE,
                _at(opened + timedelta(days=1)),
                _at(opened + timedelta(days=2 + index)),
            )
            for index, person in enumerate(people)
        ]
        seats.append(Seat(waiting, MemberStatus.INVITED, _at(today - timedelta(days=2))))
        _write_seats(conference, seats, users)


def _write_circle(workspace, *, name, labels, created, **fields) -> Circle:
    circle, _ = Circle.objects.update_or_create(
        workspace=workspace,
        name=name,
        defaults={**fields, "target_size": 5},
    )
    if not circle.thread_id:
        circle.thread_id = thread_id(circle)
        circle.save(update_fields=["thread_id"])
    tags = [
        tag
        for tag_type, tag_name in labels
        if (tag := Tag.objects.filter(type=tag_type, name__iexact=tag_name).first())
    ]
    circle.tags.set(tags)
    Circle.objects.filter(pk=circle.pk).update(created_at=created)
    return circle


def _write_seats(circle: Circle, seats: list[Seat], users) -> dict[int, CircleMember]:
    """Upsert one member row per person, with the invitation they were sent."""
    members = {}
    for seat in seats:
        person = seat.person
        member, _ = CircleMember.objects.update_or_create(
            workspace=circle.workspace,
            circle=circle,
            person=person,
            defaults={
                "name": person.full_name,
                "email": person.email,
                "organization_name": person.organization.name,
                "role": seat.role,
                "status": seat.status,
                "invited_at": seat.invited,
                "joined_at": seat.joined,
                "ended_at": seat.ended,
                "added_by": circle.host,
            },
        )
        CircleMember.objects.filter(pk=member.pk).update(created_at=seat.invited)
        _write_invitation(member, seat)
        members[person.pk] = member
    return members


def _write_invitation(member: CircleMember, seat: Seat) -> None:
    answered = seat.joined if seat.status != MemberStatus.INVITED else None
    defaults = {
        "workspace": member.workspace,
        "circle": member.circle,
        "email": member.email,
        "sent_by": member.circle.host,
        "sent_at": seat.invited,
        "expires_at": seat.invited + timedelta(days=INVITATION_DAYS),
        "accepted_at": answered,
    }
    invitation = CircleInvitation.objects.filter(member=member).first()
    if invitation is None:
        # A random token nobody knows: the demo's invitations are answered or left to expire.
        CircleInvitation.objects.create(
            member=member, token_hash=hash_secret(CircleInvitation.new_token()), **defaults
        )
    else:
        for name, value in defaults.items():
            setattr(invitation, name, value)
        invitation.save()


def _guest_account(workspace, member: CircleMember, password: str, users) -> None:
    """The first Circle's first member has accepted: they sign in as a guest of the workspace."""
    user = User.objects.filter(email=member.email).first()
    if user is None:
        user = User.objects.create_user(member.email, password, name=member.name)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    _mark_email_verified(user)
    Membership.objects.get_or_create(
        workspace=workspace,
        user=user,
        defaults={"role": Role.GUEST, "invited_by": users.get("priya@demo.example")},
    )
    if member.user_id != user.pk:
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    invitation = CircleInvitation.objects.filter(member=member).first()
    if invitation is not None and invitation.accepted_by_id != user.pk:
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_by", "updated_at"])
