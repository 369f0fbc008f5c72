import json
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django_scopes import scope

from roundtable.core.csv_export import write_csv
from roundtable.ecosystem import graph
from roundtable.ecosystem.views.konnections import KONNECTION_COLUMNS, konnection_cells
from roundtable.workspaces.models import Workspace

TABLE_COLUMNS = ["organization", "kind", "status", "you partner too", "partnership", "ours"]
TABLE_WIDTH = 34


def workspace_or_error(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise CommandError(f"No workspace with the slug '{slug}'.")
    return workspace


def organization_or_error(text: str, option: str):
    """An organization of the current scope by domain, name or uuid, or a clear error."""
    try:
        organization = graph.find_organization(text)
    except ValidationError as error:
        raise CommandError(f"{option}: {' '.join(error.messages)}") from error
    if organization is None:
        raise CommandError(
            f"{option}: no organization '{text}' in this workspace (name, website or uuid)."
        )
    return organization


def form_or_error(form):
    if not form.is_valid():
        field, message = graph.form_errors(form)[0]
        if field.startswith("weight_"):
            option = f"--weight {field.removeprefix('weight_')}"
        else:
            option = {"__all__": "error"}.get(field, f"--{field}")
        raise CommandError(f"{option}: {message}")
    return form


def write_table(out, header: list[str], rows) -> int:
    """Plain aligned columns for a terminal; long cells but the last are cut with an ellipsis."""
    rows = [[*(_cut(str(cell)) for cell in row[:-1]), str(row[-1])] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(header)]
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)


def _cut(text: str) -> str:
    return text if len(text) <= TABLE_WIDTH else text[: TABLE_WIDTH - 1] + "…"


def emit(command, output_format: str, header: list[str], rows, table_rows) -> int:
    """Write rows as csv / json / table to stdout; a closed pipe (`| head`) is not an error."""
    try:
        if output_format == "csv":
            return write_csv(command.stdout, header, rows)
        if output_format == "json":
            records = [dict(zip(header, row, strict=True)) for row in rows]
            command.stdout.write(json.dumps(records, indent=2, default=str))
            return len(records)
        return write_table(command.stdout, *table_rows)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


class Command(BaseCommand):
    help = (
        "List an organization's Konnections: its partners, marked where we partner with them "
        "too, with how many of our other partners partner with each. ORG is a name, website "
        "or uuid."
    )

    def add_arguments(self, parser):
        parser.add_argument("org", metavar="ORG", help="the organization (name, website or uuid)")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument(
            "--mutual", action="store_true", help="only partners we partner with too"
        )
        parser.add_argument(
            "--tag",
            action="append",
            default=[],
            metavar="TYPE:VALUE",
            help="only partners carrying this tag (repeat: all of them)",
        )
        parser.add_argument("--kind", default="", help="only this kind (agency, technology …)")
        parser.add_argument(
            "--with",
            dest="other",
            metavar="ORG",
            help="instead: the partners ORG and this organization have in common",
        )
        parser.add_argument(
            "--sort",
            default="",
            help=f"one of {', '.join(graph.KONNECTION_SORTS)}; '-' first: descending",
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, org, workspace, mutual, tag, kind, other, sort, **options):
        target = workspace_or_error(workspace)
        data = QueryDict(mutable=True)
        data.setlist("tag", tag)
        for name, value in (("mutual", "only" if mutual else ""), ("kind", kind), ("sort", sort)):
            if value:
                data[name] = value
        with scope(workspace=target):
            organization = organization_or_error(org, "ORG")
            second = organization_or_error(other, "--with") if other else None
            form = form_or_error(graph.KonnectionsFilter(data))
            if second is None:
                nodes = graph.konnections(target, organization, form)
            else:
                try:
                    nodes = graph.mutual_partners(target, organization, second, form)
                except ValidationError as error:
                    raise CommandError(f"--with: {' '.join(error.messages)}") from None
            rows = list(graph.konnection_rows(organization, nodes, other=second))
            cells = [konnection_cells(row) for row in rows]
            table = [
                [
                    row.organization.name,
                    row.organization.kind,
                    row.organization.status or "-",
                    (f"yes, since {row.our_since:%Y-%m}" if row.our_since else "yes")
                    if row.mutual
                    else "no",
                    row.kind or "-",
                    row.common,
                ]
                for row in rows
            ]
            count = emit(self, options["format"], KONNECTION_COLUMNS, cells, (TABLE_COLUMNS, table))
        subject = (
            f"{organization.name} and {second.name} in common" if second else organization.name
        )
        self.stderr.write(
            f"{count} of {nodes.total} partners ({nodes.total_mutual} mutual): {subject}."
            if second is None
            else f"{count} partners {subject}."
        )
