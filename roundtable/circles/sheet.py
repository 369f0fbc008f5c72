"""The Circle sheet: one row per member with what they bring. For now: when they joined and how
to reach them; pledges, leads and offers join as columns when those features land. The page,
the CSV export and the CLI read the same rows."""

from dataclasses import dataclass

from roundtable.circles.choices import MemberStatus
from roundtable.circles.models import Circle, CircleMember

SHEET_COLUMNS = [
    "name", "organization", "role", "status", "joined", "email", "phone", "title", "city",
    "linkedin",
]  # fmt: skip


@dataclass
class SheetRow:
    member: CircleMember
    organization: str
    email: str
    phone: str
    title: str
    city: str
    linkedin: str

    def cells(self) -> list:
        member = self.member
        return [
            member.name,
            self.organization,
            member.role,
            member.status,
            member.joined_at.date().isoformat() if member.joined_at else "",
            self.email,
            self.phone,
            self.title,
            self.city,
            self.linkedin,
        ]


def sheet_members(circle: Circle, *, for_guest: bool = False) -> list[CircleMember]:
    """The members the sheet lists: the current ones (a guest does not see those only proposed:
    they have not been asked yet)."""
    members = circle.members.current().in_table_order()
    if for_guest:
        members = members.exclude(status=MemberStatus.PROPOSED)
    return list(members)


def sheet_row(member: CircleMember) -> SheetRow:
    person = member.person
    if person is not None:
        return SheetRow(
            member=member,
            organization=person.organization.name,
            email=person.email or member.email,
            phone=person.phone,
            title=person.title,
            city=person.city,
            linkedin=person.linkedin_url,
        )
    return SheetRow(
        member=member,
        organization=member.organization_name,
        email=member.user.email if member.user else member.email,
        phone="",
        title="",
        city="",
        linkedin="",
    )


def sheet_rows(members: list[CircleMember]) -> list[SheetRow]:
    return [sheet_row(member) for member in members]
