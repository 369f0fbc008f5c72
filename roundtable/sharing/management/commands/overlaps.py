import sys
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from roundtable.core.csv_export import write_csv
from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.management.commands.konnections import workspace_or_error, write_table
from roundtable.sharing import actions, policy


class Command(BaseCommand):
    help = "Overlap matrices of a workspace: who with, one matrix, or recount them now."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(
            dest="action", required=True, metavar="list|matrix|refresh"
        )
        listing = commands.add_parser("list", help="partners and connected workspaces")
        listing.add_argument("--workspace", required=True, help="the workspace's slug")
        matrix = commands.add_parser("matrix", help="one matrix, as the pages show it")
        matrix.add_argument("other", help="the partner's or connection's uuid (see `list`)")
        matrix.add_argument("--workspace", required=True)
        matrix.add_argument("--format", choices=["table", "csv"], default="table")
        refresh = commands.add_parser("refresh", help="recount every matrix now (no worker)")
        refresh.add_argument("--workspace", required=True)

    def handle(self, *args, **options):
        workspace = workspace_or_error(options["workspace"])
        with scope(workspace=workspace):
            getattr(self, f"_{options['action']}")(workspace, options)

    def _list(self, workspace, options):
        rows = [
            [
                h.counterpart.label,
                h.counterpart.kind,
                h.customers_text,
                h.deals_text,
                f"{h.potential_revenue:,.0f}" if h.potential_revenue is not None else "",
                str(h.counterpart.uuid),
            ]
            for h in policy.headlines(workspace)
        ]
        # The uuid goes last: the table cuts long cells except the last, and scripts copy it.
        header = ["with", "kind", "customers in common", "open deals", "potential revenue", "uuid"]
        write_table(self.stdout, header, rows)

    def _counterpart(self, workspace, text):
        try:
            return policy.counterpart(workspace, UUID(text))
        except (ValueError, policy.NotShared):
            raise CommandError(
                f"No partner or connection '{text}' here: see `overlaps list`."
            ) from None

    def _matrix(self, workspace, options):
        cp = self._counterpart(workspace, options["other"])
        result = policy.matrix(workspace, cp, schedule=False)
        if result.pending:
            actions.refresh_overlaps(workspace, result.rows[0].owner, cp.workspace, cp.owner)
            result = policy.matrix(workspace, cp, schedule=False)
        header, rows = policy.matrix_rows(result)
        if options["format"] == "csv":
            write_csv(self.stdout, header, rows)
            return
        write_table(self.stdout, header, rows)
        if result.hidden:
            self.stdout.write(f"{result.hidden} population(s) not shared.\n")
        if result.potential_revenue is not None:
            self.stdout.write(f"Potential revenue: {result.potential_revenue:,.0f}\n")
        if result.computed_at:
            self.stdout.write(f"Counted {result.computed_at:%Y-%m-%d %H:%M} UTC.\n")

    def _refresh(self, workspace, options):
        ours = ensure_our_organization(workspace)
        for cp in policy.counterparts(workspace):
            cells = actions.refresh_overlaps(workspace, ours, cp.workspace, cp.owner)
            sys.stderr.write(f"{cp.label}: {cells} cells\n")
