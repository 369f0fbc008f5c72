import json
import os
import sys
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django_scopes import scope, scopes_disabled

from roundtable.circles.api import circle_out, invitation_out, member_out
from roundtable.circles.filters import CircleFilter
from roundtable.circles.models import Circle, CircleInvitation, CircleMember
from roundtable.circles.sheet import SHEET_COLUMNS, sheet_members, sheet_rows
from roundtable.core.csv_export import write_csv
from roundtable.ecosystem.management.commands.konnections import workspace_or_error, write_table

LIST_COLUMNS = ["uuid", "name", "purpose", "status", "members", "core partner", "host"]
# The terminal table ends with the uuid: the one cell never cut, ready to paste into `show`.
TABLE_COLUMNS = [*LIST_COLUMNS[1:], "uuid"]


def _closed_pipe() -> None:
    """`| head` closed stdout: not an error; stop writing quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class Command(BaseCommand):
    help = "List a workspace's Circles, or show one Circle with its members and invitations."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="list|show")
        listing = commands.add_parser("list", help="the workspace's Circles")
        listing.add_argument("--workspace", required=True, help="the workspace's slug")
        listing.add_argument("--status", default="", help="forming, active, paused or closed")
        listing.add_argument("--kind", default="", help="icp, conference, city or other")
        listing.add_argument(
            "--tag", action="append", default=[], metavar="TYPE:VALUE",
            help="only Circles whose ICP has this tag (repeat: all of them)",
        )  # fmt: skip
        listing.add_argument(
            "--organization", default="", metavar="UUID",
            help="only Circles with a current member from this organization",
        )  # fmt: skip
        listing.add_argument("--format", choices=["table", "csv", "json"], default="table")
        showing = commands.add_parser("show", help="one Circle: its members and invitations")
        showing.add_argument("id", metavar="ID", help="the Circle's uuid")
        showing.add_argument("--workspace", default="", help="its workspace's slug (optional)")
        showing.add_argument("--format", choices=["text", "json", "csv"], default="text",
                             help="csv: the Circle sheet")  # fmt: skip

    def handle(self, *args, action, **options):
        try:
            if action == "list":
                self.list_circles(**options)
            else:
                self.show_circle(**options)
        except BrokenPipeError:
            _closed_pipe()

    def list_circles(self, *, workspace, status, kind, tag, organization, **options):
        target = workspace_or_error(workspace)
        data = QueryDict(mutable=True)
        data.setlist("tag", tag)
        for name, value in (("status", status), ("kind", kind), ("organization", organization)):
            if value:
                data[name] = value
        with scope(workspace=target):
            form = CircleFilter(data)
            if not form.is_valid():
                field, errors = next(iter(form.errors.items()))
                raise CommandError(f"--{field}: {' '.join(errors)}")
            circles = list(form.circles(Circle.objects.all()).order_by("name", "id"))
            output = options["format"]
            if output == "json":
                self.stdout.write(json.dumps([circle_out(c) for c in circles], indent=2,
                                             cls=DjangoJSONEncoder))  # fmt: skip
            else:
                rows = [
                    [
                        str(c.uuid), c.name, c.get_purpose_kind_display(), c.status,
                        f"{c.active_count}/{c.target_size}",
                        c.core_partner.name if c.core_partner else "",
                        c.host.email if c.host else "",
                    ]
                    for c in circles
                ]  # fmt: skip
                if output == "csv":
                    # An empty cell stays empty: a placeholder would read as data (and "-"
                    # even gets the formula-escape quote).
                    write_csv(self.stdout, LIST_COLUMNS, rows)
                else:
                    # A terminal needs something in an empty cell to keep the columns readable.
                    write_table(
                        self.stdout,
                        TABLE_COLUMNS,
                        [[*(cell or "-" for cell in r[1:]), r[0]] for r in rows],
                    )
        self.stderr.write(f"{len(circles)} Circle{'s' if len(circles) != 1 else ''} in {target}.")

    def show_circle(self, *, id, workspace, **options):  # noqa: A002  (the documented argument)
        try:
            uuid = UUID(id)
        except ValueError:
            raise CommandError(f"ID: '{id}' is not a Circle's uuid.") from None
        with scopes_disabled():
            circles = Circle.objects.select_related("workspace").filter(uuid=uuid)
            if workspace:
                circles = circles.filter(workspace=workspace_or_error(workspace))
            circle = circles.first()
        if circle is None:
            raise CommandError(f"No Circle {id}" + (f" in {workspace}." if workspace else "."))
        with scope(workspace=circle.workspace):
            circle = (
                Circle.objects.select_related("core_partner", "host")
                .prefetch_related("tags")
                .with_member_counts()
                .get(pk=circle.pk)
            )
            members = list(circle.members.in_table_order())
            invitations = list(
                CircleInvitation.objects.filter(circle=circle).select_related("member", "delivery")
            )
            output = options["format"]
            if output == "csv":
                rows = sheet_rows(sheet_members(circle))
                write_csv(self.stdout, SHEET_COLUMNS, (row.cells() for row in rows))
            elif output == "json":
                document = {
                    **circle_out(circle),
                    "members": [member_out(member) for member in members],
                    "invitations": [invitation_out(invitation) for invitation in invitations],
                }
                self.stdout.write(json.dumps(document, indent=2, cls=DjangoJSONEncoder))
            else:
                self.write_text(circle, members, invitations)

    def write_text(self, circle, members: list[CircleMember], invitations) -> None:
        out = self.stdout
        tags = ", ".join(tag.label for tag in circle.tags.all()) or "-"
        out.write(f"{circle.name} ({circle.get_status_display()})\n")
        for label, value in (
            ("Purpose", f"{circle.get_purpose_kind_display()}: {circle.purpose or '-'}"),
            ("ICP", tags),
            ("Core partner", circle.core_partner.name if circle.core_partner else "-"),
            ("Host", circle.host.email if circle.host else "-"),
            ("Members", f"{circle.active_count} active of {circle.target_size} wanted"),
            ("Workspace", circle.workspace.slug),
        ):
            out.write(f"{label + ':':<14}{value}\n")
        out.write("\n")
        write_table(
            out,
            ["name", "organization", "role", "status", "since", "email"],
            [
                [
                    m.name, m.organization_name, m.role, m.status,
                    m.since.date().isoformat() if m.since else "-", m.email or "-",
                ]
                for m in members
            ],
        )  # fmt: skip
        if invitations:
            out.write("\n")
            write_table(
                out,
                ["invitation", "state", "sent", "expires", "email delivery"],
                [
                    [
                        i.email, i.state, i.sent_at.date().isoformat(),
                        i.expires_at.date().isoformat(),
                        f"{i.delivery.status} ({i.delivery.attempts} attempt"
                        f"{'s' if i.delivery.attempts != 1 else ''})" if i.delivery else "-",
                    ]
                    for i in invitations
                ],
            )  # fmt: skip
