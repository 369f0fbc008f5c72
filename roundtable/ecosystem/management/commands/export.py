import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django_scopes import scope

from roundtable.core.csv_export import write_csv
from roundtable.ecosystem.exports import EXPORTS
from roundtable.ecosystem.filters import first_error
from roundtable.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Write a workspace's organizations, people, partnerships or accounts as CSV (header row, "
        "then one row per record), with the columns `roundtable import` reads back. Cells a "
        "spreadsheet could run as formulas are escaped with a leading quote."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXPORTS), help="what to export")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--out", help="write to this file instead of standard output")
        parser.add_argument(
            "--tag",
            action="append",
            default=[],
            metavar="TYPE:VALUE",
            help="organizations: only those carrying this tag (repeat: all of them)",
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="any filter of the list page or API, e.g. status=active, kind=agency, q=berlin "
            "(people: q, organization; partnerships: organization, kind, source; accounts: owner "
            "(uuid, domain or name; blank: ours), status, source)",
        )

    def handle(self, *args, kind, workspace, out, tag, filter, **options):
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace with the slug '{workspace}'.")
        filter_class, export = EXPORTS[kind]
        data = QueryDict(mutable=True)
        for item in filter:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise CommandError(f"--filter {item!r}: write NAME=VALUE, e.g. status=active.")
            data.appendlist(name.strip(), value.strip())
        for label in tag:
            data.appendlist("tag", label)
        with scope(workspace=target):
            form = filter_class(data)
            unknown = set(data) - set(form.fields)
            if unknown:
                known = ", ".join(form.fields)
                raise CommandError(f"{kind} have no filter {', '.join(sorted(unknown))}: {known}.")
            if not form.is_valid():
                field, message = first_error(form)
                raise CommandError(f"--filter {field}: {message}")
            header, rows = export(form)
            if out:
                try:
                    stream = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
                except OSError as error:
                    raise CommandError(f"{out}: cannot write ({error.strerror}).") from None
                with stream:
                    count = write_csv(stream, header, rows)
            else:
                try:
                    count = write_csv(self.stdout, header, rows)
                except BrokenPipeError:
                    # The reader stopped early (`| head`): not an error. Point stdout at
                    # /dev/null so Python's exit flush does not complain about the pipe.
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return
        where = out or "standard output"
        self.stderr.write(f"Exported {count} {kind} of {target.slug} to {where}.")
