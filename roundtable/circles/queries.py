"""Named selections of Circles that a QuerySet method cannot express."""

from dataclasses import dataclass
from datetime import datetime

from roundtable.circles.choices import CURRENT_STATUSES, MemberStatus
from roundtable.circles.models import CircleMember
from roundtable.ecosystem.models import Organization


@dataclass
class HistoryEvent:
    at: datetime
    member: CircleMember
    what: str


ENDINGS = {
    MemberStatus.DECLINED: "declined the invitation",
    MemberStatus.LEFT: "left the Circle",
    MemberStatus.REPLACED: "was replaced",
}


def membership_history(members: list[CircleMember]) -> list[HistoryEvent]:
    """Who joined and left the Circle when, newest first, from the members' own dates."""
    events = []
    for member in members:
        if member.invited_at:
            events.append(HistoryEvent(member.invited_at, member, "was invited"))
        if member.joined_at:
            events.append(HistoryEvent(member.joined_at, member, "joined"))
        if member.ended_at and member.status in ENDINGS:
            what = ENDINGS[member.status]
            if member.status == MemberStatus.REPLACED and member.replaced_by is not None:
                what = f"was replaced by {member.replaced_by.name}"
            if member.status == MemberStatus.LEFT and member.joined_at is None:
                what = "was no longer invited"
            events.append(HistoryEvent(member.ended_at, member, what))
    return sorted(events, key=lambda event: (event.at, event.member.pk), reverse=True)


def fellow_members(member: CircleMember) -> list[CircleMember]:
    """Who else is in `member`'s Circle, as an invitee is told (in the email and on the accept
    page): those invited or active. Someone only proposed has not been asked, and may never be
    (a person without an email address cannot), so is not named to others."""
    return list(
        CircleMember.objects.filter(
            circle_id=member.circle_id, status__in=[MemberStatus.INVITED, MemberStatus.ACTIVE]
        )
        .exclude(pk=member.pk)
        .order_by("created_at", "id")
    )


def organizations_in_circles():
    """Organizations with a current member in some Circle: the list's member filter."""
    return Organization.objects.filter(
        people__circle_memberships__status__in=CURRENT_STATUSES
    ).distinct()
